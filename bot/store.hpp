#pragma once
/// The bounty store: loads what the core needs, applies its decisions — state, pledges, ledger
/// transfers and outbox rows — in the caller's transaction, so they commit together or not at all.
#include "bot/bounty.hpp"
#include "escrow/result.hpp"

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

namespace bountybot::bot {

/// Service-wide settings the store needs.
struct store_settings {
  repo_settings repo;       // defaults for every repository
  std::string public_url;   // BOUNTYBOT_PUBLIC_URL, for funding links
};

/// Handles one comment: parses its commands, decides, applies. `delivery_key` (`platform:delivery
/// id`) derives the pledges' idempotency keys. Comments by bots, and comments with no command
/// lines, change nothing.
void process_comment(pqxx::work& tx, const comment_posted& event, const store_settings& settings, utc_time now,
                     const std::string& delivery_key);

/// An operator's deposit (SPEC §3, provider `manual`): `amount_minor` > 0 of `currency` credited
/// to the user's available balance, idempotent by (`provider`, `reference`).
struct deposit_request {
  std::string platform;
  std::int64_t user_id = 0;
  std::string login;  // optional display name
  std::int64_t amount_minor = 0;
  std::string currency;
  std::string reference;
  std::string provider = "manual";
};

struct deposit_result {
  bool created = false;                  // false: this reference was recorded before
  std::int64_t deposit_id = 0;
  std::int64_t available_minor = 0;      // the user's available balance in the currency afterwards
  std::vector<std::int64_t> held_pledges;  // awaiting pledges this deposit funded, oldest first
};

/// Records a deposit and holds the user's awaiting pledges it covers, oldest first (plan_funding).
/// Refusals (`problem`): a bad platform, amount, currency; the same reference with other values.
result<deposit_result> record_deposit(pqxx::work& tx, const deposit_request& request, utc_time now);

/// A stored bounty with its issue and pledges.
struct bounty_record {
  issue_ref issue;
  bounty current;
  std::vector<pledge> pledges;
  std::optional<std::int64_t> status_comment_id;
};

/// The bounty of issue `number` in the repository whose current or former path is `full_path`.
std::optional<bounty_record> find_bounty(pqxx::work& tx, const std::string& platform, const std::string& full_path,
                                         std::int64_t number);
/// The bounty with id `bounty_id`, if any.
std::optional<bounty_record> load_bounty(pqxx::work& tx, std::int64_t bounty_id);

/// Stores or updates the repository (by platform id) and its path; returns the internal id.
std::int64_t upsert_repository(pqxx::work& tx, const issue_ref& issue);
/// Stores or updates a user's login.
void upsert_user(pqxx::work& tx, const user_ref& user);

}  // namespace bountybot::bot
