-- GitHub App installations, as the `installation` and `installation_repositories` events report them.
CREATE TABLE github_installations (
  installation_id bigint PRIMARY KEY,
  account_login   text NOT NULL,
  account_id      bigint NOT NULL,
  last_action     text NOT NULL,          -- created, deleted, suspend, unsuspend, added, removed, ...
  repositories    text NOT NULL DEFAULT '',  -- full names from the last event that listed them
  updated_at      timestamptz NOT NULL DEFAULT now()
);
