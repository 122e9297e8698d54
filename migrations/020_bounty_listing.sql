-- The public lists of bounties (SPEC §9 `GET /api/v1/bounties`, §15 `/`): each bounty's latest
-- activity (whole seconds, as the service's clock gives them and the lists' cursors carry) and
-- the amount its escrow holds, stamped by the bot store with every decision that changes the
-- bounty; its state changes, for its history; and the indexes that serve the lists' keyset pages
-- and a bounty's page.
ALTER TABLE bounties ADD COLUMN activity_at timestamptz;
ALTER TABLE bounties ADD COLUMN held_minor bigint NOT NULL DEFAULT 0 CHECK (held_minor >= 0);
UPDATE bounties b SET
  activity_at = date_trunc('second', greatest(b.created_at,
                         (SELECT max(p.created_at) FROM pledges p WHERE p.bounty_id = b.id),
                         (SELECT max(v.opened_at) FROM votes v WHERE v.bounty_id = b.id),
                         (SELECT max(v.closed_at) FROM votes v WHERE v.bounty_id = b.id),
                         (SELECT max(r.created_at) FROM resolutions r WHERE r.bounty_id = b.id))),
  held_minor = coalesce((SELECT a.balance_minor FROM accounts a
                         WHERE a.name = 'bounty:' || b.id || ':escrow' AND a.currency = b.currency), 0);
ALTER TABLE bounties ALTER COLUMN activity_at SET DEFAULT date_trunc('second', now());
ALTER TABLE bounties ALTER COLUMN activity_at SET NOT NULL;

-- Every state a bounty entered, when (the service's clock): acceptance, votes, endings.
CREATE TABLE bounty_states (
  id        bigserial PRIMARY KEY,
  bounty_id bigint NOT NULL REFERENCES bounties(id),
  state     text   NOT NULL,
  at        timestamptz NOT NULL
);
CREATE INDEX bounty_states_by_bounty ON bounty_states (bounty_id, id);

-- Live bounties (open, accepted, voting) are what `/` lists unless asked otherwise.
CREATE INDEX bounties_live_by_activity ON bounties (activity_at DESC, id DESC)
  WHERE state IN ('open', 'accepted', 'voting');
CREATE INDEX bounties_live_by_held ON bounties (held_minor DESC, id DESC)
  WHERE state IN ('open', 'accepted', 'voting');
CREATE INDEX bounties_by_activity ON bounties (activity_at DESC, id DESC);
CREATE INDEX bounties_by_held ON bounties (held_minor DESC, id DESC);
CREATE INDEX bounties_repository_by_activity ON bounties (repository_id, activity_at DESC, id DESC);
CREATE INDEX bounties_repository_by_held ON bounties (repository_id, held_minor DESC, id DESC);
-- A `repo` filter without a platform; a bounty's page reads its votes and resolutions.
CREATE INDEX repository_paths_by_key ON repository_paths (full_path_key);
CREATE INDEX votes_by_bounty ON votes (bounty_id);
CREATE INDEX resolutions_by_bounty ON resolutions (bounty_id);
