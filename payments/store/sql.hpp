#pragma once
/// Every SQL statement of the payments store, named; times as epoch seconds (UTC).
namespace bountybot::payments::sql {

/// A pledge with its sponsor, issue and the sponsor's available balance in its currency.
inline constexpr const char* funding_view =
    "SELECT p.id, p.state, p.amount_minor, p.currency, p.platform, p.user_id, u.login, r.platform, r.full_path, "
    "b.issue_number, b.issue_url, extract(epoch from p.funds_expire_at)::bigint, "
    "coalesce((SELECT a.balance_minor FROM accounts a WHERE a.name = 'user:' || p.platform || ':' || p.user_id || "
    "':available' AND a.currency = p.currency), 0) "
    "FROM pledges p JOIN users u ON u.platform = p.platform AND u.platform_id = p.user_id "
    "JOIN bounties b ON b.id = p.bounty_id JOIN repositories r ON r.id = b.repository_id "
    "WHERE p.id = $1 AND p.currency IS NOT NULL";

inline constexpr const char* insert_card_payment =
    "INSERT INTO card_payments (session_id, payment_intent, platform, user_id, net_minor, surcharge_minor, currency, "
    "paid_at) VALUES ($1, NULLIF($2, ''), $3, $4, $5, $6, $7, to_timestamp($8)) ON CONFLICT (session_id) DO NOTHING";

}  // namespace bountybot::payments::sql
