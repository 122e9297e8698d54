#pragma once
/// The bounty store: for each input, takes the issue's lock, loads the view the core needs,
/// calls the input's `decide_*` (bot/bounty.hpp, bot/lifecycle.hpp) and applies the effects —
/// state, pledges, ledger transfers, timers and outbox rows — through one visitor in the caller's
/// transaction, so they commit together or not at all. It decides nothing itself. SQL: sql.hpp.
#include "bot/bounty.hpp"
#include "bot/lifecycle.hpp"
#include "escrow/result.hpp"

#include <pqxx/pqxx>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bountybot::bot {

/// The most issues one deposit funds awaiting pledges on (their locks are taken at once); older
/// pledges go first, and the rest waits for the next deposit.
inline constexpr std::size_t max_issues_per_deposit = 100;
/// Service-wide settings the store needs.
struct store_settings {
  repo_settings repo;       // defaults for every repository
  std::string public_url;   // BOUNTYBOT_PUBLIC_URL, for funding links
  std::int64_t max_deposit_units = default_max_deposit_units;  // BOUNTYBOT_MAX_DEPOSIT, whole units
};

/// Answers whether `user` is a maintainer of the issue's repository (SPEC §1). Implemented by
/// the platform adapter (an API call); throws on I/O failure, which retries the delivery.
using maintainer_check = std::function<bool(const issue_ref& issue, const user_ref& user)>;

/// Handles one comment: parses its commands, decides, applies. Pledges' idempotency keys derive
/// from the event's cause (the comment id), never from the delivery. Comments by bots, and
/// comments with no command lines, change nothing. `is_maintainer` is asked only for maintainer
/// commands. Every `process_*` returns false, changing nothing, when its event's cause was
/// processed before (the same event under another delivery id).
[[nodiscard]] bool process_comment(pqxx::work& tx, const comment_posted& event, const store_settings& settings, utc_time now,
                     const maintainer_check& is_maintainer);

/// The accepted label added or removed (SPEC §5): by a maintainer, the bounty moves between open
/// and accepted; by anyone else, the change is reverted and the actor told why.
[[nodiscard]] bool process_labels(pqxx::work& tx, const labels_changed& event, const store_settings& settings, utc_time now,
                    const maintainer_check& is_maintainer);

/// An issue closed (SPEC §6): not planned cancels and refunds; completed submits what remains.
[[nodiscard]] bool process_closed(pqxx::work& tx, const issue_closed& event, const store_settings& settings, utc_time now);

/// A merged pull/merge request that closes issues: submits each one's next milestone with the
/// author as solver, unless a vote is open.
[[nodiscard]] bool process_merged(pqxx::work& tx, const change_merged& event, const store_settings& settings, utc_time now);

/// A reaction on a comment: when the comment is an open vote's and the user an eligible voter,
/// the ballot changes and the vote closes early if decided (SPEC §7).
[[nodiscard]] bool process_reaction(pqxx::work& tx, const reaction_changed& event, const store_settings& settings, utc_time now);

/// Records `cause` as processed in this transaction; false when it was recorded before (by this
/// or a concurrent transaction that committed: the unique key makes a second one wait, then see
/// it). Precondition: a non-empty cause.
[[nodiscard]] bool claim_cause(pqxx::work& tx, const event_cause& cause);

/// Whether a card dispute froze the user `platform`/`user_id` (SPEC §14: no money pledges,
/// payouts, withdrawals or top-ups); false for a user the service has not seen.
[[nodiscard]] bool is_frozen(pqxx::work& tx, std::string_view platform, std::int64_t user_id);

/// The reactions of a vote comment as polled: (user id, content) pairs with content `+1`/`-1`
/// (GitHub) or `thumbsup`/`thumbsdown` (GitLab). Replaces the voters' ballots and closes the vote
/// early if decided. Reactions of users who are not eligible are ignored.
void record_vote_reactions(pqxx::work& tx, std::int64_t vote_id,
                           const std::vector<std::pair<std::int64_t, std::string>>& reactions,
                           const store_settings& settings, utc_time now);

/// How long a timer whose transfers the ledger refused waits before it is tried again.
inline constexpr std::chrono::seconds refused_timer_retry = std::chrono::hours{1};

/// Fires the oldest due timer (pledge deadline, funding expiry, bounty deadline, vote close) and
/// returns true, or returns false when none is due at `now`. Deadlines that fall while a vote is
/// open are deferred until it closes.
[[nodiscard]] bool fire_next_timer(pqxx::work& tx, const store_settings& settings, utc_time now);

/// The operator's decision on a disputed bounty: `release` pays the disputed milestone to the
/// solvers of its last vote; `refund` refunds everything unreleased and cancels the bounty.
/// Refusals: no such bounty, not disputed, unknown action, an empty reason, or one over
/// `max_reason_chars` or with control characters.
[[nodiscard]] result<std::string> resolve_dispute(pqxx::work& tx, const std::string& platform, const std::string& full_path,
                                    std::int64_t number, const std::string& action, const std::string& reason,
                                    const store_settings& settings, utc_time now);

struct deposit_result {
  bool created = false;                  // false: this reference was recorded before
  std::int64_t deposit_id = 0;
  escrow::money available{0, ""};       // the user's available balance in the currency afterwards
  std::vector<std::int64_t> held_pledges;  // awaiting pledges this deposit funded, oldest first
};

/// Records a deposit and holds the user's awaiting pledges it covers, oldest first (plan_funding;
/// the goal of each pledge's bounty is checked again, and the sponsor told when a pledge is cut
/// or refused). Refusals (`problem`): a bad platform or user id; an amount not positive or over
/// `max_units` whole units (code `amount`); an unknown currency; a reference empty, longer than
/// `max_reference_chars` or with control characters; a login that is not one; the same
/// reference with other values (`conflict`). A balance that would overflow throws
/// `escrow::ledger_refusal` (the caller answers 409).
[[nodiscard]] result<deposit_result> record_deposit(pqxx::work& tx, const deposit_request& request, utc_time now,
                                      std::int64_t max_units = default_max_deposit_units);

/// A stored bounty with its issue and pledges.
struct bounty_record {
  issue_ref issue;
  bounty current;
  std::vector<pledge> pledges;
  std::vector<milestone> milestones;  // as stored; empty = the implicit "done"
  std::optional<open_vote> vote;
  std::optional<std::int64_t> status_comment_id;
};

/// The bounty of issue `number` in the repository whose current or former path is `full_path`.
std::optional<bounty_record> find_bounty(pqxx::work& tx, const std::string& platform, const std::string& full_path,
                                         std::int64_t number);
/// The bounty with id `bounty_id`, if any.
std::optional<bounty_record> load_bounty(pqxx::work& tx, std::int64_t bounty_id);

/// A vote by id (open or closed) with its solvers and voters.
open_vote load_vote(pqxx::work& tx, std::int64_t vote_id);

/// Stores or updates the repository (by platform id) and its path; returns the internal id.
std::int64_t upsert_repository(pqxx::work& tx, const issue_ref& issue);
/// Stores or updates a user's login.
void upsert_user(pqxx::work& tx, const user_ref& user);

}  // namespace bountybot::bot
