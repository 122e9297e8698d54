#pragma once
/// The bounty core: domain types and the pure decision function that turns a comment's commands
/// into effects (new pledges, holds, refunds, replies, reactions). No I/O: the store loads a
/// `bounty_view`, calls `decide`, and applies the `decision` in one transaction.
#include "bot/commands.hpp"
#include "bot/outbox.hpp"
#include "bot/time.hpp"
#include "escrow/ledger.hpp"
#include "escrow/money.hpp"
#include "voting/tally.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace bountybot::bot {

/// A platform account: platform (`github`/`gitlab`) + numeric id; the login is display data only.
struct user_ref {
  std::string platform;
  std::int64_t id = 0;
  std::string login;
};

/// Where an issue lives. `repository_id` is the platform's numeric id (a GitHub repository id or
/// a GitLab project id); `repository_path` is its current full path (display and links).
struct issue_ref {
  std::string platform;
  std::int64_t repository_id = 0;
  std::string repository_path;
  std::int64_t number = 0;
  std::string url;
  /// `platform:full_path#number` (SPEC §1).
  std::string key() const { return platform + ":" + repository_path + "#" + std::to_string(number); }
};

/// Every domain event carries its `cause`: the event's identity as the platform signed it, built
/// by the adapter from fields of the signed body, never from the delivery id (a header the
/// signature does not cover). The store records each cause once, so the same event resent under
/// any number of delivery ids has effect once; idempotency keys of its transfers derive from it.
/// (GitHub signs the body; GitLab authenticates it by its shared token only, so there a cause
/// guards against redeliveries and resent copies, not against someone holding the token.)
/// Forms: `github:comment:<comment id>`,
/// `github:issue:<issue id>:<labeled|unlabeled>:<label>:<updated_at>:<sender id>`,
/// `github:issue:<issue id>:closed:<closed_at>`, `github:pull:<pull request id>:merged`,
/// `gitlab:note:<note id>`,
/// `gitlab:issue:<issue id>:labels:<updated_at>:<user id>:<label ids before>><label ids after>`,
/// `gitlab:issue:<issue id>:close:<updated_at>`, `gitlab:mr:<merge request id>:merged`,
/// `gitlab:award:<award id>:<award|revoke>`.
using event_cause = std::string;

/// A comment created on an issue: the domain form of GitHub `issue_comment` and GitLab notes.
struct comment_posted {
  event_cause cause;
  issue_ref issue;
  user_ref author;
  std::int64_t comment_id = 0;
  std::string body;
  bool by_bot = false;  // the author is a bot or the service's own account: ignored
  std::vector<user_ref> assignees;  // the issue's assignees when the comment was made
};

/// A label added to or removed from an issue by `actor` (GitHub `issues` labeled/unlabeled,
/// GitLab issue hooks whose `changes.labels` differ).
struct labels_changed {
  event_cause cause;
  issue_ref issue;
  user_ref actor;
  std::vector<std::string> added;
  std::vector<std::string> removed;
  bool by_bot = false;
};

/// An issue closed. `completed`: GitHub `state_reason: completed`; GitLab closes count as
/// completed only when a merged merge request closed the issue (SPEC §6).
struct issue_closed {
  event_cause cause;
  issue_ref issue;
  user_ref actor;
  bool completed = false;
  std::vector<user_ref> assignees;
};

/// A merged pull/merge request whose description closes issues of the same repository.
struct change_merged {
  event_cause cause;
  issue_ref repository;            // number unused; platform and repository identify it
  std::vector<std::int64_t> closes;  // issue numbers named with a closing keyword
  user_ref author;
  std::string url;
};

/// An emoji reaction given to or taken from a comment (GitLab emoji events).
struct reaction_changed {
  event_cause cause;
  issue_ref issue;
  std::int64_t comment_id = 0;
  user_ref user;
  std::string name;  // thumbsup, thumbsdown, ...
  bool awarded = true;
};

/// What an adapter makes of a delivery: a domain event, or nothing to do.
using domain_event =
    std::variant<std::monostate, comment_posted, labels_changed, issue_closed, change_merged, reaction_changed>;

enum class bounty_state { open, accepted, voting, completed, cancelled, expired };
std::string_view to_string(bounty_state s);
bounty_state bounty_state_from(std::string_view s);
/// True while a bounty takes pledges and its lifecycle goes on: open, accepted or voting. Every
/// other state (completed, cancelled, expired) is final. SQL that counts live bounties names the
/// same three states (`live_states_sql`).
bool is_live(bounty_state s);
/// The live states as a SQL list, for queries that count or filter live bounties.
inline constexpr const char* live_states_sql = "('open', 'accepted', 'voting')";

/// held: in escrow. awaiting_funds: recorded, not yet covered by the sponsor's balance.
/// refunded: returned to the sponsor. cancelled: withdrawn or expired before it was ever held.
enum class pledge_state { held, awaiting_funds, refunded, cancelled };
std::string_view to_string(pledge_state s);
pledge_state pledge_state_from(std::string_view s);

struct pledge {
  std::int64_t id = 0;  // negative: created by this decision, not yet stored
  user_ref sponsor;
  std::int64_t amount_minor = 0;  // 0 for zero-value support
  std::string currency;           // empty for zero-value support on a bounty without a currency
  pledge_state state = pledge_state::held;
  utc_time created_at{};
  utc_time deadline{};
  std::optional<utc_time> funds_expire_at;  // awaiting_funds only
  std::int64_t released_minor = 0;
  bool is_support() const { return amount_minor == 0; }
};

/// What a new pledge sets going when it is stored (SPEC §3, §4, §6): a held money pledge holds
/// its amount in escrow; a money pledge gets its deadline timer; an awaiting one its funding
/// expiry timer. Zero-value support moves no money and has no timers.
struct pledge_start {
  bool hold = false;
  std::optional<utc_time> deadline_timer;
  std::optional<utc_time> funds_expiry_timer;
};
[[nodiscard]] pledge_start start_of(const pledge& p);

struct bounty {
  std::int64_t id = 0;  // 0: no bounty yet on this issue
  bounty_state state = bounty_state::open;
  std::optional<std::string> currency;  // fixed by the first money pledge
  std::optional<std::int64_t> goal_minor;
  std::optional<utc_time> deadline;
  bool disputed = false;          // two rejections of one milestone: the operator decides
  bool closed_completed = false;  // the issue was closed as completed
  std::vector<split_share> split;  // how the next release is split (by login); empty = equally
};

enum class milestone_state { pending, voting, released };
std::string_view to_string(milestone_state s);
milestone_state milestone_state_from(std::string_view s);

/// A named share of a bounty (SPEC §1). Without `/bounty milestones` a bounty has one: "done", 100%.
struct milestone {
  std::int64_t id = 0;  // 0: not stored yet (the implicit "done")
  int position = 0;
  std::string name;
  int percent = 100;
  milestone_state state = milestone_state::pending;
  int rejections = 0;
  std::int64_t released_minor = 0;
};

/// A solver of a submission and their percent of its release.
struct solver {
  user_ref user;
  int percent = 100;
};

/// A voter of an open vote: weight snapshotted when the vote opened (SPEC §7) and current ballot.
struct vote_voter {
  user_ref user;
  std::int64_t weight = 0;
  voting::ballot ballot = voting::ballot::none;
  bool thumbs_up = false;    // the reactions the ballot was read from
  bool thumbs_down = false;
};

/// The open vote of a bounty.
struct open_vote {
  std::int64_t id = 0;
  std::vector<std::int64_t> milestone_ids;
  utc_time closes_at{};
  std::vector<solver> solvers;
  std::vector<vote_voter> voters;
  std::int64_t release_minor = 0;
  std::optional<std::int64_t> comment_id;
};

enum class weight_mode { amount, head };

/// Per-repository settings (SPEC §10) with the service's defaults.
struct repo_settings {
  std::string default_currency = "USD";
  bool zero_value_support = true;
  std::chrono::seconds pledge_ttl = std::chrono::days{90};
  std::chrono::seconds awaiting_funds_ttl = std::chrono::days{7};
  std::chrono::seconds vote_window = std::chrono::days{7};
  std::optional<std::int64_t> max_pledge_units;  // unset: 100,000 units of the currency
  weight_mode weight = weight_mode::amount;
  voting::silence_rule silence = voting::silence_rule::approve;
  int platform_fee_bps = 0;  // basis points of each release
  int project_fee_bps = 0;
  std::string bounty_label = "bounty";
  std::string accepted_label = "bounty: accepted";
  /// The service's public URL, where the bot's links point (the payouts page after a release);
  /// empty: links are relative paths.
  std::string public_url;
};

/// Everything `decide` reads: the bounty (if any), all its pledges, its milestones and open
/// vote, the issue's assignees, whether the author is a maintainer, and the author's available
/// balances by currency (minor units).
struct bounty_view {
  issue_ref issue;
  std::optional<bounty> current;
  std::vector<pledge> pledges;
  std::vector<milestone> milestones;  // empty: the implicit single milestone "done"
  std::optional<open_vote> vote;
  std::vector<user_ref> assignees;
  bool author_is_maintainer = false;
  std::map<std::string, std::int64_t> author_available;
  bool author_frozen = false;  // a card dispute froze the comment author's account (SPEC §14)
};

/// What approval of a vote releases: per pledge, its share of the voted milestones (largest
/// remainder over the milestone percents, SPEC §2), the fees (basis points, rounded down), and
/// each solver's part of the rest (largest remainder by percent, ties to the first solver).
struct release_plan {
  std::vector<std::pair<std::int64_t, std::int64_t>> per_pledge;  // pledge id, minor units
  std::int64_t total_minor = 0;
  std::int64_t platform_fee_minor = 0;
  std::int64_t project_fee_minor = 0;
  std::vector<std::pair<user_ref, std::int64_t>> to_solvers;
  /// Per voted milestone position, its share of what was released: the sum over the pledges in
  /// `per_pledge` of each one's largest-remainder share of that milestone (stored on the milestone).
  std::vector<std::pair<int, std::int64_t>> per_milestone;
};
/// The kinds of timers (SPEC §4, §6, §7): a pledge's deadline, an awaiting pledge's funding
/// expiry, the bounty's deadline, an open vote's close. Stored by name in `timers.kind`.
enum class timer_kind { pledge_deadline, funds_expiry, bounty_deadline, vote_close };
std::string_view to_string(timer_kind k);
/// The kind stored as `name`; throws std::invalid_argument for a name this version does not know.
timer_kind timer_kind_from(std::string_view name);

// ---- effects: what a decision asks the store to do, in order, in one transaction ----
struct create_bounty {};                           // first pledge on the issue
struct fix_currency { std::string currency; };     // first money pledge fixes it
struct add_pledge { pledge p; };                   // p.id < 0; state held or awaiting_funds
/// Escrow -> the sponsor's available balance, `amount` (what is left unreleased); the pledge
/// becomes refunded. A negative `pledge_id` names a pledge added by this decision.
struct refund_pledge {
  std::int64_t pledge_id;
  escrow::money amount;
  user_ref sponsor;
};
struct cancel_pledge { std::int64_t pledge_id; };  // -> cancelled, no money moves
struct refresh_status {};                          // queue an edit of the status comment
struct set_goal { std::optional<std::int64_t> goal_minor; };
struct set_deadline { utc_time deadline; };        // and its timer
struct define_milestones { std::vector<milestone_spec> milestones; };
struct set_split { std::vector<split_share> split; };  // empty: the split is cleared
/// Opens a vote on `milestone_positions` (consecutive pending milestones) for `solvers`.
struct start_vote {
  std::vector<int> milestone_positions;
  std::vector<solver> solvers;
  user_ref submitter;
  std::string url;
  std::vector<vote_voter> voters;  // eligible sponsors and their snapshotted weights
  std::int64_t release_minor = 0;
  utc_time closes_at{};
};
struct set_state { bounty_state state; };
/// The issue was closed as completed: remembered for what the open vote or a later close decides.
struct mark_closed_completed {};
/// A label added to or removed from the issue by the bot.
struct change_label {
  bool add = true;
  std::string label;
};
/// A comment on the issue; `body` is whole (marker included), from `bot/status.hpp`.
struct post_reply { std::string body; };
/// The open vote closes as approved or rejected, at the decision's `now`.
struct close_vote {
  std::int64_t vote_id = 0;
  bool approved = false;
};
/// Pays a vote's release (SPEC §7 "Approved"): fees, then each solver's payable, in
/// `currency`; each pledge's released figure and each voted milestone's (`plan`). Transfer keys
/// derive from `vote_id`.
struct release_milestones {
  std::int64_t vote_id = 0;
  release_plan plan;
  std::string currency;
};
/// The milestones go back to pending with one more rejection each.
struct reject_milestones { std::vector<std::int64_t> milestone_ids; };
struct set_disputed { bool disputed; };
/// Timers of the bounty deferred while a vote was open and due by now fire at once.
struct rearm_deferred_timers {};
/// A voter's reactions on the vote comment and the ballot they make.
struct set_ballot {
  std::int64_t vote_id = 0;
  user_ref voter;
  bool thumbs_up = false;
  bool thumbs_down = false;
  voting::ballot ballot = voting::ballot::none;
};
/// The timer being fired waits until `fire_at` (it stays unfired).
struct defer_timer {
  std::int64_t timer_id = 0;
  utc_time fire_at{};
};
/// The timer being fired is done.
struct timer_fired { std::int64_t timer_id; };
/// The operator's resolution of a dispute, recorded with its reason.
struct record_resolution {
  std::string action;
  std::string reason;
};
/// An awaiting pledge funded by a deposit: held at `amount_minor` (cut below the pledge's amount
/// when its bounty's goal left less room), available -> escrow.
struct hold_awaiting {
  pledge p;  // as stored, awaiting_funds
  std::int64_t amount_minor = 0;
  bool cut = false;
};
/// A user the bounty met (a merge's author): recorded insert-only, so a login known already stays.
struct know_user { user_ref user; };
using effect = std::variant<create_bounty, fix_currency, add_pledge, refund_pledge, cancel_pledge, refresh_status,
                            set_goal, set_deadline, define_milestones, set_split, start_vote, set_state,
                            mark_closed_completed, change_label, post_reply, close_vote, release_milestones,
                            reject_milestones, set_disputed, rearm_deferred_timers, set_ballot, defer_timer,
                            timer_fired, record_resolution, hold_awaiting, know_user>;

/// A part of the bot's reply to a comment: a sentence, or a request for funds naming a pledge
/// created by this decision (its link needs the stored pledge id).
struct funds_request {
  std::int64_t pledge_id;  // negative: the add_pledge with this id
  std::int64_t missing_minor;
  std::string currency;
};
using reply_part = std::variant<std::string, funds_request>;

/// What a comment's commands decide. `done` / `refused` count commands; the comment gets a `+1`
/// reaction if any command was done and `confused` if any was refused, and one reply comment
/// carrying every refusal and notice, in command order.
struct decision {
  std::vector<effect> effects;
  std::vector<reply_part> reply;
  int done = 0;
  int refused = 0;
};

/// Whether `d` is activity on its bounty for the public lists' "recent activity" (SPEC §9): an
/// effect that changes the bounty, its pledges, its escrow or its vote. Replies, reactions,
/// labels put back, status refreshes (`/bounty status`), users met and timers that changed
/// nothing are not.
[[nodiscard]] bool is_activity(const decision& d);

/// The reactions a comment gets for what its commands decided (SPEC §4): `done` when any
/// command was done, `refused` when any was refused; both, in that order, when both.
std::vector<reaction_kind> acknowledgement(const decision& d);

/// Decides what `commands` (parsed from one comment by `author`) do to the bounty in `view`, at
/// `now` (UTC). Pure: same inputs, same decision. Money effects respect SPEC §2-§4: one currency
/// per bounty, per-pledge maximum, held only if the available balance covers the whole pledge.
[[nodiscard]] decision decide(const bounty_view& view, const user_ref& author, const std::vector<command_line>& commands,
                const repo_settings& settings, utc_time now);

/// How a pledge ends when it is withdrawn, its deadline passes or its bounty ends: an awaiting
/// pledge or zero-value support is cancelled; a held pledge refunds what is left unreleased; a
/// fully released, refunded or cancelled pledge stays as it is (nullopt).
std::optional<effect> end_pledge(const pledge& p);
/// `end_pledge` of every pledge, appended to `effects` in pledge order.
void end_all(const std::vector<pledge>& pledges, std::vector<effect>& effects);

/// The current tally of an open vote: its snapshotted weights and ballots summed (SPEC §7).
voting::tally tally_of(const open_vote& vote);

/// True when deciding `commands` needs to know whether the author is a maintainer (the store
/// then asks the platform before calling `decide`).
bool needs_maintainer_check(const std::vector<command_line>& commands);

/// The milestones of a bounty, with the implicit single "done" 100% when none were defined.
std::vector<milestone> effective_milestones(const std::vector<milestone>& stored);

/// Opens the vote `plan` (from `plan_submission`) on `view`'s bounty: the implicit "done"
/// milestone becomes a row (`define_milestones`), then `start_vote`, the state `voting`, and the
/// split cleared (it applies to one submission). Updates `view` to match.
void begin_vote(bounty_view& view, start_vote plan, std::vector<effect>& effects);

/// Plans a submission of the next pending milestone, or the one named `name` (case-insensitive),
/// for `solvers` (split by `split` when it names exactly the solvers, else equally). Refusals:
/// no bounty or nothing held, not accepted yet, a vote already open, disputed, unknown or released
/// milestone. `all_remaining` submits every pending milestone in one vote (issue closed as completed).
[[nodiscard]] result<start_vote> plan_submission(const bounty_view& view, std::vector<user_ref> solvers, const user_ref& submitter,
                                   const std::string& name, const std::string& url, const repo_settings& settings,
                                   utc_time now, bool all_remaining = false);

[[nodiscard]] release_plan plan_release(const std::vector<pledge>& pledges, const std::vector<milestone>& milestones,
                          const std::vector<int>& positions, const std::vector<solver>& solvers, int platform_fee_bps,
                          int project_fee_bps);

/// The ledger transfers that pay an approved release `e` of bounty `bounty_id` on `issue` (SPEC
/// §7 "Approved"): the platform's fee to platform:fees, the project's to its fees account, then
/// each solver's part to their payable balance, keyed `vote:{id}:fee:platform`,
/// `vote:{id}:fee:project` and `vote:{id}:release:{platform}:{user id}`; a zero part moves nothing.
[[nodiscard]] std::vector<escrow::transfer> release_transfers(const release_milestones& e, std::int64_t bounty_id,
                                                              const issue_ref& issue);

/// An awaiting pledge as a deposit sees it: the pledge, its bounty's state, and its bounty's goal
/// and held total (minor units) at the deposit.
struct awaiting_pledge {
  pledge p;
  std::int64_t bounty_id = 0;
  bounty_state bounty = bounty_state::open;
  std::optional<std::int64_t> goal_minor;
  std::int64_t held_minor = 0;
};

/// After a deposit: what becomes of a sponsor's awaiting pledges (oldest first, the deposit's
/// currency) with `available_minor`. Strictly in order: a pledge that the balance does not cover
/// stops the walk, so a newer pledge is never funded ahead of an older one. The goal is checked
/// again when a pledge becomes held (SPEC §4, as for a pledge held at once): a pledge beyond the
/// room left under its bounty's goal is held cut to that room, and one whose bounty is full is
/// refused (cancelled; the money stays available). Room is shared by the pledges of one bounty
/// in the walk. Pledges whose `funds_expire_at` has passed are `expired`; those whose bounty no
/// longer takes pledges (not open, accepted or voting) are `ended`.
struct funding_plan {
  struct hold_at {
    std::int64_t pledge_id = 0;
    std::int64_t amount_minor = 0;  // what is held: the pledge's amount, or the room under the goal
    bool cut = false;               // amount_minor is less than the pledge's amount
  };
  std::vector<hold_at> hold;
  std::vector<std::int64_t> expired;
  std::vector<std::int64_t> refused_full;  // the bounty reached its goal before the funds arrived
  std::vector<std::int64_t> ended;
};
[[nodiscard]] funding_plan plan_funding(std::int64_t available_minor, const std::vector<awaiting_pledge>& awaiting_oldest_first,
                          utc_time now);

/// The default bound of one deposit, in whole units of its currency (BOUNTYBOT_MAX_DEPOSIT):
/// 1,000,000.00 USD, ¥1,000,000. A deposit is money the operator or a card brought in; a bound
/// keeps one typo or forged amount from pinning `external:*` near the int64 limit.
inline constexpr std::int64_t default_max_deposit_units = 1'000'000;
/// The longest reason an operator may give for a dispute's resolution (bytes); it is stored and
/// repeated in the reply on the issue.
inline constexpr std::size_t max_reason_chars = 1000;
/// The longest deposit reference (bytes).
inline constexpr std::size_t max_reference_chars = 200;

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

/// The checks a deposit passes before anything is written; returns the amount it credits (its
/// currency as an upper-case ISO 4217 code). Refusals (`problem` codes): `platform`, `user` (not a platform user id),
/// `amount` (not positive, or over `max_units` whole units of the currency), `currency`,
/// `reference` (empty, over `max_reference_chars`, control characters), `login` (not a login).
[[nodiscard]] result<escrow::money> check_deposit(const deposit_request& request, std::int64_t max_units);

/// A deposit as stored under its (provider, reference).
struct stored_deposit {
  std::string platform;
  std::int64_t user_id = 0;
  escrow::money amount;
};

/// A deposit whose reference was recorded before: a replay when it repeats `stored` exactly (the
/// caller then changes nothing and answers as before), else problem `conflict`. `amount` is the
/// request's amount as `check_deposit` returned it.
[[nodiscard]] result<bool> check_deposit_replay(const deposit_request& request, const escrow::money& amount,
                                                const stored_deposit& stored);

/// Totals shown in the status comment and the API: money held in escrow, sponsors (users with a
/// held money pledge), supporters (users with zero-value support and no held money).
struct bounty_totals {
  std::int64_t held_minor = 0;
  int sponsors = 0;
  int supporters = 0;
};
bounty_totals totals(const std::vector<pledge>& pledges);

}  // namespace bountybot::bot
