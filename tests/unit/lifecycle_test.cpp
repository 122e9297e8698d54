// The lifecycle core (SPEC §4, §6, §7): submissions, eligible voters and their weights, releases.
// Pure: no database, no clock.
#include "jobs/vote_poller.hpp"
#include "bot/bounty.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace bountybot::bot {
namespace {

const utc_time t0 = *parse_deadline("2026-11-21T12:00:00Z");
const user_ref s1{"github", 1, "s1"}, s2{"github", 2, "s2"}, s3{"github", 3, "s3"}, dev{"github", 9, "dev"},
    dev2{"github", 10, "dev2"};

pledge held(std::int64_t id, const user_ref& who, std::int64_t amount, std::int64_t released = 0) {
  return {id, who, amount, "USD", pledge_state::held, t0, t0 + std::chrono::days{90}, std::nullopt, released};
}

bounty_view accepted_view() {
  bounty_view v;
  v.current = bounty{7, bounty_state::accepted, "USD"};
  v.pledges = {held(1, s1, 10000), held(2, s2, 10000), held(3, s3, 5000), held(4, s1, 0)};
  return v;
}

std::vector<command_line> cmds(std::string_view body) { return parse_comment(body); }

TEST(Voting, EligibleVotersAreSponsorsWithHeldMoneyExceptTheSolvers) {
  auto v = accepted_view();
  v.pledges.push_back(held(5, dev, 3000));  // the solver is also a sponsor
  const auto plan = plan_submission(v, {dev}, dev, "", "", {}, t0);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->voters.size(), 3u);
  std::int64_t total = 0;
  for (const auto& voter : plan->voters) {
    EXPECT_NE(voter.user.id, dev.id);
    total += voter.weight;
  }
  EXPECT_EQ(total, 25000);
  EXPECT_EQ(plan->closes_at, t0 + std::chrono::days{7});
}

TEST(Voting, SupportersAndAwaitingPledgesDoNotVote) {
  auto v = accepted_view();
  v.pledges.push_back({6, s3, 7000, "USD", pledge_state::awaiting_funds, t0, t0});
  const user_ref supporter{"github", 50, "fan"};
  v.pledges.push_back(held(7, supporter, 0));
  const auto plan = plan_submission(v, {dev}, dev, "", "", {}, t0);
  for (const auto& voter : plan->voters) EXPECT_NE(voter.user.id, supporter.id);
  EXPECT_EQ(plan->voters.back().weight, 5000) << "s3's awaiting pledge does not count";
}

TEST(Voting, WeightIsTheHeldAmountOrOnePerSponsor) {
  auto v = accepted_view();
  v.pledges.push_back(held(8, s1, 2000, 1000));  // half released already: weighs 1000
  repo_settings amount;
  auto plan = plan_submission(v, {dev}, dev, "", "", amount, t0);
  EXPECT_EQ(plan->voters[0].weight, 11000);
  repo_settings head;
  head.weight = weight_mode::head;
  plan = plan_submission(v, {dev}, dev, "", "", head, t0);
  for (const auto& voter : plan->voters) EXPECT_EQ(voter.weight, 1);
}

TEST(Voting, SubmissionRefusals) {
  auto v = accepted_view();
  v.current->state = bounty_state::open;
  EXPECT_NE(plan_submission(v, {dev}, dev, "", "", {}, t0).error().message.find("not accepted"), std::string::npos);
  v = accepted_view();
  v.vote = open_vote{};
  EXPECT_NE(plan_submission(v, {dev}, dev, "", "", {}, t0).error().message.find("already open"), std::string::npos);
  v = accepted_view();
  v.current->disputed = true;
  EXPECT_NE(plan_submission(v, {dev}, dev, "", "", {}, t0).error().message.find("disputed"), std::string::npos);
  v = accepted_view();
  EXPECT_NE(plan_submission(v, {dev}, dev, "docs", "", {}, t0).error().message.find("no pending milestone"), std::string::npos);
  v = accepted_view();
  v.pledges.clear();
  EXPECT_NE(plan_submission(v, {dev}, dev, "", "", {}, t0).error().message.find("nothing is held"), std::string::npos);
}

TEST(Voting, NamedMilestoneAndAllRemaining) {
  auto v = accepted_view();
  v.milestones = {{11, 0, "design", 20}, {12, 1, "Implementation", 60}, {13, 2, "docs", 20}};
  auto plan = plan_submission(v, {dev}, dev, "implementation", "", {}, t0);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->milestone_positions, (std::vector<int>{1}));
  EXPECT_EQ(plan->release_minor, 15000);
  plan = plan_submission(v, {dev}, dev, "", "", {}, t0, true);
  EXPECT_EQ(plan->milestone_positions, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(plan->release_minor, 25000);
}

TEST(Voting, SplitAppliesWhenItNamesExactlyTheSolversElseEqualShares) {
  auto v = accepted_view();
  v.current->split = {{"DEV", 70}, {"dev2", 30}};
  auto plan = plan_submission(v, {dev, dev2}, dev, "", "", {}, t0);
  EXPECT_EQ(plan->solvers[0].percent, 70);
  EXPECT_EQ(plan->solvers[1].percent, 30);
  plan = plan_submission(v, {dev, dev2, s3}, dev, "", "", {}, t0);
  EXPECT_EQ(plan->solvers[0].percent, 34);
  EXPECT_EQ(plan->solvers[1].percent, 33);
  EXPECT_EQ(plan->solvers[2].percent, 33);
}

TEST(Release, FeesFirstThenSolversByTheSplitAndPartsSumToTheWhole) {
  const auto v = accepted_view();
  const std::vector<milestone> ms{{1, 0, "a", 20}, {2, 1, "b", 80}};
  const auto plan = plan_release(v.pledges, ms, {0}, {{dev, 70}, {dev2, 30}}, 500, 100);
  EXPECT_EQ(plan.total_minor, 5000);
  EXPECT_EQ(plan.platform_fee_minor, 250);
  EXPECT_EQ(plan.project_fee_minor, 50);
  EXPECT_EQ(plan.to_solvers[0].second + plan.to_solvers[1].second, 4700);
  EXPECT_EQ(plan.to_solvers[0].second, 3290);
}

TEST(Release, MilestoneSharesOfEveryPledgeAddUpToThePledgeProperty) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 2000; ++round) {
    std::vector<milestone> ms;
    int left = 100, pos = 0;
    while (left > 0) {
      const int pct = left == 1 ? 1 : std::uniform_int_distribution<int>(1, left)(rng);
      ms.push_back({pos + 1, pos, "m" + std::to_string(pos), pct});
      left -= pct;
      ++pos;
    }
    std::vector<pledge> ps;
    for (int i = 0; i < 5; ++i) ps.push_back(held(i + 1, s1, std::uniform_int_distribution<std::int64_t>(1, 1'000'000)(rng)));
    std::int64_t released = 0;
    for (int p = 0; p < pos; ++p) released += plan_release(ps, ms, {p}, {{dev, 100}}, 0, 0).total_minor;
    std::int64_t pledged = 0;
    for (const auto& p : ps) pledged += p.amount_minor;
    ASSERT_EQ(released, pledged);
  }
}

TEST(Commands, MaintainerCommandsAreRefusedForOthers) {
  auto v = accepted_view();
  for (const char* body : {"/bounty goal $500", "/bounty deadline 2030-01-01", "/bounty milestones a 50%, b 50%",
                           "/bounty cancel"}) {
    const auto d = decide(v, s1, cmds(body), {}, t0);
    EXPECT_EQ(d.refused, 1) << body;
    EXPECT_TRUE(d.effects.empty()) << body;
  }
  EXPECT_TRUE(needs_maintainer_check(cmds("/bounty cancel")));
  EXPECT_FALSE(needs_maintainer_check(cmds("/pledge 5")));
}

TEST(Commands, MaintainerSetsGoalDeadlineMilestonesAndCancels) {
  auto v = accepted_view();
  v.current->state = bounty_state::open;
  v.author_is_maintainer = true;
  auto d = decide(v, s1, cmds("/bounty goal $500\n/bounty deadline 2030-01-01\n/bounty milestones a 50%, b 50%"), {}, t0);
  EXPECT_EQ(d.done, 3);
  d = decide(v, s1, cmds("/bounty goal none"), {}, t0);
  EXPECT_EQ(d.done, 1);
  d = decide(v, s1, cmds("/bounty cancel"), {}, t0);
  EXPECT_EQ(d.done, 1);
}

TEST(Commands, MilestonesOnlyBeforeTheFirstSubmission) {
  auto v = accepted_view();
  v.author_is_maintainer = true;
  v.milestones = {{11, 0, "done", 100, milestone_state::pending, 1}};
  const auto d = decide(v, s1, cmds("/bounty milestones a 50%, b 50%"), {}, t0);
  EXPECT_EQ(d.refused, 1);
}

TEST(Commands, OnlyAnAssigneeSubmitsAnAssignedIssue) {
  auto v = accepted_view();
  v.assignees = {dev};
  EXPECT_EQ(decide(v, s1, cmds("/bounty submit"), {}, t0).refused, 1);
  EXPECT_EQ(decide(v, dev, cmds("/bounty submit"), {}, t0).done, 1);
}

TEST(Commands, SplitByAnAssigneeOrMaintainerWhileNoVoteIsOpen) {
  auto v = accepted_view();
  v.assignees = {dev, dev2};
  EXPECT_EQ(decide(v, s1, cmds("/bounty split @dev 50 @dev2 50"), {}, t0).refused, 1);
  EXPECT_EQ(decide(v, dev, cmds("/bounty split @dev 50 @dev2 50"), {}, t0).done, 1);
  v.vote = open_vote{};
  EXPECT_EQ(decide(v, dev, cmds("/bounty split @dev 50 @dev2 50"), {}, t0).refused, 1);
}

TEST(ClosingReferences, FindsKeywordsReferencesAndUrlsOfThisRepositoryOnly) {
  EXPECT_EQ(closing_references("Fixes #1", "o/r"), (std::vector<std::int64_t>{1}));
  EXPECT_EQ(closing_references("closes: #2, resolves o/r#3 and fixes other/repo#4", "o/r"), (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(closing_references("Resolves https://github.com/o/r/issues/5.", "o/r"), (std::vector<std::int64_t>{5}));
  EXPECT_EQ(closing_references("Closes https://gitlab.com/g/sub/p/-/issues/6", "g/sub/p"), (std::vector<std::int64_t>{6}));
  EXPECT_TRUE(closing_references("See #7; related to #8", "o/r").empty());
}

TEST(VotePolling, NewAndClosingVotesArePolledMoreOftenAndRateLimitsWait) {
  jobs::poller_settings s;
  const auto opened = t0;
  const auto closes = t0 + std::chrono::days{7};
  EXPECT_EQ(jobs::next_poll_time(t0 + std::chrono::minutes{1}, opened, closes, s, {}, {}),
            t0 + std::chrono::minutes{2});  // new: every minute
  EXPECT_EQ(jobs::next_poll_time(t0 + std::chrono::days{2}, opened, closes, s, {}, {}),
            t0 + std::chrono::days{2} + std::chrono::minutes{5});  // idle: every five
  const auto reset = (t0 + std::chrono::days{2} + std::chrono::hours{1}).time_since_epoch().count();
  EXPECT_EQ(jobs::next_poll_time(t0 + std::chrono::days{2}, opened, closes, s, 10, reset).time_since_epoch().count(),
            reset);
}

}  // namespace
}  // namespace bountybot::bot
