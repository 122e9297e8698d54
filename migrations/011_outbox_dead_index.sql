-- `GET /metrics` counts the parked calls through this index instead of reading every call ever
-- sent; the pending ones through `outbox_pending` (010). Parked calls are few.
CREATE INDEX outbox_dead ON outbox (id) WHERE dead AND sent_at IS NULL;
