-- Claiming a call no longer sorts every pending call. The sender walks the repositories in turn
-- order (least recently served first) and takes the first whose oldest due call it can lock:
-- an index step per repository instead of a sort of the whole backlog (21 ms per claim with
-- 31,000 calls pending, 0.2 ms now), so a backlog left by a platform outage drains at the
-- platform's pace. Every repository with calls has a turn row, written with its first call;
-- '-infinity' means never served, and comes first as NULLs did. The foreign key makes sure of
-- it: a call the sender could not reach cannot be stored.
INSERT INTO outbox_turns (repository_id, last_sent_at)
  SELECT DISTINCT repository_id, '-infinity'::timestamptz FROM outbox
  ON CONFLICT (repository_id) DO NOTHING;
ALTER TABLE outbox ADD CONSTRAINT outbox_repository_turn_fkey
  FOREIGN KEY (repository_id) REFERENCES outbox_turns (repository_id);
CREATE INDEX outbox_turns_order ON outbox_turns (last_sent_at, repository_id);
-- A repository's pending calls, the one due longest first.
DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (repository_id, next_attempt_at, id) WHERE sent_at IS NULL AND NOT dead;
