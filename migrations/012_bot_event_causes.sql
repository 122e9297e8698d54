-- Each platform event has effect once, whatever delivery id it arrives under: the delivery id is
-- a header the signature does not cover, so a signed body resent with fresh ids must not move
-- money again. `cause` is the event's identity built from the signed body (bot/bounty.hpp,
-- `event_cause`); the store inserts it in the transaction that applies the event's effects.
CREATE TABLE event_causes (
  cause        text        PRIMARY KEY,
  delivery     text,                      -- the delivery that had the effect (platform:id), for operators
  processed_at timestamptz NOT NULL DEFAULT now()
);

-- Deliveries processed before this migration recorded no cause. `bountybot migrate` (and
-- `serve`, before its workers start) records theirs from the stored payloads, in batches, up to
-- the inbox id of this moment, then deletes this row: a body processed before the upgrade and
-- resent after it has no second effect either.
CREATE TABLE event_cause_backfill (
  through_inbox_id bigint NOT NULL,           -- the last delivery stored before causes were recorded
  next_inbox_id    bigint NOT NULL DEFAULT 0  -- where the backfill goes on after an interruption
);
INSERT INTO event_cause_backfill (through_inbox_id) SELECT coalesce(max(id), 0) FROM inbox;
