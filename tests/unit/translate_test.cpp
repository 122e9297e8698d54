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

// Ids that name nothing on the platform never create bounties or pledges: the delivery fails
// with the reason.
TEST(GitHubTranslate, ImplausibleIdsAndLoginsRaisePayloadErrors) {
  const std::vector<std::pair<std::string, boost::json::value>> bad = {
      {"issue.number", json::value(0)},       {"issue.number", json::value(-3)},
      {"comment.user.id", json::value(0)},    {"comment.user.id", json::value(-1)},
      {"repository.id", json::value(0)},      {"comment.id", json::value(-5)},
      {"comment.user.login", json::value("a b")},
      {"comment.user.login", json::value(json::string(std::string_view("n\0two", 5)))},
      {"comment.user.login", json::value("**@octocat**")}};
  for (const auto& [path, value] : bad) {
    auto payload = json::parse(testing::github_comment("/pledge 5"));
    auto* at = &payload;
    std::string rest = path;
    for (auto dot = rest.find('.'); dot != std::string::npos; dot = rest.find('.')) {
      at = &at->as_object()[rest.substr(0, dot)];
      rest = rest.substr(dot + 1);
    }
    at->as_object()[rest] = value;
    try {
      github::translate("issue_comment", payload, {});
      ADD_FAILURE() << path << " = " << json::serialize(value) << " was accepted";
    } catch (const adapters::payload_error& e) {
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
  }
}

TEST(GitLabTranslate, ImplausibleIdsRaisePayloadErrors) {
  for (const auto& [path, value] : std::vector<std::pair<std::string, std::int64_t>>{
           {"issue", 0}, {"user", -1}, {"project", 0}}) {
    auto payload = json::parse(testing::gitlab_note("/pledge 5"));
    payload.as_object()[path].as_object()[path == "issue" ? "iid" : "id"] = value;
    EXPECT_THROW(gitlab::translate("Note Hook", payload, {}), adapters::payload_error) << path;
  }
}

// The cause names the event from what the platform signed: the same body under any delivery id
// has the same cause; another event has another.
TEST(Translate, TheCauseComesFromTheSignedBodyNotTheDelivery) {
  const auto body = testing::github_comment("/pledge 5", 21031067, "Codertocat", 1, 4242);
  const auto a = std::get<bot::comment_posted>(github::translate("issue_comment", json::parse(body), {}));
  EXPECT_EQ(a.cause, "github:comment:4242");
  const auto label = [](const std::string& json_text) {
    return std::get<bot::labels_changed>(github::translate("issues", json::parse(json_text), {})).cause;
  };
  const auto l1 = testing::github_label_event("labeled", "bounty: accepted", 21, "maint");
  const auto l2 = testing::github_label_event("labeled", "bounty: accepted", 21, "maint");
  EXPECT_EQ(label(l1), label(l1));
  EXPECT_NE(label(l1), label(l2));  // labeled again later: a new event
  EXPECT_NE(label(l1), label(testing::github_label_event("unlabeled", "bounty: accepted", 21, "maint")));
  const auto note = std::get<bot::comment_posted>(
      gitlab::translate("Note Hook", json::parse(testing::gitlab_note("/pledge 5", 1, "root", 17, 777)), {}));
  EXPECT_EQ(note.cause, "gitlab:note:777");
  const auto award = [](bool awarded, std::int64_t note) {
    return std::get<bot::reaction_changed>(
        gitlab::translate("Emoji Hook", json::parse(testing::gitlab_emoji(1, "root", 17, note, "thumbsup", awarded)), {}));
  };
  EXPECT_TRUE(award(true, 5).cause.starts_with("gitlab:award:"));
  EXPECT_TRUE(award(true, 5).cause.ends_with(":award"));
  EXPECT_TRUE(award(false, 5).cause.ends_with(":revoke"));
}

// GitLab's `updated_at` has whole seconds: two label changes within one are two events.
TEST(GitLabTranslate, TwoLabelChangesInOneSecondHaveTwoCauses) {
  auto add = json::parse(testing::gitlab_labels(40, "maint", 17, {}, {"bounty: accepted"}));
  auto remove = json::parse(testing::gitlab_labels(41, "reporter", 17, {"bounty: accepted"}, {}));
  remove.as_object()["object_attributes"].as_object()["updated_at"] = add.at("object_attributes").at("updated_at");
  const auto cause = [](const json::value& v) { return std::get<bot::labels_changed>(gitlab::translate("Issue Hook", v, {})).cause; };
  EXPECT_NE(cause(add), cause(remove));
  EXPECT_EQ(cause(add), cause(add));
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
