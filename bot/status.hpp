#pragma once
/// Texts the bot posts: the status comment, replies, funding requests. Pure (markdown strings).
#include "bot/bounty.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace bountybot::bot {

/// Every comment the bot posts carries this marker, so that its own comments are never read as
/// commands even when the service runs under a user's token (whose author is not a "Bot").
inline constexpr std::string_view own_comment_marker = "<!-- bountybot -->";

/// The longest comment body the bot writes (bytes); GitHub's limit is 65,536 characters, GitLab's
/// 1,000,000 (GitLab `Note` validation), so GitHub's bounds both.
inline constexpr std::size_t max_comment_chars = 60'000;

/// The most voters a vote comment names; the rest are counted ("and 12 more").
inline constexpr std::size_t max_listed_voters = 50;

/// `body` when it fits in `max_comment_chars`, else its longest UTF-8-whole prefix that fits with
/// a closing note saying it was cut. Every comment the bot writes passes through it: bodies the
/// store queues, and the status and vote comments the outbox sender renders.
std::string fit_comment(std::string body);

/// The one status comment of a bounty (edited in place): state, held total, sponsors and
/// supporters, goal, deadline, and how to pledge.
std::string render_status(const issue_ref& issue, const bounty& b, const std::vector<pledge>& pledges,
                          const std::vector<milestone>& milestones = {}, const std::optional<open_vote>& vote = {});

/// The vote comment (SPEC §7): what was submitted, by whom, the link, what approval releases,
/// who may vote and how, and the close time.
std::string render_vote(const issue_ref& issue, const bounty& b, const std::vector<milestone>& milestones,
                        const open_vote& vote, const user_ref& submitter, const std::string& url);

/// `BOUNTYBOT_PUBLIC_URL/fund/<pledge id>`.
std::string funding_link(std::string_view public_url, std::int64_t pledge_id);

/// The sentence of a reply asking for the funds a pledge is missing, with the funding link.
std::string render_funds_request(std::string_view public_url, std::int64_t pledge_id, std::int64_t missing_minor,
                                 std::string_view currency, std::chrono::seconds awaiting_ttl);

/// The sentence telling a sponsor that funds arrived for their awaiting pledge of
/// `pledged_minor` but its bounty's goal of `goal_minor` left room for `held_minor` only, so that
/// much is held and the rest stays in their balance.
std::string render_funding_cut(std::int64_t pledged_minor, std::int64_t held_minor, std::int64_t goal_minor,
                               std::string_view currency);

/// The sentence telling a sponsor that their awaiting pledge of `pledged_minor` was cancelled
/// when funds arrived, because its bounty had reached its goal of `goal_minor` meanwhile.
std::string render_funding_refused(std::int64_t pledged_minor, std::int64_t goal_minor, std::string_view currency);

/// A reply to `login` made of `parts` (already rendered), with the marker. The store's outbox
/// keeps every body it queues under `max_comment_chars` (`fit_comment`).
std::string render_reply(std::string_view login, const std::vector<std::string>& parts);

// ---- the bot's announcements on an issue: whole comment bodies (marker included) or sentences
// of a reply to one user; one function per message ----

/// Sentence: `actor` changed the accepted label without being a maintainer; the bot reverted it.
std::string text_label_not_maintainer(bool added, std::string_view accepted_label);
/// Sentence: the accepted label cannot be removed once a milestone was released or is under vote.
std::string text_label_locked();
/// Body: the sponsors approved; `release_minor` of `currency` released to `solvers`.
std::string text_vote_approved(std::int64_t release_minor, std::string_view currency, const std::vector<solver>& solvers);
/// Body: the sponsors rejected the submission; `disputed` when it was the second rejection.
std::string text_vote_rejected(bool disputed);
/// Sentence: a sponsor's pledge reached its deadline and `refunded_minor` went back to them.
std::string text_pledge_deadline(std::int64_t refunded_minor, std::string_view currency);
/// Body: the bounty deadline passed and everything unreleased went back.
std::string text_bounty_deadline();
/// Body: the issue was closed as not planned; the bounty is cancelled and refunded.
std::string text_closed_not_planned();
/// Body: the issue was closed as completed without assignees; the solver should submit.
std::string text_closed_completed_submit();
/// Body: the operator refunded a disputed bounty, with their `reason` (shown inert).
std::string text_dispute_refunded(std::string_view reason);
/// Body: the operator released a disputed milestone, `release_minor` of `currency`, with `reason`.
std::string text_dispute_released(std::int64_t release_minor, std::string_view currency, std::string_view reason);

/// `{public_url}/me/payouts` (a relative path without a public URL).
std::string payouts_link(std::string_view public_url);
/// Paragraph after a release (SPEC §14): each solver's amount and where to collect it,
/// "@dev: $50.00, @s3: $25.00. Collect it at …/me/payouts …"; empty when nobody was paid.
std::string text_collect(const std::vector<std::pair<user_ref, std::int64_t>>& paid, std::string_view currency,
                         std::string_view public_url);

// ---- why a command is refused (the reply puts the command, in code, before each) ----

/// The repository takes no zero-value support.
std::string text_no_support();
/// A card dispute froze the author's account (SPEC §14): no money pledges, payouts or withdrawals.
std::string text_account_frozen();
/// The bounty is in final state `s` and takes no more pledges.
std::string text_no_more_pledges(bounty_state s);
/// The bounty reached its goal of `goal_minor`.
std::string text_goal_reached(std::int64_t goal_minor, std::string_view currency);
/// Notice: the pledge was cut to the `remaining_minor` left under the goal of `goal_minor`.
std::string text_pledge_cut_to_goal(std::int64_t goal_minor, std::int64_t remaining_minor, std::string_view currency);
/// The bounty is in `bounty_currency`; the reason shows a pledge of 50 units in it.
std::string text_other_currency(std::string_view bounty_currency);
/// `code` is not a currency this service knows (shown inert).
std::string text_unknown_currency(std::string_view code);
/// The date `when` has passed.
std::string text_date_passed(utc_time when);
/// Only maintainers may use the command.
std::string text_maintainers_only();
/// There is no bounty on the issue yet.
std::string text_no_bounty_yet();
/// The bounty is in state `s`, where the command does nothing.
std::string text_bounty_is(bounty_state s);
/// The bounty is in `currency`, not the goal's.
std::string text_bounty_in(std::string_view currency);
/// A goal of zero.
std::string text_goal_not_positive();
/// Milestones are defined before the first submission only.
std::string text_milestones_after_submission();
/// The split cannot change while a vote is open.
std::string text_split_during_vote();
/// Only an assignee or a maintainer sets the split.
std::string text_split_not_allowed();
/// The issue is assigned to others: only an assignee submits.
std::string text_submit_not_assignee();
/// The author has no pledge on the issue.
std::string text_no_pledge_here();
/// Pledges are locked since the task was accepted, until `deadline` if there is one.
std::string text_pledges_locked(const std::optional<utc_time>& deadline);
/// The bounty is in final state `s`: nothing is left to withdraw.
std::string text_nothing_to_withdraw(bounty_state s);
/// Zero-value support takes no deadline.
std::string text_support_has_no_deadline();
/// The answer to `/bounty status` on an issue without a bounty (a whole sentence).
std::string text_status_without_bounty();

}  // namespace bountybot::bot
