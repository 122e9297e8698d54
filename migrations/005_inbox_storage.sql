-- Cheaper durable intake. Deliveries are JSON of 5 to 30 KB. PostgreSQL's default pglz
-- compression took most of the insert's CPU time; lz4 compresses them about as well (12.6 KB to
-- 2.4 KB for GitHub's issue_comment example) several times faster. MAIN storage with the
-- largest tuple target keeps a compressed payload in its row instead of splitting it into TOAST
-- chunks (one heap tuple instead of three plus a TOAST index entry); larger payloads still
-- move out of line.
ALTER TABLE inbox ALTER COLUMN payload SET COMPRESSION lz4;
ALTER TABLE inbox ALTER COLUMN payload SET STORAGE MAIN;
ALTER TABLE inbox SET (toast_tuple_target = 8160);
