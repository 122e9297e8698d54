#pragma once
/// Every SQL statement of the payments store, named; times as epoch seconds (UTC).
namespace bountybot::payments::sql {

/// A pledge with its sponsor, issue and the sponsor's available balance in its currency.
inline constexpr const char* funding_view =
    "SELECT p.id, p.state, p.amount_minor, p.currency, p.platform, p.user_id, u.login, r.platform, r.full_path, "
    "b.issue_number, b.issue_url, extract(epoch from p.funds_expire_at)::bigint, "
    "coalesce((SELECT a.balance_minor FROM accounts a WHERE a.name = 'user:' || p.platform || ':' || p.user_id || "
    "':available' AND a.currency = p.currency), 0), "
    "coalesce((SELECT sum(o.amount_minor) FROM pledges o WHERE o.platform = p.platform AND o.user_id = p.user_id "
    "AND o.currency = p.currency AND o.state = 'awaiting_funds' AND o.id < p.id "
    "AND (o.funds_expire_at IS NULL OR o.funds_expire_at > to_timestamp($2))), 0)::bigint, "
    "u.frozen_since IS NOT NULL "
    "FROM pledges p JOIN users u ON u.platform = p.platform AND u.platform_id = p.user_id "
    "JOIN bounties b ON b.id = p.bounty_id JOIN repositories r ON r.id = b.repository_id "
    "WHERE p.id = $1 AND p.currency IS NOT NULL";

inline constexpr const char* insert_card_payment =
    "INSERT INTO card_payments (session_id, payment_intent, platform, user_id, net_minor, surcharge_minor, currency, "
    "paid_at) VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, to_timestamp($8)) ON CONFLICT (session_id) DO NOTHING";

// ---- payout accounts ----
inline constexpr const char* payout_account =
    "SELECT account_id, payouts_enabled FROM payout_accounts WHERE platform = $1 AND platform_id = $2";
inline constexpr const char* insert_payout_account =
    "INSERT INTO payout_accounts (platform, platform_id, account_id, created_at) VALUES ($1, $2, $3, to_timestamp($4)) "
    "ON CONFLICT (platform, platform_id) DO NOTHING";
inline constexpr const char* set_payouts_enabled =
    "UPDATE payout_accounts SET payouts_enabled = $2 WHERE account_id = $1 RETURNING platform";

// ---- payouts ----
/// The user's row, locked: payout requests of one user are decided one at a time. Answers
/// whether a card dispute froze them.
inline constexpr const char* lock_user =
    "SELECT frozen_since IS NOT NULL FROM users WHERE platform = $1 AND platform_id = $2 FOR NO KEY UPDATE";
inline constexpr const char* payout_by_request =
    "SELECT id FROM payouts WHERE platform = $1 AND user_id = $2 AND request_id = $3 AND kind = $4 ORDER BY part";
inline constexpr const char* insert_payout =
    "INSERT INTO payouts (platform, user_id, amount_minor, currency, provider, destination, state, request_id, "
    "next_attempt_at, requested_at, updated_at, kind, part) VALUES ($1, $2, $3, $4, $5, NULLIF($6, ''), 'requested', $7, "
    "to_timestamp($8), to_timestamp($8), to_timestamp($8), $9, $10) RETURNING id";
inline constexpr const char* payout_columns =
    "id, platform, user_id, amount_minor, currency, provider, coalesce(destination, ''), state, coalesce(reference, ''), "
    "coalesce(reason, ''), extract(epoch from requested_at)::bigint, attempts, kind";
/// The user's card payments with what is left to refund of each (minor units), newest first.
inline constexpr const char* refundable_payments =
    "SELECT c.payment_intent, c.currency, c.net_minor - coalesce((SELECT sum(w.amount_minor) FROM payouts w "
    "WHERE w.kind = 'withdrawal' AND w.destination = c.payment_intent AND w.state <> 'failed'), 0) "
    "FROM card_payments c WHERE c.platform = $1 AND c.user_id = $2 AND c.payment_intent IS NOT NULL "
    "ORDER BY c.paid_at DESC, c.session_id DESC";
inline constexpr const char* payout_by_id_suffix = " FROM payouts WHERE id = $1";
inline constexpr const char* payouts_of_user_suffix =
    " FROM payouts WHERE platform = $1 AND user_id = $2 ORDER BY id DESC LIMIT $3";
inline constexpr const char* payouts_in_state_suffix = " FROM payouts WHERE state = $1 ORDER BY id LIMIT $2";
/// The oldest Stripe payout due for its transfer, locked; another sender skips it.
/// A frozen user's payouts wait until the freeze is lifted.
inline constexpr const char* next_due_suffix =
    " FROM payouts WHERE state = 'requested' AND provider = 'stripe' AND next_attempt_at <= to_timestamp($1) "
    "AND NOT EXISTS (SELECT 1 FROM users u WHERE u.platform = payouts.platform AND u.platform_id = payouts.user_id "
    "AND u.frozen_since IS NOT NULL) ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE OF payouts SKIP LOCKED";
inline constexpr const char* lock_payout_suffix = " FROM payouts WHERE id = $1 FOR UPDATE";
inline constexpr const char* mark_paid =
    "UPDATE payouts SET state = 'paid', reference = $2, updated_at = to_timestamp($3), last_error = NULL WHERE id = $1";
inline constexpr const char* mark_failed =
    "UPDATE payouts SET state = 'failed', reason = $2, updated_at = to_timestamp($3) WHERE id = $1";
inline constexpr const char* retry_later =
    "UPDATE payouts SET attempts = attempts + 1, last_error = $2, next_attempt_at = to_timestamp($3), "
    "updated_at = to_timestamp($4) WHERE id = $1";

// ---- card disputes ----
/// The user a payment intent paid for, from the card payment it came with.
inline constexpr const char* payer_of_payment_intent =
    "SELECT platform, user_id FROM card_payments WHERE payment_intent = $1 LIMIT 1";
inline constexpr const char* insert_card_dispute =
    "INSERT INTO card_disputes (dispute_id, charge, payment_intent, platform, user_id, amount_minor, currency, reason, "
    "opened_at) VALUES ($1, NULLIF($2, ''), NULLIF($3, ''), $4, $5, $6, $7, $8, to_timestamp($9)) "
    "ON CONFLICT (dispute_id) DO NOTHING RETURNING dispute_id";
/// The open disputes recorded before the payment they dispute was (no user yet): now its payer's.
inline constexpr const char* claim_orphan_disputes =
    "UPDATE card_disputes SET platform = $2, user_id = $3 WHERE payment_intent = $1 AND user_id IS NULL "
    "AND lifted_at IS NULL RETURNING dispute_id";
/// Freezes the user from `now` (an earlier freeze keeps its time).
inline constexpr const char* freeze_user =
    "UPDATE users SET frozen_since = coalesce(frozen_since, to_timestamp($3)) WHERE platform = $1 AND platform_id = $2";
/// Lifts the user's freeze once none of their disputes is open.
inline constexpr const char* thaw_user =
    "UPDATE users SET frozen_since = NULL WHERE platform = $1 AND platform_id = $2 AND NOT EXISTS (SELECT 1 FROM "
    "card_disputes d WHERE d.platform = $1 AND d.user_id = $2 AND d.lifted_at IS NULL)";
inline constexpr const char* card_dispute_columns =
    "dispute_id, coalesce(charge, ''), coalesce(payment_intent, ''), platform, user_id, amount_minor, currency, reason, "
    "extract(epoch from opened_at)::bigint, extract(epoch from lifted_at)::bigint, coalesce(lift_note, '')";
inline constexpr const char* card_dispute_by_id_suffix = " FROM card_disputes WHERE dispute_id = $1";
inline constexpr const char* lock_card_dispute_suffix = " FROM card_disputes WHERE dispute_id = $1 FOR UPDATE";
inline constexpr const char* open_card_disputes_suffix =
    " FROM card_disputes WHERE lifted_at IS NULL ORDER BY opened_at, dispute_id LIMIT $1";
inline constexpr const char* all_card_disputes_suffix =
    " FROM card_disputes ORDER BY opened_at DESC, dispute_id LIMIT $1";
inline constexpr const char* lift_card_dispute =
    "UPDATE card_disputes SET lifted_at = to_timestamp($2), lift_note = $3 WHERE dispute_id = $1";

}  // namespace bountybot::payments::sql
