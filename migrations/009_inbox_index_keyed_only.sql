-- Fewer index entries per stored delivery. A new delivery has no issue key until a worker names
-- it (007), and the two indexes that serve keyed deliveries only need keyed rows: with
-- `issue_key IS NOT NULL` in their predicates, storing a delivery writes three index entries
-- (primary key, unique delivery id, inbox_unkeyed) instead of five. Naming the issue is an
-- update that writes new entries in every index anyway.
DROP INDEX inbox_pending;
CREATE INDEX inbox_pending ON inbox (id) WHERE processed_at IS NULL AND issue_key IS NOT NULL;
DROP INDEX inbox_pending_issue;
CREATE INDEX inbox_pending_issue ON inbox (issue_key, id) WHERE processed_at IS NULL AND issue_key IS NOT NULL;
