#pragma once
/// Every SQL statement of the bounty store, named. Parameters are `$n`; times travel as epoch
/// seconds (UTC) through `to_timestamp` / `extract(epoch from ...)`; amounts as minor units.
#include "bot/bounty.hpp"

#include <string>

namespace bountybot::bot::sql {

// ---- repositories, users, issues ----
inline constexpr const char* upsert_repository =
    "INSERT INTO repositories (platform, platform_id, full_path) VALUES ($1, $2, $3) "
    "ON CONFLICT (platform, platform_id) DO UPDATE SET full_path = EXCLUDED.full_path RETURNING id";
inline constexpr const char* upsert_path =
    "INSERT INTO repository_paths (platform, full_path_key, repository_id) VALUES ($1, lower($2), $3) "
    "ON CONFLICT (platform, full_path_key) DO UPDATE SET repository_id = EXCLUDED.repository_id";
inline constexpr const char* upsert_user =
    "INSERT INTO users (platform, platform_id, login) VALUES ($1, $2, $3) "
    "ON CONFLICT (platform, platform_id) DO UPDATE SET login = EXCLUDED.login WHERE users.login <> EXCLUDED.login";
// Insert only: a user known by id alone (GitLab note hooks) must not overwrite a real login.
inline constexpr const char* insert_user =
    "INSERT INTO users (platform, platform_id, login) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
inline constexpr const char* login = "SELECT login FROM users WHERE platform = $1 AND platform_id = $2";
/// Whether a card dispute froze the user (SPEC §14); no row: a user the service has not seen.
inline constexpr const char* frozen =
    "SELECT frozen_since IS NOT NULL FROM users WHERE platform = $1 AND platform_id = $2";
// One event at a time per issue: decisions are made on a view nobody else changes meanwhile.
inline constexpr const char* issue_lock = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
inline constexpr const char* claim_cause =
    "INSERT INTO event_causes (cause, delivery) VALUES ($1, NULLIF($2, '')) ON CONFLICT (cause) DO NOTHING RETURNING 1";

// ---- loading a bounty ----
inline constexpr const char* bounty_by_id =
    "SELECT b.id, b.state, b.currency, b.goal_minor, extract(epoch from b.deadline), b.status_comment_id, b.issue_url, "
    "b.issue_number, r.platform, r.platform_id, r.full_path, b.disputed, b.closed_completed, b.split, r.id "
    "FROM bounties b JOIN repositories r ON r.id = b.repository_id WHERE b.id = $1";
inline constexpr const char* bounty_of_issue = "SELECT id FROM bounties WHERE repository_id = $1 AND issue_number = $2";
inline constexpr const char* bounty_by_path =
    "SELECT b.id FROM repository_paths rp JOIN bounties b ON b.repository_id = rp.repository_id "
    "WHERE rp.platform = $1 AND rp.full_path_key = lower($2) AND b.issue_number = $3";
inline constexpr const char* issue_of_bounty =
    "SELECT r.platform, r.platform_id, b.issue_number FROM bounties b JOIN repositories r ON r.id = b.repository_id "
    "WHERE b.id = $1";
inline constexpr const char* pledges =
    "SELECT p.id, p.platform, p.user_id, u.login, p.amount_minor, p.currency, p.state, "
    "extract(epoch from p.created_at), extract(epoch from p.deadline), extract(epoch from p.funds_expire_at), "
    "p.released_minor FROM pledges p JOIN users u ON u.platform = p.platform AND u.platform_id = p.user_id "
    "WHERE p.bounty_id = $1 ORDER BY p.id";
inline constexpr const char* milestones =
    "SELECT id, position, name, percent, state, rejections, released_minor FROM milestones WHERE bounty_id = $1 "
    "ORDER BY position";
inline constexpr const char* open_vote =
    "SELECT id, milestone_ids::text, extract(epoch from closes_at), release_minor, comment_id FROM votes "
    "WHERE bounty_id = $1 AND state = 'open'";
inline constexpr const char* vote_by_id =
    "SELECT id, milestone_ids::text, extract(epoch from closes_at), release_minor, comment_id FROM votes WHERE id = $1";
inline constexpr const char* last_rejected_vote =
    "SELECT id, milestone_ids::text, extract(epoch from closes_at), release_minor, comment_id "
    "FROM votes WHERE bounty_id = $1 AND state = 'rejected' ORDER BY id DESC LIMIT 1";
inline constexpr const char* vote_solvers =
    "SELECT platform, user_id, login, percent FROM vote_solvers WHERE vote_id = $1 ORDER BY position";
inline constexpr const char* vote_voters =
    "SELECT vv.platform, vv.user_id, coalesce(u.login, ''), vv.weight, vv.ballot, vv.thumbs_up, vv.thumbs_down "
    "FROM vote_voters vv LEFT JOIN users u ON u.platform = vv.platform AND u.platform_id = vv.user_id "
    "WHERE vote_id = $1 ORDER BY vv.user_id";
inline constexpr const char* open_vote_of_bounty = "SELECT bounty_id FROM votes WHERE id = $1 AND state = 'open'";
inline constexpr const char* open_vote_by_comment =
    "SELECT v.bounty_id FROM votes v JOIN bounties b ON b.id = v.bounty_id JOIN repositories r ON r.id = b.repository_id "
    "WHERE r.platform = $1 AND r.platform_id = $2 AND v.comment_id = $3 AND v.state = 'open'";

// ---- bounties ----
inline constexpr const char* insert_bounty =
    "INSERT INTO bounties (repository_id, issue_number, issue_url) VALUES ($1, $2, $3) RETURNING id";
inline constexpr const char* set_bounty_state = "UPDATE bounties SET state = $2 WHERE id = $1";
inline constexpr const char* set_currency = "UPDATE bounties SET currency = $2 WHERE id = $1";
inline constexpr const char* set_pledge_currencies =
    "UPDATE pledges SET currency = $2 WHERE bounty_id = $1 AND currency IS NULL";
inline constexpr const char* set_goal = "UPDATE bounties SET goal_minor = $2 WHERE id = $1";
inline constexpr const char* set_deadline = "UPDATE bounties SET deadline = to_timestamp($2) WHERE id = $1";
inline constexpr const char* set_split = "UPDATE bounties SET split = $2 WHERE id = $1";
inline constexpr const char* clear_split = "UPDATE bounties SET split = NULL WHERE id = $1";
inline constexpr const char* set_closed_completed = "UPDATE bounties SET closed_completed = true WHERE id = $1";
inline constexpr const char* set_disputed = "UPDATE bounties SET disputed = $2 WHERE id = $1";
inline constexpr const char* insert_resolution = "INSERT INTO resolutions (bounty_id, action, reason) VALUES ($1, $2, $3)";

// ---- pledges ----
inline constexpr const char* insert_pledge =
    "INSERT INTO pledges (bounty_id, platform, user_id, amount_minor, currency, state, created_at, deadline, "
    "funds_expire_at, idempotency_key) VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, to_timestamp($7), "
    "to_timestamp($8), CASE WHEN $9::bigint IS NULL THEN NULL ELSE to_timestamp($9::bigint) END, $10) "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";
inline constexpr const char* set_pledge_state = "UPDATE pledges SET state = $2 WHERE id = $1";
inline constexpr const char* cut_pledge = "UPDATE pledges SET amount_minor = $2 WHERE id = $1";
inline constexpr const char* add_released = "UPDATE pledges SET released_minor = released_minor + $2 WHERE id = $1";
// A depositor's awaiting pledges in the currency, oldest first, with their issues and what their
// bounties' goals need: state, goal and the held total (as `totals` counts it). Read under the
// issues' locks, so no comment changes a goal's room before the holds are written.
inline constexpr const char* awaiting_for_deposit =
    "SELECT p.id, p.bounty_id, p.amount_minor, extract(epoch from p.funds_expire_at), b.state, b.goal_minor, "
    "  coalesce((SELECT sum(h.amount_minor - h.released_minor) FROM pledges h WHERE h.bounty_id = b.id "
    "            AND h.state = 'held'), 0), r.platform, r.platform_id, b.issue_number "
    "FROM pledges p JOIN bounties b ON b.id = p.bounty_id JOIN repositories r ON r.id = b.repository_id "
    "WHERE p.platform = $1 AND p.user_id = $2 AND p.currency = $3 AND p.state = 'awaiting_funds' "
    "ORDER BY p.id FOR UPDATE OF p";
// The issues of a depositor's oldest awaiting pledges, at most $4 of them.
inline constexpr const char* awaiting_issues =
    "SELECT r.platform, r.platform_id, b.issue_number FROM pledges p JOIN bounties b ON b.id = p.bounty_id "
    "JOIN repositories r ON r.id = b.repository_id "
    "WHERE p.platform = $1 AND p.user_id = $2 AND p.currency = $3 AND p.state = 'awaiting_funds' "
    "GROUP BY 1, 2, 3 ORDER BY min(p.id) LIMIT $4";

// ---- deposits ----
inline constexpr const char* insert_deposit =
    "INSERT INTO deposits (provider, reference, platform, user_id, amount_minor, currency) VALUES ($1, $2, $3, $4, $5, $6) "
    "ON CONFLICT (provider, reference) DO NOTHING RETURNING id";
inline constexpr const char* deposit_by_reference =
    "SELECT id, platform, user_id, amount_minor, currency FROM deposits WHERE provider = $1 AND reference = $2";

// ---- milestones and votes ----
inline constexpr const char* delete_milestones = "DELETE FROM milestones WHERE bounty_id = $1";
inline constexpr const char* insert_milestone =
    "INSERT INTO milestones (bounty_id, position, name, percent) VALUES ($1, $2, $3, $4)";
inline constexpr const char* milestones_voting = "UPDATE milestones SET state = 'voting' WHERE id = ANY($1::bigint[])";
inline constexpr const char* milestone_released =
    "UPDATE milestones SET state = 'released', released_minor = $2 WHERE bounty_id = $1 AND position = $3";
inline constexpr const char* milestones_rejected =
    "UPDATE milestones SET state = 'pending', rejections = rejections + 1 WHERE id = ANY($1::bigint[])";
inline constexpr const char* insert_vote =
    "INSERT INTO votes (bounty_id, milestone_ids, submitter_platform, submitter_id, url, opened_at, closes_at, "
    "release_minor, idempotency_key) VALUES ($1, $2::bigint[], $3, $4, NULLIF($5, ''), to_timestamp($6), "
    "to_timestamp($7), $8, $9) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";
inline constexpr const char* insert_voter =
    "INSERT INTO vote_voters (vote_id, platform, user_id, weight) VALUES ($1, $2, $3, $4)";
inline constexpr const char* insert_solver =
    "INSERT INTO vote_solvers (vote_id, position, platform, user_id, login, percent) VALUES ($1, $2, $3, $4, $5, $6)";
inline constexpr const char* close_vote = "UPDATE votes SET state = $2, closed_at = to_timestamp($3) WHERE id = $1";
inline constexpr const char* set_ballot =
    "UPDATE vote_voters SET thumbs_up = $4, thumbs_down = $5, ballot = $6 WHERE vote_id = $1 AND platform = $2 "
    "AND user_id = $3";

// ---- timers and the outbox ----
inline constexpr const char* insert_timer =
    "INSERT INTO timers (kind, bounty_id, pledge_id, vote_id, due_at, fire_at) "
    "VALUES ($1, $2, $3, $4, to_timestamp($5), to_timestamp($5))";
inline constexpr const char* next_due_timer =
    "SELECT id, kind, bounty_id, pledge_id, vote_id, extract(epoch from due_at) FROM timers "
    "WHERE fired_at IS NULL AND fire_at <= to_timestamp($1) ORDER BY fire_at, id LIMIT 1 FOR UPDATE SKIP LOCKED";
inline constexpr const char* put_back_timer = "UPDATE timers SET fire_at = to_timestamp($2) WHERE id = $1";
inline constexpr const char* timer_fired = "UPDATE timers SET fired_at = to_timestamp($2) WHERE id = $1";
inline constexpr const char* rearm_deferred_timers =
    "UPDATE timers SET fire_at = to_timestamp($2) WHERE bounty_id = $1 AND fired_at IS NULL "
    "AND due_at <= to_timestamp($2) AND fire_at > to_timestamp($2)";
// The repository gets its turn row with its first call (migration 010): the sender finds calls
// through the turns.
inline constexpr const char* insert_outbox =
    "WITH turn AS (INSERT INTO outbox_turns (repository_id, last_sent_at) VALUES ($2, '-infinity') "
    "ON CONFLICT (repository_id) DO NOTHING) "
    "INSERT INTO outbox (platform, repository_id, issue_number, kind, bounty_id, comment_id, body, reaction, vote_id, "
    "label, delivery) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, ''))";

// ---- the public lists (SPEC §9, §15; migration 020) ----
// A decision that changed a bounty stamps its activity and its held amount (the escrow
// account $3's balance), which the lists sort by.
inline constexpr const char* touch_bounty =
    "UPDATE bounties b SET activity_at = to_timestamp($2), held_minor = coalesce((SELECT a.balance_minor FROM accounts a "
    "WHERE a.name = $3 AND a.currency = b.currency), 0) WHERE b.id = $1";
// The repositories a `repo` filter names (old paths too), on one platform or both ($1 NULL).
inline constexpr const char* repositories_named =
    "SELECT repository_id FROM repository_paths WHERE ($1::text IS NULL OR platform = $1) AND full_path_key = lower($2)";
// One page of bounties. $1 states (NULL: all), $2 platform, $3 repository id, $4 currency (each
// NULL: any), $5/$6 the cursor's key and id (NULL: the first page), $7 rows. The planner sees the
// values (unnamed statements get custom plans), so absent filters fold away and the indexes of
// migration 020 serve the order.
inline constexpr const char* list_select =
    "SELECT b.id, r.platform, r.platform_id, r.full_path, b.issue_number, b.issue_url, b.state, b.currency, "
    "b.goal_minor, b.held_minor, extract(epoch from b.deadline)::bigint, floor(extract(epoch from b.activity_at))::bigint, "
    "(SELECT count(DISTINCT p.user_id) FROM pledges p WHERE p.bounty_id = b.id AND p.state = 'held' "
    "AND p.amount_minor > p.released_minor) "
    "FROM bounties b JOIN repositories r ON r.id = b.repository_id "
    "WHERE ($1::text[] IS NULL OR b.state = ANY($1::text[])) AND ($2::text IS NULL OR r.platform = $2) "
    "AND ($3::bigint IS NULL OR b.repository_id = $3) AND ($4::text IS NULL OR b.currency = $4) ";
inline const std::string list_by_activity =
    std::string(list_select) +
    "AND ($5::bigint IS NULL OR (b.activity_at, b.id) < (to_timestamp($5), $6::bigint)) "
    "ORDER BY b.activity_at DESC, b.id DESC LIMIT $7";
inline const std::string list_by_held =
    std::string(list_select) +
    "AND ($5::bigint IS NULL OR (b.held_minor, b.id) < ($5::bigint, $6::bigint)) "
    "ORDER BY b.held_minor DESC, b.id DESC LIMIT $7";
// One bounty as the lists show it, by its issue: $5 platform, $6 full path (any it had), $7 number.
inline const std::string listed_by_issue =
    std::string(list_select) +
    "AND b.id = (SELECT i.id FROM repository_paths rp JOIN bounties i ON i.repository_id = rp.repository_id "
    "WHERE rp.platform = $5 AND rp.full_path_key = lower($6) AND i.issue_number = $7)";
// A bounty's history (SPEC §15 `/b/…`), newest first: pledges, the escrow account's transfers
// (`kind:in` into it, `kind:out` out of it), votes opened and closed, the operator's
// resolutions and the states it entered. $1 bounty id, $2 its escrow account's name, $3 rows.
inline constexpr const char* bounty_history =
    "SELECT at, kind, who, amount, detail FROM ("
    "  SELECT extract(epoch from p.created_at)::bigint AS at, 0 AS ord, p.id, 'pledge' AS kind, coalesce(u.login, '') AS who, "
    "    p.amount_minor AS amount, p.state AS detail FROM pledges p "
    "    LEFT JOIN users u ON u.platform = p.platform AND u.platform_id = p.user_id WHERE p.bounty_id = $1 "
    "  UNION ALL SELECT extract(epoch from t.created_at)::bigint, 1, t.id, "
    "    t.kind || CASE WHEN t.debit_account = a.id THEN ':out' ELSE ':in' END, '', t.amount_minor, '' "
    "    FROM accounts a JOIN transfers t ON t.debit_account = a.id OR t.credit_account = a.id WHERE a.name = $2 "
    "  UNION ALL SELECT extract(epoch from v.opened_at)::bigint, 2, v.id, 'vote_opened', coalesce(u.login, ''), "
    "    v.release_minor, coalesce(v.url, '') FROM votes v "
    "    LEFT JOIN users u ON u.platform = v.submitter_platform AND u.platform_id = v.submitter_id WHERE v.bounty_id = $1 "
    "  UNION ALL SELECT extract(epoch from v.closed_at)::bigint, 3, v.id, 'vote_' || v.state, '', v.release_minor, '' "
    "    FROM votes v WHERE v.bounty_id = $1 AND v.closed_at IS NOT NULL "
    "  UNION ALL SELECT extract(epoch from r.created_at)::bigint, 4, r.id, 'resolution_' || r.action, '', 0, r.reason "
    "    FROM resolutions r WHERE r.bounty_id = $1"
    "  UNION ALL SELECT extract(epoch from s.at)::bigint, 5, s.id, 'state_' || s.state, '', 0, '' "
    "    FROM bounty_states s WHERE s.bounty_id = $1"
    ") h ORDER BY at DESC, ord DESC, id DESC LIMIT $3";
// The escrow account $1's balance after each transfer into or out of it, newest first, at most
// $2 of them: the chart of a bounty's funding.
inline constexpr const char* escrow_series =
    "SELECT at, balance FROM ("
    "  SELECT t.id, extract(epoch from t.created_at)::bigint AS at, "
    "    sum(CASE WHEN t.credit_account = a.id THEN t.amount_minor ELSE -t.amount_minor END) OVER (ORDER BY t.id) AS balance "
    "  FROM accounts a JOIN transfers t ON t.debit_account = a.id OR t.credit_account = a.id WHERE a.name = $1"
    ") s ORDER BY id DESC LIMIT $2";
inline constexpr const char* insert_bounty_state =
    "INSERT INTO bounty_states (bounty_id, state, at) VALUES ($1, $2, to_timestamp($3))";
// The service's totals by currency: held now, released from escrow, bounties (all, live).
inline const std::string totals_by_currency =
    std::string("SELECT b.currency, sum(b.held_minor)::bigint, coalesce(sum(m.released), 0)::bigint, count(*), "
                "count(*) FILTER (WHERE b.state IN ") + live_states_sql + ") FROM bounties b "
    "LEFT JOIN (SELECT bounty_id, sum(released_minor) AS released FROM milestones GROUP BY 1) m ON m.bounty_id = b.id "
    "WHERE b.currency IS NOT NULL GROUP BY 1 ORDER BY 1";
inline const std::string bounty_counts =
    std::string("SELECT count(*), count(*) FILTER (WHERE state IN ") + live_states_sql + ") FROM bounties";

}  // namespace bountybot::bot::sql
