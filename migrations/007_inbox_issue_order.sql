-- Deliveries of one issue are processed in the order they arrived, even with several workers and
-- instances: a worker names each new delivery's issue (`platform:path#number`, '-' for events of
-- no single issue), then takes a delivery only when no older delivery of its issue is pending.
ALTER TABLE inbox ADD COLUMN issue_key text;
CREATE INDEX inbox_unkeyed ON inbox (id) WHERE processed_at IS NULL AND issue_key IS NULL;
CREATE INDEX inbox_pending_issue ON inbox (issue_key, id) WHERE processed_at IS NULL;
