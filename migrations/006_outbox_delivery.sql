-- The delivery whose processing queued a platform call (`platform:delivery id`), so the log lines
-- of sending it name the delivery too. NULL for calls queued by timers, votes and operators.
ALTER TABLE outbox ADD COLUMN delivery text;
