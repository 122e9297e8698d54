-- Fair sending: the outbox serves the repository it served least recently first, so one busy
-- repository cannot starve the others.
CREATE TABLE outbox_turns (
  repository_id bigint PRIMARY KEY REFERENCES repositories(id),
  last_sent_at  timestamptz NOT NULL
);
