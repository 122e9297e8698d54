-- People (SPEC §13): a signed-in user's sealed platform token, sessions, sign-ins in progress and
-- personal API tokens. Secrets are never stored as given: sessions and API tokens by their
-- SHA-256 only; the platform token sealed with AES-256-GCM under BOUNTYBOT_SECRET_KEY.
ALTER TABLE users
  ADD COLUMN token_sealed    bytea,        -- nonce (12) || ciphertext || tag (16); null until a sign-in
  ADD COLUMN signed_in_at    timestamptz;  -- the latest sign-in

CREATE TABLE sessions (
  token_hash  bytea       PRIMARY KEY,     -- SHA-256 of the cookie's value
  platform    text        NOT NULL,
  platform_id bigint      NOT NULL,
  csrf        text        NOT NULL,        -- the hidden `csrf` input of this session's forms
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  FOREIGN KEY (platform, platform_id) REFERENCES users (platform, platform_id)
);
CREATE INDEX sessions_by_user ON sessions (platform, platform_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- A sign-in that left for the provider: found again by the hash of its `state`, once.
CREATE TABLE sign_ins (
  state_hash  bytea       PRIMARY KEY,
  platform    text        NOT NULL CHECK (platform IN ('github', 'gitlab')),
  next        text        NOT NULL,        -- where the browser goes after signing in (a local path)
  expires_at  timestamptz NOT NULL
);
CREATE INDEX sign_ins_expiry ON sign_ins (expires_at);

CREATE TABLE api_tokens (
  id           bigserial   PRIMARY KEY,
  platform     text        NOT NULL,
  platform_id  bigint      NOT NULL,
  name         text        NOT NULL,
  token_hash   bytea       NOT NULL UNIQUE, -- SHA-256 of the token
  created_at   timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at   timestamptz,
  FOREIGN KEY (platform, platform_id) REFERENCES users (platform, platform_id)
);
CREATE INDEX api_tokens_by_user ON api_tokens (platform, platform_id, id);

-- A user's page lists the transfers into their accounts (earnings, deposits), newest first.
CREATE INDEX transfers_credit ON transfers (credit_account, id);
