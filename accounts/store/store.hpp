#pragma once
/// The accounts store (SPEC §13): sign-ins in progress, users' sealed platform tokens, sessions,
/// API tokens and what a user's own page lists. Secrets arrive already hashed or sealed
/// (adapters/crypto.hpp): this store never sees a cookie, token or state in the clear.
#include "accounts/accounts.hpp"
#include "escrow/money.hpp"

#include <pqxx/pqxx>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace bountybot::accounts {

/// Records a sign-in that leaves for the provider: `state_hash` (hex SHA-256 of the state), the
/// local path to return to, and when it expires; forgets the sign-ins that expired before it began.
void begin_sign_in(pqxx::work& tx, const std::string& state_hash, bot::platform platform, const std::string& next,
                   bot::utc_time expires_at);

/// Takes the sign-in of `state_hash` on `platform` if it has not expired: its `next`. Once only.
std::optional<std::string> take_sign_in(pqxx::work& tx, const std::string& state_hash, bot::platform platform,
                                        bot::utc_time now);

/// Records a signed-in user (login and sealed platform token as hex, replacing earlier ones) and
/// starts a session: `session_hash` (hex SHA-256 of the cookie) with its CSRF token, from `now`
/// for session_lifetime. Also forgets expired sessions.
void start_session(pqxx::work& tx, const person& who, const std::string& token_sealed_hex,
                   const std::string& session_hash, const std::string& csrf, bot::utc_time now);

/// The session of `session_hash`, if it exists and has not expired.
std::optional<session> find_session(pqxx::work& tx, const std::string& session_hash, bot::utc_time now);

/// Ends the session of `session_hash` (nothing if there is none).
void end_session(pqxx::work& tx, const std::string& session_hash);

/// The sealed platform token (hex) of a user who signed in, or nullopt.
std::optional<std::string> sealed_token(pqxx::work& tx, bot::platform platform, std::int64_t user_id);

/// An API token as its owner sees it: never the token itself.
struct token_row {
  std::int64_t id = 0;
  std::string name;
  bot::utc_time created_at;
  std::optional<bot::utc_time> last_used_at;
  std::optional<bot::utc_time> revoked_at;
};

/// Creates an API token named `name` for `who`, stored by `token_hash` (hex SHA-256): its id, or
/// problem `conflict` when the user already holds max_tokens_per_user live tokens.
result<std::int64_t> create_token(pqxx::work& tx, const person& who, const std::string& name,
                                  const std::string& token_hash, bot::utc_time now);

/// The user's tokens, newest first.
std::vector<token_row> tokens_of(pqxx::work& tx, const person& who);

/// Revokes the user's token `id`; false if it is not theirs or already revoked.
[[nodiscard]] bool revoke_token(pqxx::work& tx, const person& who, std::int64_t id, bot::utc_time now);

/// The user an API token (by `token_hash`) acts for, marking it used at `now`; nullopt when the
/// token is unknown or revoked.
std::optional<person> use_token(pqxx::work& tx, const std::string& token_hash, bot::utc_time now);

/// One of the user's pledges, for their page.
struct pledge_row {
  std::int64_t id = 0;
  std::string issue_key;  // "github:octo-org/octo-repo#42"
  std::string issue_url;
  escrow::money amount{0, "USD"};  // 0 for zero-value support
  bool zero_value = false;
  std::string state;               // held, awaiting_funds, refunded, cancelled
  std::string bounty_state;
  std::int64_t released_minor = 0;
};

/// A transfer into one of the user's accounts.
struct credit_row {
  std::int64_t transfer_id = 0;
  escrow::money amount{0, "USD"};
  bot::utc_time at;
  std::string kind;  // deposit, refund, release, ...
};

/// What a user's own page shows (SPEC §13 `/me`): balances by currency (minor units), their
/// latest pledges, earnings (into payable) and deposits and refunds (into available).
struct overview {
  std::map<std::string, std::int64_t> available;  // currency -> minor units
  std::map<std::string, std::int64_t> payable;
  std::vector<pledge_row> pledges;
  std::vector<credit_row> earnings;
  std::vector<credit_row> credits;
  bool frozen = false;  // a card dispute froze the account: no money pledges, payouts or withdrawals
};

/// The most rows of each list on a user's page.
inline constexpr int overview_rows = 50;

overview overview_of(pqxx::work& tx, const person& who);

/// Whether a card dispute froze `who` (SPEC §14); false for a user the service has not seen.
[[nodiscard]] bool is_frozen(pqxx::work& tx, const person& who);

/// One transfer into or out of the user's accounts, as their ledger lists it.
struct ledger_row {
  std::int64_t id = 0;
  std::string kind;  // deposit, pledge_hold, release, payout, ... (escrow::transfer_kind)
  std::string key;   // the idempotency key, which names the transfer's cause
  std::string from;  // account names: user:github:1:available, escrow:pledge:5, external:stripe, ...
  std::string to;
  escrow::money amount{0, "USD"};
  bot::utc_time at;
};

/// The default and the largest page of a user's ledger (rows).
inline constexpr int ledger_page_rows = 50;
inline constexpr int max_ledger_page_rows = 200;

/// The user's transfers (into or out of their available and payable accounts) with an id below
/// `before_id`, newest first, at most `limit` (1..max_ledger_page_rows).
std::vector<ledger_row> ledger_of(pqxx::work& tx, const person& who, std::int64_t before_id, int limit);

}  // namespace bountybot::accounts
