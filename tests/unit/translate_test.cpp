// Platform payloads -> domain events, on real payload shapes.
#include "adapters/github/events.hpp"
#include "adapters/gitlab/events.hpp"
#include "adapters/json_util.hpp"
#include "tests/support/payloads.hpp"

#include <gtest/gtest.h>

namespace bountybot {
namespace {
namespace json = boost::json;

TEST(GitHubTranslate, IssueCommentCreatedBecomesACommentOnTheIssue) {
  const auto payload = json::parse(testing::github_comment("/pledge $50", 21031067, "Codertocat", 1, 492700400));
  const auto e = github::translate("issue_comment", payload, {});
  const auto* c = std::get_if<bot::comment_posted>(&e);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->issue.platform, "github");
  EXPECT_EQ(c->issue.repository_id, 186853002);
  EXPECT_EQ(c->issue.repository_path, "Codertocat/Hello-World");
  EXPECT_EQ(c->issue.number, 1);
  EXPECT_EQ(c->issue.key(), "github:Codertocat/Hello-World#1");
  EXPECT_EQ(c->author.id, 21031067);
  EXPECT_EQ(c->comment_id, 492700400);
  EXPECT_EQ(c->body, "/pledge $50");
  EXPECT_FALSE(c->by_bot);
}

TEST(GitHubTranslate, EditsDeletionsAndPullRequestCommentsDoNothing) {
  for (const char* action : {"edited", "deleted"}) {
    const auto e = github::translate("issue_comment", testing::github_example("issue_comment", action), {});
    EXPECT_TRUE(std::holds_alternative<std::monostate>(e)) << action;
  }
  auto pr = json::parse(testing::github_comment("/pledge 5"));
  pr.as_object()["issue"].as_object()["pull_request"] = json::object{{"url", "https://api.github.com/x"}};
  EXPECT_TRUE(std::holds_alternative<std::monostate>(github::translate("issue_comment", pr, {})));
}

TEST(GitHubTranslate, BotsAndTheServiceItselfAreMarked) {
  auto bot = json::parse(testing::github_comment("/pledge 5"));
  bot.as_object()["comment"].as_object()["user"].as_object()["type"] = "Bot";
  EXPECT_TRUE(std::get<bot::comment_posted>(github::translate("issue_comment", bot, {})).by_bot);
  auto self = json::parse(testing::github_comment("/pledge 5", 99, "bountybot-account"));
  EXPECT_TRUE(std::get<bot::comment_posted>(github::translate("issue_comment", self, {"bountybot-account"})).by_bot);
  auto marked = json::parse(testing::github_comment("<!-- bountybot -->\n/pledge 5"));
  EXPECT_TRUE(std::get<bot::comment_posted>(github::translate("issue_comment", marked, {})).by_bot);
}

TEST(GitHubTranslate, MissingFieldsRaisePayloadErrors) {
  auto broken = json::parse(testing::github_comment("/pledge 5"));
  broken.as_object()["repository"].as_object().erase("id");
  EXPECT_THROW(github::translate("issue_comment", broken, {}), adapters::payload_error);
}

TEST(GitLabTranslate, NoteOnIssueBecomesACommentOnTheIssue) {
  const auto payload = json::parse(testing::gitlab_note("/pledge 5 EUR", 7, "alice", 17, 1241));
  const auto e = gitlab::translate("Note Hook", payload, {});
  const auto* c = std::get_if<bot::comment_posted>(&e);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->issue.key(), "gitlab:gitlab-org/gitlab-test#17");
  EXPECT_EQ(c->issue.repository_id, 5);
  EXPECT_EQ(c->issue.url, "http://example.com/gitlab-org/gitlab-test/-/issues/17");
  EXPECT_EQ(c->author.id, 7);
  EXPECT_EQ(c->author.login, "alice");
  EXPECT_EQ(c->comment_id, 1241);
}

TEST(GitLabTranslate, UpdatesSystemNotesAndMergeRequestNotesDoNothing) {
  auto upd = json::parse(testing::gitlab_note("/pledge 5"));
  upd.as_object()["object_attributes"].as_object()["action"] = "update";
  EXPECT_TRUE(std::holds_alternative<std::monostate>(gitlab::translate("Note Hook", upd, {})));
  auto sys = json::parse(testing::gitlab_note("/pledge 5"));
  sys.as_object()["object_attributes"].as_object()["system"] = true;
  EXPECT_TRUE(std::holds_alternative<std::monostate>(gitlab::translate("Note Hook", sys, {})));
  auto mr = json::parse(testing::gitlab_note("/pledge 5"));
  mr.as_object()["object_attributes"].as_object()["noteable_type"] = "MergeRequest";
  EXPECT_TRUE(std::holds_alternative<std::monostate>(gitlab::translate("Note Hook", mr, {})));
}

TEST(GitLabTranslate, AccessTokenBotUsersAreBots) {
  EXPECT_TRUE(gitlab::is_token_bot_username("project_5_bot_3f2a"));
  EXPECT_TRUE(gitlab::is_token_bot_username("group_12_bot"));
  EXPECT_FALSE(gitlab::is_token_bot_username("project_manager"));
  const auto payload = json::parse(testing::gitlab_note("/pledge 5", 50, "project_5_bot_ab12"));
  EXPECT_TRUE(std::get<bot::comment_posted>(gitlab::translate("Note Hook", payload, {})).by_bot);
}

}  // namespace
}  // namespace bountybot
