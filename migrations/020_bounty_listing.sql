-- The public lists of bounties (SPEC §9 `GET /api/v1/bounties`, §15 `/`): each bounty's latest
-- activity and the amount its escrow holds, stamped by the bot store with every decision that
-- changes the bounty's status comment, and the indexes that serve the lists' keyset pages.
ALTER TABLE bounties ADD COLUMN activity_at timestamptz;
ALTER TABLE bounties ADD COLUMN held_minor bigint NOT NULL DEFAULT 0 CHECK (held_minor >= 0);
UPDATE bounties b SET
  activity_at = greatest(b.created_at, (SELECT max(p.created_at) FROM pledges p WHERE p.bounty_id = b.id),
                         (SELECT max(v.opened_at) FROM votes v WHERE v.bounty_id = b.id),
                         (SELECT max(v.closed_at) FROM votes v WHERE v.bounty_id = b.id)),
  held_minor = coalesce((SELECT a.balance_minor FROM accounts a
                         WHERE a.name = 'bounty:' || b.id || ':escrow' AND a.currency = b.currency), 0);
ALTER TABLE bounties ALTER COLUMN activity_at SET DEFAULT now();
ALTER TABLE bounties ALTER COLUMN activity_at SET NOT NULL;

-- Live bounties (open, accepted, voting) are what `/` lists unless asked otherwise.
CREATE INDEX bounties_live_by_activity ON bounties (activity_at DESC, id DESC)
  WHERE state IN ('open', 'accepted', 'voting');
CREATE INDEX bounties_live_by_held ON bounties (held_minor DESC, id DESC)
  WHERE state IN ('open', 'accepted', 'voting');
CREATE INDEX bounties_by_activity ON bounties (activity_at DESC, id DESC);
CREATE INDEX bounties_by_held ON bounties (held_minor DESC, id DESC);
CREATE INDEX bounties_repository_by_activity ON bounties (repository_id, activity_at DESC, id DESC);
