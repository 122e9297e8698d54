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

}  // namespace bountybot::bot
