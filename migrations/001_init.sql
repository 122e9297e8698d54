-- bountybot schema, version 1: repositories, users, the inbox, bounties and pledges, the ledger,
-- and the outbox. Amounts are bigint minor units; currencies are ISO 4217 codes.

CREATE TABLE repositories (
  id          bigserial PRIMARY KEY,
  platform    text   NOT NULL CHECK (platform IN ('github', 'gitlab')),
  platform_id bigint NOT NULL,              -- GitHub repository id / GitLab project id
  full_path   text   NOT NULL,              -- current path; old ones stay in repository_paths
  UNIQUE (platform, platform_id)
);

CREATE TABLE repository_paths (
  platform      text   NOT NULL,
  full_path_key text   NOT NULL,            -- lower(full_path): GitHub paths are case-insensitive
  repository_id bigint NOT NULL REFERENCES repositories(id),
  PRIMARY KEY (platform, full_path_key)
);

CREATE TABLE users (
  platform    text   NOT NULL,
  platform_id bigint NOT NULL,
  login       text   NOT NULL,              -- display only; ids identify users
  PRIMARY KEY (platform, platform_id)
);

-- Durable inbox: a delivery is stored here before the 202, then processed by a worker.
CREATE TABLE inbox (
  id           bigserial PRIMARY KEY,
  platform     text NOT NULL,
  delivery_id  text NOT NULL,
  event        text NOT NULL,
  payload      text NOT NULL,               -- the raw body, as signed
  received_at  timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  outcome      text,                        -- done | ignored | failed
  attempts     int  NOT NULL DEFAULT 0,
  last_error   text,
  UNIQUE (platform, delivery_id)
);
CREATE INDEX inbox_pending ON inbox (id) WHERE processed_at IS NULL;

CREATE TABLE bounties (
  id                bigserial PRIMARY KEY,
  repository_id     bigint NOT NULL REFERENCES repositories(id),
  issue_number      bigint NOT NULL,
  issue_url         text   NOT NULL,
  state             text   NOT NULL DEFAULT 'open'
                    CHECK (state IN ('open', 'accepted', 'voting', 'completed', 'cancelled', 'expired')),
  currency          char(3),
  goal_minor        bigint CHECK (goal_minor > 0),
  deadline          timestamptz,
  status_comment_id bigint,                 -- the bot's status comment, once created
  created_at        timestamptz NOT NULL DEFAULT now(),
  UNIQUE (repository_id, issue_number)
);

CREATE TABLE pledges (
  id               bigserial PRIMARY KEY,
  bounty_id        bigint NOT NULL REFERENCES bounties(id),
  platform         text   NOT NULL,
  user_id          bigint NOT NULL,
  amount_minor     bigint NOT NULL CHECK (amount_minor >= 0),
  currency         char(3),
  state            text   NOT NULL CHECK (state IN ('held', 'awaiting_funds', 'refunded', 'cancelled')),
  released_minor   bigint NOT NULL DEFAULT 0 CHECK (released_minor >= 0 AND released_minor <= amount_minor),
  created_at       timestamptz NOT NULL,
  deadline         timestamptz NOT NULL,
  funds_expire_at  timestamptz,
  idempotency_key  text NOT NULL UNIQUE,    -- platform:delivery:command index
  FOREIGN KEY (platform, user_id) REFERENCES users(platform, platform_id)
);
CREATE INDEX pledges_bounty ON pledges (bounty_id);
CREATE INDEX pledges_awaiting ON pledges (platform, user_id, currency, id) WHERE state = 'awaiting_funds';

-- Double-entry ledger. Balances are kept per account and currency and change only together with
-- an inserted transfer (escrow/store.cpp); transfers are immutable.
CREATE TABLE accounts (
  id            bigserial PRIMARY KEY,
  name          text    NOT NULL,
  currency      char(3) NOT NULL,
  balance_minor bigint  NOT NULL DEFAULT 0,
  UNIQUE (name, currency),
  CHECK (balance_minor >= 0 OR name LIKE 'external:%')
);

CREATE TABLE transfers (
  id              bigserial PRIMARY KEY,
  idempotency_key text    NOT NULL UNIQUE,
  kind            text    NOT NULL,
  debit_account   bigint  NOT NULL REFERENCES accounts(id),
  credit_account  bigint  NOT NULL REFERENCES accounts(id),
  amount_minor    bigint  NOT NULL CHECK (amount_minor > 0),
  currency        char(3) NOT NULL,
  pledge_id       bigint  REFERENCES pledges(id),
  reference       text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CHECK (debit_account <> credit_account)
);

CREATE FUNCTION transfers_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'transfers are immutable; correct with a new transfer';
END $$;
CREATE TRIGGER transfers_immutable BEFORE UPDATE OR DELETE ON transfers
  FOR EACH ROW EXECUTE FUNCTION transfers_are_immutable();

-- Deposits recorded by the operator, idempotent by (provider, reference).
CREATE TABLE deposits (
  id           bigserial PRIMARY KEY,
  provider     text   NOT NULL,
  reference    text   NOT NULL,
  platform     text   NOT NULL,
  user_id      bigint NOT NULL,
  amount_minor bigint NOT NULL CHECK (amount_minor > 0),
  currency     char(3) NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  UNIQUE (provider, reference)
);

-- Transactional outbox: platform API calls decided together with the state change.
CREATE TABLE outbox (
  id              bigserial PRIMARY KEY,
  platform        text   NOT NULL,
  repository_id   bigint NOT NULL REFERENCES repositories(id),
  issue_number    bigint NOT NULL,
  kind            text   NOT NULL CHECK (kind IN ('status', 'reply', 'reaction')),
  bounty_id       bigint REFERENCES bounties(id),
  comment_id      bigint,                   -- reaction: the comment reacted to
  body            text,                     -- reply: the text
  reaction        text,                     -- reaction: done | refused
  created_at      timestamptz NOT NULL DEFAULT now(),
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  attempts        int NOT NULL DEFAULT 0,
  sent_at         timestamptz,
  dead            boolean NOT NULL DEFAULT false,
  last_error      text
);
CREATE INDEX outbox_pending ON outbox (next_attempt_at, id) WHERE sent_at IS NULL AND NOT dead;
