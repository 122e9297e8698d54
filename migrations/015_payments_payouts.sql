-- Money out (SPEC §14): users' Stripe connected accounts, and payouts. A payout is booked in the
-- ledger when it is requested (payable -> external:{provider}); its row is the outbox entry the
-- payout sender works off for Stripe, and the operator's queue for the manual provider.
CREATE TABLE payout_accounts (
  platform        text        NOT NULL,
  platform_id     bigint      NOT NULL,
  account_id      text        NOT NULL UNIQUE,      -- acct_...
  payouts_enabled boolean     NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL,
  PRIMARY KEY (platform, platform_id),
  FOREIGN KEY (platform, platform_id) REFERENCES users (platform, platform_id)
);

CREATE TABLE payouts (
  id              bigserial   PRIMARY KEY,
  platform        text        NOT NULL,
  user_id         bigint      NOT NULL,
  amount_minor    bigint      NOT NULL CHECK (amount_minor > 0),
  currency        char(3)     NOT NULL,
  provider        text        NOT NULL CHECK (provider IN ('manual', 'stripe')),
  destination     text,                             -- the connected account (stripe)
  state           text        NOT NULL CHECK (state IN ('requested', 'paid', 'failed')),
  request_id      text        NOT NULL,             -- the form's one-time id: a double click pays once
  reference       text,                             -- tr_... (stripe) or the operator's reference
  reason          text,                             -- why it failed
  attempts        int         NOT NULL DEFAULT 0,   -- provider calls that failed and will be retried
  next_attempt_at timestamptz NOT NULL,
  last_error      text,
  requested_at    timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  UNIQUE (platform, user_id, request_id),
  FOREIGN KEY (platform, user_id) REFERENCES users (platform, platform_id)
);
CREATE INDEX payouts_due ON payouts (next_attempt_at, id) WHERE state = 'requested' AND provider = 'stripe';
CREATE INDEX payouts_by_state ON payouts (state, id);
CREATE INDEX payouts_by_user ON payouts (platform, user_id, id DESC);
