#pragma once
/// The bounty lifecycle as pure decisions (SPEC §4–§7): labels, closes, merges, reactions, polled
/// reactions, timers, vote closes, dispute resolutions and deposits. Each `decide_<event>` takes
/// the view the store loaded (under the issue's lock), the event, the settings and `now` (UTC),
/// and returns the effects the store applies in order, in one transaction. No I/O, no clock.
#include "bot/bounty.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bountybot::bot {

/// Whether a label change concerns the accepted label of `settings` (case-insensitive): nullopt
/// when it does not (the bot ignores it), else true when the label was added, false when removed.
std::optional<bool> accepted_label_change(const labels_changed& event, const repo_settings& settings);

/// The accepted label added or removed (SPEC §5). `view.author_is_maintainer` says whether the
/// event's actor is a maintainer. A non-maintainer's change is reverted and the actor told why;
/// a maintainer's moves the bounty open -> accepted, or accepted -> open while nothing was
/// released or is under vote (else it is put back). Precondition: a bounty in `view`, and
/// `accepted_label_change(event, settings)` has a value.
[[nodiscard]] decision decide_labels(const bounty_view& view, const labels_changed& event, const repo_settings& settings,
                                     utc_time now);

/// An issue closed (SPEC §6). Not planned (and not closed as completed before): an open vote is
/// rejected, every pledge ends (refunded or cancelled) and the bounty is cancelled. Completed:
/// remembered; with no open vote, an open bounty counts as accepted and what remains is submitted
/// for the assignees in one vote (or they are asked to submit). Final states change nothing.
/// Precondition: a bounty in `view`.
[[nodiscard]] decision decide_closed(const bounty_view& view, const issue_closed& event, const repo_settings& settings,
                                     utc_time now);

/// A merged pull/merge request that closes the issue of `view` (SPEC §6): with no open vote and
/// the bounty open or accepted, it counts as accepted and its next milestone is submitted with the
/// change's author as solver and the change as the link. Precondition: a bounty in `view`.
[[nodiscard]] decision decide_merged(const bounty_view& view, const change_merged& event, const repo_settings& settings,
                                     utc_time now);

/// Closes the open vote of `view` with `result` (approved or rejected; SPEC §7): approved pays the
/// release (fees, then the solvers) and settles the bounty (completed, with leftovers refunded,
/// once every milestone is released; else accepted); rejected returns the milestones to pending
/// with one more rejection, and a second rejection of any milestone disputes the bounty. Deferred
/// deadlines due by `now` are re-armed. Precondition: `view.vote` and `result` is not pending.
[[nodiscard]] decision decide_vote_close(const bounty_view& view, voting::outcome result, const repo_settings& settings,
                                         utc_time now);

/// True for the emoji that make a ballot on GitLab award events: `thumbsup`, `thumbsdown`.
bool is_ballot_emoji(std::string_view name);

/// A 👍/👎 given to or taken from the open vote's comment (GitLab emoji events): the voter's
/// ballot changes, then the vote closes early if the early rule decides it (SPEC §7), else the
/// status is refreshed. Ignored (no effects): not the vote's comment, or not an eligible voter,
/// or another emoji.
[[nodiscard]] decision decide_reaction(const bounty_view& view, const reaction_changed& event,
                                       const repo_settings& settings, utc_time now);

/// The reactions of the vote comment as polled: (user id, content) with content `+1`/`-1`
/// (GitHub) or `thumbsup`/`thumbsdown` (GitLab). Every eligible voter's ballot is set from what
/// they gave now; if any changed, the early rule is applied as for `decide_reaction`. Reactions
/// of users who are not eligible are ignored, and so is everything when `vote_id` is not the open
/// vote of `view` any more (it closed since the poll began).
[[nodiscard]] decision decide_polled_reactions(const bounty_view& view, std::int64_t vote_id,
                                               const std::vector<std::pair<std::int64_t, std::string>>& reactions,
                                               const repo_settings& settings, utc_time now);

/// A timer that is due: its id, kind, what it concerns and when it was due (UTC).
struct due_timer {
  std::int64_t id = 0;
  timer_kind kind = timer_kind::pledge_deadline;
  std::optional<std::int64_t> pledge_id;
  std::optional<std::int64_t> vote_id;
  utc_time due_at{};
};

/// A due timer fires (SPEC §4, §6, §7). A deadline that falls while a vote is open waits until one
/// second after the vote closes (`defer_timer`). Otherwise the timer is marked fired and, on a
/// live bounty: a pledge deadline ends the pledge (the sponsor told of a refund), expires the
/// bounty when nothing it held is left (and something was refunded), and refreshes the status; a
/// funding expiry cancels the pledge if still awaiting; the bounty deadline (if it is still the
/// bounty's deadline) ends every pledge and expires the bounty; a vote close closes that vote if
/// it is the open one (`decide_vote_close` with the close-time rule and the silence setting).
[[nodiscard]] decision decide_timer(const bounty_view& view, const due_timer& timer, const repo_settings& settings,
                                    utc_time now);

/// The operator's resolution of a dispute, as asked: `release` or `refund`, with a reason.
struct dispute_resolution {
  std::string action;
  std::string reason;
};

/// The checks of a resolution before any bounty is looked up: `action` is `release` or `refund`
/// (problem `action`); the reason is not empty, at most `max_reason_chars` and without control
/// characters (problem `reason`).
[[nodiscard]] result<bool> check_resolution(const dispute_resolution& r);

/// What a resolution did, as the admin API names it: `refunded` or `released`. Precondition:
/// `check_resolution(r)` passed.
std::string_view resolution_outcome(const dispute_resolution& r);

/// The operator resolves the dispute of `view`'s bounty (SPEC §7 "Disputed"): `refund` ends every
/// pledge and cancels the bounty; `release` pays the milestones of `last_rejected` (the last
/// rejected vote) to its solvers and settles the bounty as an approval would. The resolution is
/// recorded and the dispute cleared. Refusals: `not_disputed`, `no_vote` (release without a
/// rejected vote). Precondition: a bounty in `view` and `check_resolution(r)` passed.
[[nodiscard]] result<decision> decide_dispute(const bounty_view& view, const dispute_resolution& r,
                                              const std::optional<open_vote>& last_rejected,
                                              const repo_settings& settings, utc_time now);

/// What a deposit does to one bounty's awaiting pledges of its depositor.
struct deposit_effects {
  std::int64_t bounty_id = 0;
  decision decided;  // cancels, holds (cut or whole), the status refresh and the sponsor's reply
};

/// After a deposit of the depositor `login` (SPEC §3, §4): `plan_funding` over their awaiting
/// pledges (oldest first, one currency) with `available_minor`, as effects grouped by bounty in
/// ascending bounty id: expired and ended pledges are cancelled; a pledge whose bounty is full is
/// cancelled and the sponsor told; the pledges the balance covers are held (cut to the goal's room
/// and the sponsor told, when they exceed it) and their bounties' statuses refreshed.
[[nodiscard]] std::vector<deposit_effects> decide_deposit(std::int64_t available_minor,
                                                          const std::vector<awaiting_pledge>& awaiting_oldest_first,
                                                          const std::string& login, utc_time now);

}  // namespace bountybot::bot
