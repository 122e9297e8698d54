-- bountybot schema, version 2: the bounty lifecycle (SPEC §5-§7): milestones, votes and their
-- ballots, solver splits, durable timers, label and vote outbox calls, operator resolutions.

ALTER TABLE bounties
  ADD COLUMN disputed          boolean NOT NULL DEFAULT false,
  ADD COLUMN closed_completed  boolean NOT NULL DEFAULT false,  -- issue closed as completed
  ADD COLUMN split             text;                            -- "login:pct,login:pct" for the next release

CREATE TABLE milestones (
  id             bigserial PRIMARY KEY,
  bounty_id      bigint NOT NULL REFERENCES bounties(id),
  position       int    NOT NULL,
  name           text   NOT NULL,
  percent        int    NOT NULL CHECK (percent BETWEEN 1 AND 100),
  state          text   NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'voting', 'released')),
  rejections     int    NOT NULL DEFAULT 0,
  released_minor bigint NOT NULL DEFAULT 0,
  UNIQUE (bounty_id, position)
);

CREATE TABLE votes (
  id               bigserial PRIMARY KEY,
  bounty_id        bigint NOT NULL REFERENCES bounties(id),
  milestone_ids    bigint[] NOT NULL,
  state            text   NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'approved', 'rejected')),
  submitter_platform text NOT NULL,
  submitter_id     bigint NOT NULL,
  url              text,
  opened_at        timestamptz NOT NULL,
  closes_at        timestamptz NOT NULL,
  closed_at        timestamptz,
  release_minor    bigint NOT NULL,     -- what approval releases (before fees)
  comment_id       bigint,              -- the vote comment, once posted
  etag             text,                -- last ETag of the reactions list (GitHub)
  next_poll_at     timestamptz NOT NULL DEFAULT now(),
  idempotency_key  text NOT NULL UNIQUE
);
CREATE UNIQUE INDEX votes_one_open ON votes (bounty_id) WHERE state = 'open';
CREATE INDEX votes_poll ON votes (next_poll_at) WHERE state = 'open';

CREATE TABLE vote_voters (
  vote_id  bigint NOT NULL REFERENCES votes(id),
  platform text   NOT NULL,
  user_id  bigint NOT NULL,
  weight   bigint NOT NULL CHECK (weight > 0),
  ballot   text   NOT NULL DEFAULT 'none' CHECK (ballot IN ('none', 'approve', 'reject', 'abstain')),
  PRIMARY KEY (vote_id, platform, user_id)
);

CREATE TABLE vote_solvers (
  vote_id  bigint NOT NULL REFERENCES votes(id),
  position int    NOT NULL,
  platform text   NOT NULL,
  user_id  bigint NOT NULL,
  login    text   NOT NULL,
  percent  int    NOT NULL CHECK (percent BETWEEN 1 AND 100),
  PRIMARY KEY (vote_id, position)
);

-- Durable timers: fired once by whichever instance locks them first.
CREATE TABLE timers (
  id        bigserial PRIMARY KEY,
  kind      text NOT NULL CHECK (kind IN ('pledge_deadline', 'funds_expiry', 'bounty_deadline', 'vote_close')),
  bounty_id bigint NOT NULL REFERENCES bounties(id),
  pledge_id bigint REFERENCES pledges(id),
  vote_id   bigint REFERENCES votes(id),
  due_at    timestamptz NOT NULL,     -- when it should fire
  fire_at   timestamptz NOT NULL,     -- when it will fire (later while a vote is open)
  fired_at  timestamptz
);
CREATE INDEX timers_due ON timers (fire_at) WHERE fired_at IS NULL;

CREATE TABLE resolutions (
  id         bigserial PRIMARY KEY,
  bounty_id  bigint NOT NULL REFERENCES bounties(id),
  action     text   NOT NULL CHECK (action IN ('release', 'refund')),
  reason     text   NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
  CHECK (kind IN ('status', 'reply', 'reaction', 'vote', 'add_label', 'remove_label'));
ALTER TABLE outbox ADD COLUMN vote_id bigint REFERENCES votes(id);
ALTER TABLE outbox ADD COLUMN label text;

-- A voter's reactions on the vote comment: both 👍 and 👎 abstain (SPEC §7).
ALTER TABLE vote_voters ADD COLUMN thumbs_up boolean NOT NULL DEFAULT false;
ALTER TABLE vote_voters ADD COLUMN thumbs_down boolean NOT NULL DEFAULT false;
