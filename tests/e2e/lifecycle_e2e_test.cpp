// The bounty lifecycle end to end (SPEC §5-§7) on GitHub and GitLab: acceptance by label with
// permission checks, milestones, submissions, votes by reaction, releases with fees and splits,
// rejections, disputes, deadlines, cancellation — and restarts in the middle of it all.
#include "tests/e2e/service_fixture.hpp"

namespace bountybot {
namespace {

using testing::people;

class Lifecycle : public Service {
 protected:
  void pledge_github(std::int64_t user, const std::string& login, const std::string& amount, std::int64_t comment_id) {
    ASSERT_EQ(deliver_github(testing::github_comment("/pledge " + amount, user, login, 1, comment_id),
                             "pledge-" + std::to_string(comment_id)).status, 202u);
  }
  // Non-asserting reads, for conditions awaited while the bounty may not exist yet.
  json::value peek(const std::string& path) {
    const auto r = service->request("GET", "/api/v1/bounties/" + path);
    return r.status == 200 ? json::parse(r.body) : json::value(nullptr);
  }
  std::int64_t held(const std::string& path) {
    const auto b = peek(path);
    return b.is_null() ? -1 : b.at("held").as_int64();
  }
  std::string state(const std::string& path) {
    const auto b = peek(path);
    return b.is_null() ? "" : std::string(b.at("state").as_string());
  }
  std::int64_t vote_comment(int nth = 1) {
    std::string id;
    eventually([&] {
      id = db.scalar("SELECT comment_id FROM votes ORDER BY id OFFSET " + std::to_string(nth - 1) + " LIMIT 1");
      return !id.empty();
    });
    return id.empty() ? 0 : std::stoll(id);
  }
  const std::string gh = "github/Codertocat/Hello-World/1";
  const std::string gl = "gitlab/gitlab-org/gitlab-test/17";
};

TEST_F(Lifecycle, GitHubStoryAcceptVoteAndReleaseWithFeeAndSplit) {
  service = std::make_unique<testing::service_process>(
      env({{"BOUNTYBOT_REACTION_POLL", "5s"}, {"BOUNTYBOT_PLATFORM_FEE_BPS", "500"}}));
  deposit("github", 11, 10000, "w-11");
  deposit("github", 12, 10000, "w-12");
  deposit("github", 13, 5000, "w-13");
  pledge_github(11, "sponsor1", "$100", 101);
  pledge_github(12, "sponsor2", "$100", 102);
  pledge_github(13, "sponsor3", "$50", 103);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'") == "3"; }));
  EXPECT_EQ(held(gh), 25000);
  ASSERT_TRUE(github.wait_for([](const auto& c) { return !matching(c, "POST", "/issues/1/labels").empty(); }))
      << "the bot adds the `bounty` label with the first pledge";

  // A triager (read access) adds the accepted label: reverted, with a reply.
  deliver_github(testing::github_label_event("labeled", "bounty: accepted", 20, "triager"), "label-1", "issues");
  ASSERT_TRUE(github.wait_for([](const auto& c) {
    return !matching(c, "DELETE", "/issues/1/labels/bounty%3A%20accepted").empty() &&
           any_body_contains(c, "POST", "/issues/1/comments", "only maintainers");
  }));
  EXPECT_EQ(state(gh), "open");

  // A maintainer adds it: accepted; then milestones, a split and a submission by an assignee.
  deliver_github(testing::github_label_event("labeled", "bounty: accepted", 21, "maint1"), "label-2", "issues");
  ASSERT_TRUE(eventually([&] { return state(gh) == "accepted"; }));
  const people assignees{{31, "dev1"}, {32, "dev2"}};
  deliver_github(testing::github_comment_assigned("/bounty milestones design 20%, implementation 80%", 21, "maint1", 201, assignees), "m-1");
  deliver_github(testing::github_comment_assigned("/bounty split @dev1 70 @dev2 30", 31, "dev1", 202, assignees), "s-1");
  ASSERT_TRUE(github.wait_for([](const auto& c) { return has_reaction(c, 201, "+1") && has_reaction(c, 202, "+1"); }));
  deliver_github(testing::github_comment_assigned("/bounty submit design https://github.com/Codertocat/Hello-World/pull/2", 31,
                                                  "dev1", 203, assignees), "sub-1");
  const auto vote_id = vote_comment();
  ASSERT_GT(vote_id, 0);
  EXPECT_TRUE(any_body_contains(github.calls(), "POST", "/issues/1/comments", "react 👍 to approve"));
  EXPECT_EQ(state(gh), "voting");
  EXPECT_EQ(bounty(gh).at("vote").at("eligible_weight").as_int64(), 25000);

  // Polling is conditional: with no reaction yet, the second look sends the ETag (a free 304).
  EXPECT_TRUE(github.wait_for([](const auto& c) {
    for (const auto& call : matching(c, "GET", "/reactions"))
      if (call.headers.count("if-none-match")) return true;
    return false;
  }));
  // Two of three sponsors approve: 20000 of 25000 is at least two thirds, so it passes early.
  github.set_reactions(vote_id, {{11, "+1"}, {12, "+1"}, {99, "-1"}});
  ASSERT_TRUE(eventually([&] {
    const auto b = peek(gh);
    return !b.is_null() && b.at("milestones").at(0).at("state").as_string() == "released";
  }));
  const auto b = bounty(gh);
  EXPECT_EQ(b.at("state").as_string(), "accepted");
  EXPECT_EQ(b.at("held").as_int64(), 20000);
  EXPECT_EQ(b.at("milestones").at(0).at("released").as_int64(), 5000);
  // 5000 released: 5% platform fee (250), the rest 70/30.
  EXPECT_EQ(payable("github", 31), 3325);
  EXPECT_EQ(payable("github", 32), 1425);
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'platform:fees'"), "250");
}

TEST_F(Lifecycle, GitLabStoryRejectionsDisputeAndOperatorRefund) {
  service = std::make_unique<testing::service_process>(env());
  deposit("gitlab", 21, 10000, "w-21", "EUR");
  deposit("gitlab", 22, 5000, "w-22", "EUR");
  deliver_gitlab(testing::gitlab_note("/pledge 100 EUR", 21, "alice", 17, 2001), "n-1");
  deliver_gitlab(testing::gitlab_note("/pledge €50", 22, "bob", 17, 2002), "n-2");
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'") == "2"; }));

  // A developer (access level 30) adds the label: reverted.
  auto label = [&](std::int64_t user, const std::string& name, const std::string& id) {
    return service->request("POST", "/webhooks/gitlab", testing::gitlab_labels(user, name, 17, {}, {"bounty: accepted"}),
                            {{"X-Gitlab-Event", "Issue Hook"}, {"X-Gitlab-Token", gitlab_token}, {"X-Gitlab-Event-UUID", id}});
  };
  EXPECT_EQ(label(21, "alice", "l-1").status, 202u);
  ASSERT_TRUE(gitlab.wait_for([](const auto& c) { return any_body_contains(c, "PUT", "/projects/5/issues/17", "remove_labels"); }));
  EXPECT_EQ(state(gl), "open");
  label(1001, "maint", "l-2");
  ASSERT_TRUE(eventually([&] { return state(gl) == "accepted"; }));

  auto emoji = [&](std::int64_t user, std::int64_t note, const std::string& name, const std::string& id) {
    return service->request("POST", "/webhooks/gitlab", testing::gitlab_emoji(user, "alice", 17, note, name, true),
                            {{"X-Gitlab-Event", "Emoji Hook"}, {"X-Gitlab-Token", gitlab_token}, {"X-Gitlab-Event-UUID", id}});
  };
  for (int round = 1; round <= 2; ++round) {
    deliver_gitlab(testing::gitlab_note("/bounty submit https://example.com/mr/" + std::to_string(round), 30, "dev", 17,
                                        3000 + round), "sub-" + std::to_string(round));
    const auto note = vote_comment(round);
    ASSERT_GT(note, 0);
    // Alice holds 10000 of 15000: more than a third rejecting rejects at once.
    EXPECT_EQ(emoji(21, note, "thumbsdown", "e-" + std::to_string(round)).status, 202u);
    ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM votes WHERE state = 'rejected'") == std::to_string(round); }));
  }
  ASSERT_TRUE(eventually([&] { return peek(gl).at("disputed").as_bool(); }));
  EXPECT_EQ(held(gl), 15000);

  const auto resolve = [&](const std::string& body) {
    return service->request("POST", "/api/v1/admin/bounties/gitlab/gitlab-org/gitlab-test/17/resolve", body,
                            {{"Authorization", "Bearer " + admin_token}});
  };
  EXPECT_EQ(resolve(R"({"action":"refund"})").status, 400u);
  EXPECT_EQ(resolve(R"({"action":"refund","reason":"the work never matched the issue"})").status, 200u);
  EXPECT_EQ(resolve(R"({"action":"refund","reason":"again"})").status, 409u);
  EXPECT_EQ(state(gl), "cancelled");
  EXPECT_EQ(available("gitlab", 21, "EUR"), 10000);
  EXPECT_EQ(available("gitlab", 22, "EUR"), 5000);
}

TEST_F(Lifecycle, GitLabStoryAcceptVoteByEmojiAndReleaseWithFeeAndSplit) {
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_PROJECT_FEE_BPS", "1000"}}));
  deposit("gitlab", 21, 9000, "w-21", "EUR");
  deposit("gitlab", 22, 6000, "w-22", "EUR");
  deposit("gitlab", 23, 3000, "w-23", "EUR");
  deliver_gitlab(testing::gitlab_note("/pledge 90 EUR", 21, "alice", 17, 2001), "n-1");
  deliver_gitlab(testing::gitlab_note("/pledge €60", 22, "bob", 17, 2002), "n-2");
  deliver_gitlab(testing::gitlab_note("/pledge 30", 23, "carol", 17, 2003), "n-3");
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'") == "3"; }));
  // A developer's label is reverted, a maintainer's accepts.
  auto label = [&](std::int64_t user, const std::string& name, const std::string& id) {
    return service->request("POST", "/webhooks/gitlab", testing::gitlab_labels(user, name, 17, {}, {"bounty: accepted"}),
                            {{"X-Gitlab-Event", "Issue Hook"}, {"X-Gitlab-Token", gitlab_token}, {"X-Gitlab-Event-UUID", id}});
  };
  label(23, "carol", "l-1");
  ASSERT_TRUE(gitlab.wait_for([](const auto& c) { return any_body_contains(c, "PUT", "/projects/5/issues/17", "remove_labels"); }));
  EXPECT_EQ(state(gl), "open");
  label(1001, "maint", "l-2");
  ASSERT_TRUE(eventually([&] { return state(gl) == "accepted"; }));
  // Two assignees; the second speaks first so the bot knows the login behind its id.
  const std::vector<std::int64_t> assignees{31, 32};
  deliver_gitlab(testing::gitlab_note("/bounty status", 32, "dev2", 17, 3001, assignees), "a-1");
  deliver_gitlab(testing::gitlab_note("/bounty split @dev1 70 @dev2 30", 31, "dev1", 17, 3002, assignees), "a-2");
  deliver_gitlab(testing::gitlab_note("/bounty submit https://example.com/mr/1", 31, "dev1", 17, 3003, assignees), "a-3");
  const auto note = vote_comment();
  ASSERT_GT(note, 0);
  // Alice (9000) and bob (6000) of 18000 approve: 15000 is at least two thirds.
  for (auto [user, id] : {std::pair{21, "e-1"}, std::pair{22, "e-2"}}) {
    service->request("POST", "/webhooks/gitlab", testing::gitlab_emoji(user, "sponsor", 17, note, "thumbsup", true),
                     {{"X-Gitlab-Event", "Emoji Hook"}, {"X-Gitlab-Token", gitlab_token}, {"X-Gitlab-Event-UUID", id}});
  }
  ASSERT_TRUE(eventually([&] { return state(gl) == "completed"; }));
  // 18000 released: a 10% project fee (1800), the rest 70/30.
  EXPECT_EQ(payable("gitlab", 31, "EUR"), 11340);
  EXPECT_EQ(payable("gitlab", 32, "EUR"), 4860);
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'project:gitlab:gitlab-org/gitlab-test:fees'"), "1800");
  EXPECT_EQ(held(gl), 0);
}

TEST_F(Lifecycle, GitLabMergedMergeRequestSubmitsForItsAuthorAndAGitLabCloseCountsAsCompleted) {
  service = std::make_unique<testing::service_process>(env());
  deposit("gitlab", 21, 9000, "w-21", "EUR");
  deliver_gitlab(testing::gitlab_note("/pledge 90 EUR", 21, "alice", 17, 2001), "n-1");
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'") == "1"; }));
  // The merge request hook of GitLab's documentation, merged, with "Closes #17" in its description.
  json::object mr{{"object_kind", "merge_request"},
                  {"event_type", "merge_request"},
                  {"user", json::object{{"id", 40}, {"name", "Dev"}, {"username", "dev"}}},
                  {"project", json::parse(testing::gitlab_note("x")).at("project")},
                  {"object_attributes", json::object{{"id", 99}, {"iid", 1}, {"author_id", 40}, {"action", "merge"},
                                                     {"state", "merged"}, {"description", "Closes #17"},
                                                     {"url", "http://example.com/gitlab-org/gitlab-test/-/merge_requests/1"}}}};
  EXPECT_EQ(service->request("POST", "/webhooks/gitlab", json::serialize(mr),
                             {{"X-Gitlab-Event", "Merge Request Hook"}, {"X-Gitlab-Token", gitlab_token},
                              {"X-Gitlab-Event-UUID", "mr-1"}}).status, 202u);
  ASSERT_TRUE(eventually([&] { return state(gl) == "voting"; }));
  EXPECT_EQ(db.scalar("SELECT login FROM vote_solvers"), "dev");
  // The merge closes the issue: after a merged MR, that close is "completed", not a cancellation.
  auto close = json::parse(testing::gitlab_labels(40, "dev", 17, {}, {}));
  close.as_object()["object_attributes"].as_object()["action"] = "close";
  close.as_object()["object_attributes"].as_object()["state"] = "closed";
  close.as_object().erase("changes");
  EXPECT_EQ(service->request("POST", "/webhooks/gitlab", json::serialize(close),
                             {{"X-Gitlab-Event", "Issue Hook"}, {"X-Gitlab-Token", gitlab_token},
                              {"X-Gitlab-Event-UUID", "close-1"}}).status, 202u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT outcome FROM inbox WHERE delivery_id = 'close-1'") == "done"; }));
  EXPECT_EQ(state(gl), "voting");
  EXPECT_EQ(held(gl), 9000);
}

TEST_F(Lifecycle, PledgeDeadlineRefundsItsRemainderAndExpiresTheBounty) {
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_PLEDGE_TTL", "2s"}}));
  deposit("github", 11, 10000, "w-11");
  pledge_github(11, "sponsor1", "$40", 101);
  ASSERT_TRUE(eventually([&] { return held(gh) == 4000; }));
  ASSERT_TRUE(eventually([&] { return state(gh) == "expired"; }, std::chrono::seconds(15)));
  EXPECT_EQ(available("github", 11), 10000);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'refund'"), "1");
}

TEST_F(Lifecycle, ADeadlineThatFallsWhileTheServiceIsDownFiresOnceAfterRestart) {
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_PLEDGE_TTL", "3s"}}));
  deposit("github", 11, 10000, "w-11");
  pledge_github(11, "sponsor1", "$40", 101);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM timers") == "1"; }));
  service->kill_hard();
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM timers WHERE due_at <= now()") == "1"; }, std::chrono::seconds(10)));
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_PLEDGE_TTL", "3s"}}));
  ASSERT_TRUE(eventually([&] { return state(gh) == "expired"; }));
  auto second = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_PLEDGE_TTL", "3s"}}));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'refund'"), "1");
  EXPECT_EQ(available("github", 11), 10000);
}

TEST_F(Lifecycle, ARestartDuringAnOpenVoteLosesNothingAndReleasesOnce) {
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_REACTION_POLL", "5s"}}));
  deposit("github", 11, 10000, "w-11");
  pledge_github(11, "sponsor1", "$100", 101);
  deliver_github(testing::github_label_event("labeled", "bounty: accepted", 21, "maint1"), "label-1", "issues");
  ASSERT_TRUE(eventually([&] { return state(gh) == "accepted"; }));
  deliver_github(testing::github_comment_assigned("/bounty submit", 40, "solver", 300, {}), "sub-1");
  const auto vote_id = vote_comment();
  service->kill_hard();
  github.set_reactions(vote_id, {{11, "+1"}});
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_REACTION_POLL", "5s"}}));
  ASSERT_TRUE(eventually([&] { return state(gh) == "completed"; }));
  EXPECT_EQ(payable("github", 40), 10000);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'release'"), "1");
}

TEST_F(Lifecycle, MaintainerCancelRefundsAndOthersAreRefused) {
  service = std::make_unique<testing::service_process>(env());
  deposit("github", 11, 10000, "w-11");
  pledge_github(11, "sponsor1", "$60", 101);
  ASSERT_TRUE(eventually([&] { return held(gh) == 6000; }));
  deliver_github(testing::github_comment("/bounty cancel", 11, "sponsor1", 1, 102), "c-1");
  ASSERT_TRUE(github.wait_for([](const auto& c) { return has_reaction(c, 102, "confused"); }));
  EXPECT_TRUE(any_body_contains(github.calls(), "POST", "/issues/1/comments", "only maintainers"));
  deliver_github(testing::github_comment("/bounty cancel", 21, "maint1", 1, 103), "c-2");
  ASSERT_TRUE(eventually([&] { return state(gh) == "cancelled"; }));
  EXPECT_EQ(available("github", 11), 10000);
}

TEST_F(Lifecycle, IssueClosedAsNotPlannedCancelsAndRefunds) {
  service = std::make_unique<testing::service_process>(env());
  deposit("github", 11, 10000, "w-11");
  pledge_github(11, "sponsor1", "$60", 101);
  ASSERT_TRUE(eventually([&] { return held(gh) == 6000; }));
  deliver_github(testing::github_issue_closed("not_planned", {}), "close-1", "issues");
  ASSERT_TRUE(eventually([&] { return state(gh) == "cancelled"; }));
  EXPECT_EQ(available("github", 11), 10000);
}

TEST_F(Lifecycle, IssueClosedAsCompletedSubmitsTheRemainingMilestonesForTheAssignees) {
  service = std::make_unique<testing::service_process>(env());
  deposit("github", 11, 10000, "w-11");
  pledge_github(11, "sponsor1", "$60", 101);
  ASSERT_TRUE(eventually([&] { return held(gh) == 6000; }));
  deliver_github(testing::github_issue_closed("completed", {{31, "dev1"}}), "close-1", "issues");
  ASSERT_TRUE(eventually([&] { return state(gh) == "voting"; }));
  EXPECT_EQ(db.scalar("SELECT login FROM vote_solvers"), "dev1");
  EXPECT_EQ(bounty(gh).at("vote").at("release").as_int64(), 6000);
}

TEST_F(Lifecycle, AMergedPullRequestThatClosesTheIssueSubmitsForItsAuthor) {
  service = std::make_unique<testing::service_process>(env());
  deposit("github", 11, 10000, "w-11");
  pledge_github(11, "sponsor1", "$60", 101);
  ASSERT_TRUE(eventually([&] { return held(gh) == 6000; }));
  deliver_github(testing::github_pull_request_merged(77, "contributor", "Spelling fix.\n\nFixes #1"), "pr-1", "pull_request");
  ASSERT_TRUE(eventually([&] { return state(gh) == "voting"; }));
  EXPECT_EQ(db.scalar("SELECT login FROM vote_solvers"), "contributor");
  EXPECT_EQ(db.scalar("SELECT url FROM votes"), "https://github.com/Codertocat/Hello-World/pull/2");
}

TEST_F(Lifecycle, AVoteClosesAtItsCloseTimeAndSilenceApproves) {
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_VOTE_WINDOW", "2s"}}));
  deposit("github", 11, 10000, "w-11");
  pledge_github(11, "sponsor1", "$100", 101);
  deliver_github(testing::github_label_event("labeled", "bounty: accepted", 21, "maint1"), "label-1", "issues");
  ASSERT_TRUE(eventually([&] { return state(gh) == "accepted"; }));
  deliver_github(testing::github_comment_assigned("/bounty submit", 40, "solver", 300, {}), "sub-1");
  ASSERT_TRUE(eventually([&] { return state(gh) == "completed"; }, std::chrono::seconds(15)));
  EXPECT_EQ(payable("github", 40), 10000);
}

}  // namespace
}  // namespace bountybot
