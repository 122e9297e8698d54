#pragma once
/// Every SQL statement of the accounts store, named. Hashes and sealed values travel as lower-case
/// hex (`decode($n, 'hex')` / `encode(col, 'hex')`); times as epoch seconds (UTC).
namespace bountybot::accounts::sql {

// ---- sign-ins in progress ----
inline constexpr const char* begin_sign_in =
    "INSERT INTO sign_ins (state_hash, platform, next, expires_at) VALUES (decode($1, 'hex'), $2, $3, to_timestamp($4))";
/// Takes a sign-in once: a second callback with the same state finds nothing.
inline constexpr const char* take_sign_in =
    "DELETE FROM sign_ins WHERE state_hash = decode($1, 'hex') AND platform = $2 AND expires_at > to_timestamp($3) "
    "RETURNING next";
inline constexpr const char* forget_expired_sign_ins = "DELETE FROM sign_ins WHERE expires_at <= to_timestamp($1)";

// ---- users ----
inline constexpr const char* sign_in_user =
    "INSERT INTO users (platform, platform_id, login, token_sealed, signed_in_at) "
    "VALUES ($1, $2, $3, decode($4, 'hex'), to_timestamp($5)) ON CONFLICT (platform, platform_id) DO UPDATE SET "
    "login = EXCLUDED.login, token_sealed = EXCLUDED.token_sealed, signed_in_at = EXCLUDED.signed_in_at";
inline constexpr const char* user_token =
    "SELECT encode(token_sealed, 'hex') FROM users WHERE platform = $1 AND platform_id = $2 AND token_sealed IS NOT NULL";

// ---- sessions ----
inline constexpr const char* create_session =
    "INSERT INTO sessions (token_hash, platform, platform_id, csrf, created_at, expires_at) "
    "VALUES (decode($1, 'hex'), $2, $3, $4, to_timestamp($5), to_timestamp($6))";
inline constexpr const char* find_session =
    "SELECT s.platform, s.platform_id, u.login, s.csrf FROM sessions s "
    "JOIN users u ON u.platform = s.platform AND u.platform_id = s.platform_id "
    "WHERE s.token_hash = decode($1, 'hex') AND s.expires_at > to_timestamp($2)";
inline constexpr const char* end_session = "DELETE FROM sessions WHERE token_hash = decode($1, 'hex')";
inline constexpr const char* forget_expired_sessions = "DELETE FROM sessions WHERE expires_at <= to_timestamp($1)";

// ---- API tokens ----
/// The user's row, locked: token creations of one user are counted one at a time.
inline constexpr const char* lock_user =
    "SELECT 1 FROM users WHERE platform = $1 AND platform_id = $2 FOR NO KEY UPDATE";
inline constexpr const char* live_token_count =
    "SELECT count(*) FROM api_tokens WHERE platform = $1 AND platform_id = $2 AND revoked_at IS NULL";
inline constexpr const char* create_token =
    "INSERT INTO api_tokens (platform, platform_id, name, token_hash, created_at) "
    "VALUES ($1, $2, $3, decode($4, 'hex'), to_timestamp($5)) RETURNING id";
inline constexpr const char* tokens_of_user =
    "SELECT id, name, extract(epoch from created_at)::bigint, extract(epoch from last_used_at)::bigint, "
    "extract(epoch from revoked_at)::bigint FROM api_tokens WHERE platform = $1 AND platform_id = $2 ORDER BY id DESC";
inline constexpr const char* revoke_token =
    "UPDATE api_tokens SET revoked_at = to_timestamp($4) WHERE id = $3 AND platform = $1 AND platform_id = $2 "
    "AND revoked_at IS NULL RETURNING id";
/// The token's user, marking it used; a revoked token finds nothing. The last-used time is
/// written at most once a minute, so that a busy client does not write a row per request.
inline constexpr const char* use_token =
    "WITH t AS (SELECT id, platform, platform_id, last_used_at FROM api_tokens "
    "           WHERE token_hash = decode($1, 'hex') AND revoked_at IS NULL), "
    "touched AS (UPDATE api_tokens a SET last_used_at = to_timestamp($2) FROM t WHERE a.id = t.id "
    "            AND (t.last_used_at IS NULL OR t.last_used_at < to_timestamp($2) - interval '1 minute')) "
    "SELECT t.platform, t.platform_id, u.login FROM t JOIN users u ON u.platform = t.platform AND u.platform_id = t.platform_id";

// ---- the user's ledger ----
/// Transfers into or out of accounts $1 or $2 (by name, any currency) with an id below $3,
/// newest first, at most $4; each side served by its index.
inline constexpr const char* ledger_of_user =
    "WITH mine AS (SELECT id FROM accounts WHERE name IN ($1, $2)), "
    "t AS ((SELECT * FROM transfers WHERE credit_account IN (SELECT id FROM mine) AND id < $3 ORDER BY id DESC LIMIT $4) "
    "UNION (SELECT * FROM transfers WHERE debit_account IN (SELECT id FROM mine) AND id < $3 ORDER BY id DESC LIMIT $4)) "
    "SELECT t.id, t.kind, t.idempotency_key, d.name, c.name, t.amount_minor, t.currency, "
    "extract(epoch from t.created_at)::bigint FROM t JOIN accounts d ON d.id = t.debit_account "
    "JOIN accounts c ON c.id = t.credit_account ORDER BY t.id DESC LIMIT $4";

// ---- the /me overview ----
inline constexpr const char* pledges_of_user =
    "SELECT p.id, r.platform, r.full_path, b.issue_number, b.issue_url, p.amount_minor, p.currency, p.state, "
    "p.released_minor, b.state FROM pledges p JOIN bounties b ON b.id = p.bounty_id "
    "JOIN repositories r ON r.id = b.repository_id WHERE p.platform = $1 AND p.user_id = $2 ORDER BY p.id DESC LIMIT $3";
inline constexpr const char* earnings_of_user =
    "SELECT t.id, t.amount_minor, t.currency, extract(epoch from t.created_at)::bigint, t.kind FROM transfers t "
    "JOIN accounts a ON a.id = t.credit_account WHERE a.name = $1 ORDER BY t.id DESC LIMIT $2";

}  // namespace bountybot::accounts::sql
