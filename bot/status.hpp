#pragma once
/// Texts the bot posts: the status comment, replies, funding requests, and why a command, a
/// submission, a deposit or a dispute resolution is refused. Pure (markdown strings).
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
/// supporters, goal, deadline, and how to pledge; with a `public_url`, the bounty's badge linking
/// to its page there (SPEC §15).
std::string render_status(const issue_ref& issue, const bounty& b, const std::vector<pledge>& pledges,
                          const std::vector<milestone>& milestones = {}, const std::optional<open_vote>& vote = {},
                          std::string_view public_url = {});

/// The path of a bounty's page: `/b/{platform}/{full_path}/{number}`.
std::string bounty_page_path(const issue_ref& issue);

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


// ---- why a command line is malformed (problem `usage`; the reply puts the line, in code, before each) ----

/// `/pledge AMOUNT until` without the date.
std::string text_usage_until_needs_date();
/// `/pledge` followed by words it does not take; `rest` is those words, shown inert.
std::string text_usage_pledge_leftover(std::string_view rest);
/// A part of `/bounty milestones` that is not a name and a percent.
std::string text_usage_milestone_shape();
/// A milestone's `percent` token is not a whole percent with `%` from 1% to 100% (shown inert).
std::string text_usage_milestone_percent(std::string_view percent);
/// A milestone `name` longer than `max_milestone_name_chars` (shown inert, cut to a preview).
std::string text_usage_milestone_name_too_long(std::string_view name);
/// A milestone `name` given twice in `/bounty milestones` (shown inert).
std::string text_usage_milestone_twice(std::string_view name);
/// More than `max_milestones` milestones.
std::string text_usage_too_many_milestones();
/// Milestone percents that add up to `sum`, not 100.
std::string text_usage_milestone_sum(int sum);
/// `/bounty split` without an even number of arguments (`@login PCT` pairs).
std::string text_usage_split_shape();
/// A `/bounty split` `token` where an @login belongs (shown inert).
std::string text_usage_split_login(std::string_view token);
/// A `/bounty split` `percent` token that is not a whole number from 1 to 100 (shown inert).
std::string text_usage_split_percent(std::string_view percent);
/// A solver `login` (without `@`) named twice in `/bounty split` (shown inert, with `@`).
std::string text_usage_split_twice(std::string_view login);
/// Split percents that add up to `sum`, not 100.
std::string text_usage_split_sum(int sum);
/// `/bounty <subcommand>` (lower-cased) given arguments it does not take.
std::string text_usage_no_arguments(std::string_view subcommand);
/// `/bounty goal` given something other than one amount or `none`.
std::string text_usage_goal_shape();
/// `/bounty deadline` without exactly one date.
std::string text_usage_deadline_shape();
/// The `url` of `/bounty submit` is not a plain link (`is_plain_url`; shown inert, cut to a preview).
std::string text_usage_submit_url(std::string_view url);
/// The milestone named by `/bounty submit` is longer than `max_milestone_name_chars`.
std::string text_usage_submit_name_too_long();
/// `/bounty <subcommand>` (as written) is no command.
std::string text_usage_unknown_bounty_command(std::string_view subcommand);
/// `/support` given arguments.
std::string text_usage_support_arguments();
/// `/unpledge` given arguments.
std::string text_usage_unpledge_arguments();
/// A command line holding a control character.
std::string text_usage_control_character();

// ---- why a submission is refused (problem `submit`; `text_bounty_is` when the state forbids it) ----

/// `/bounty submit` on an issue without a bounty.
std::string text_submit_no_bounty();
/// The bounty is disputed: the operator decides how it ends.
std::string text_submit_disputed();
/// A vote on a submission is already open.
std::string text_submit_vote_open();
/// The bounty is still open: no maintainer added `accepted_label` (shown inert).
std::string text_submit_not_accepted(std::string_view accepted_label);
/// No milestone is pending any more.
std::string text_submit_all_submitted();
/// No pending milestone is named `name` (shown inert).
std::string text_submit_no_such_milestone(std::string_view name);
/// The submitted milestones would release nothing: nothing is held for them.
std::string text_submit_nothing_held();

// ---- why an operator deposit is refused (`check_deposit`, `check_deposit_replay`; the API shows them) ----

/// The platform is neither `github` nor `gitlab` (problem `platform`).
std::string text_deposit_platform();
/// The user id is not positive (problem `user`).
std::string text_deposit_user_id();
/// The amount is not a positive number of minor units (problem `amount`).
std::string text_deposit_amount();
/// `code` is no ISO 4217 code this service knows (problem `currency`; shown inert, cut to a preview).
std::string text_deposit_currency(std::string_view code);
/// The amount is over `bound_minor` of `currency`, the BOUNTYBOT_MAX_DEPOSIT bound (problem `amount`).
std::string text_deposit_too_large(std::int64_t bound_minor, std::string_view currency);
/// The reference is empty, over `max_reference_chars` or holds control characters (problem `reference`).
std::string text_deposit_reference();
/// The login is not a platform login (`is_login`; problem `login`).
std::string text_deposit_login();
/// `reference` was recorded before with another platform, user or amount (problem `conflict`; shown inert).
std::string text_deposit_replay_conflict(std::string_view reference);

// ---- why the operator's dispute resolution is refused (`check_resolution`, `decide_dispute`) ----

/// The action is neither `release` nor `refund` (problem `action`).
std::string text_resolution_action();
/// The reason is empty (problem `reason`).
std::string text_resolution_no_reason();
/// The reason is over `max_reason_chars` or holds control characters (problem `reason`).
std::string text_resolution_reason_too_long();
/// The bounty is not disputed (problem `not_disputed`).
std::string text_dispute_not_disputed();
/// A release was asked but no submission was rejected (problem `no_vote`).
std::string text_dispute_no_rejected_vote();

// ---- the public lists' refusals (bot/listing: `parse_list_query`) ----

/// `platform` names neither platform.
std::string text_list_platform();
/// `repo` is not a full path of at most `max_chars` bytes of UTF-8 without control characters.
std::string text_list_repo(std::size_t max_chars);
/// `currency` is not a known ISO 4217 code.
std::string text_list_currency();
/// `state` names no state.
std::string text_list_state();
/// `sort` names no order.
std::string text_list_sort();
/// `limit` is not a whole number from 1 to `max_limit`.
std::string text_list_limit(int max_limit);
/// `cursor` is not one the list gave for this order.
std::string text_list_cursor();

}  // namespace bountybot::bot
