// Intake decisions: every status code of SPEC §8 that does not need the database.
#include "tests/support/payloads.hpp"
#include "webhooks/intake.hpp"

#include <gtest/gtest.h>

namespace bountybot::webhooks {
namespace {

const std::string secret = "webhook-secret";

std::map<std::string, std::string> github_headers(const std::string& body, const std::string& event = "issue_comment") {
  return {{"x-github-event", event},
          {"x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"},
          {"x-hub-signature-256", testing::github_signature(secret, body)}};
}

TEST(GitHubIntake, SignedIssueCommentIsStored) {
  const auto body = testing::github_comment("/pledge $50");
  const auto d = decide_github(secret, github_headers(body), body);
  EXPECT_EQ(d.status, 202u);
  ASSERT_TRUE(d.store);
  EXPECT_EQ(d.store->delivery_id, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  EXPECT_EQ(d.store->payload, body);
}

TEST(GitHubIntake, BadOrMissingSignatureIs401) {
  const auto body = testing::github_comment("/pledge $50");
  auto h = github_headers(body);
  h["x-hub-signature-256"] = testing::github_signature("wrong", body);
  EXPECT_EQ(decide_github(secret, h, body).status, 401u);
  h.erase("x-hub-signature-256");
  EXPECT_EQ(decide_github(secret, h, body).status, 401u);
  EXPECT_FALSE(decide_github(secret, h, body).store);
}

TEST(GitHubIntake, MissingHeadersAre400) {
  const auto body = testing::github_comment("/pledge $50");
  for (const char* missing : {"x-github-event", "x-github-delivery"}) {
    auto h = github_headers(body);
    h.erase(missing);
    EXPECT_EQ(decide_github(secret, h, body).status, 400u) << missing;
  }
}

TEST(GitHubIntake, ADeliveryIdThatIsNotVisibleAsciiIs400) {
  // The id header is not signed; an id PostgreSQL cannot store as text would fail its batch.
  const auto body = testing::github_comment("/pledge $50");
  for (const std::string& id : {std::string("id\xff\xfe"), std::string("two words"), std::string("nul\0x", 5)}) {
    auto h = github_headers(body);
    h["x-github-delivery"] = id;
    const auto d = decide_github(secret, h, body);
    EXPECT_EQ(d.status, 400u);
    EXPECT_FALSE(d.store);
  }
}

TEST(GitHubIntake, MalformedJsonIs400) {
  for (const std::string body : {"{\"action\": ", "[1, 2]", "{} {}", "{\"a\": 1,}", "\"text\"", "", "{\"a\": nul}"}) {
    EXPECT_EQ(decide_github(secret, github_headers(body), body).status, 400u) << body;
  }
  const std::string ok = "{\"a\": [1, {\"b\": null}], \"c\": \"\\u00e9\"}";
  EXPECT_EQ(decide_github(secret, github_headers(ok, "star"), ok).status, 200u);
}

TEST(GitHubIntake, PingAndIgnoredEventsAre200AndNotStored) {
  const auto ping = boost::json::serialize(testing::github_example("ping", ""));
  auto d = decide_github(secret, github_headers(ping, "ping"), ping);
  EXPECT_EQ(d.status, 200u);
  EXPECT_FALSE(d.store);
  const auto star = std::string(R"({"action":"created"})");
  d = decide_github(secret, github_headers(star, "star"), star);
  EXPECT_EQ(d.status, 200u);
  EXPECT_FALSE(d.store);
}

std::map<std::string, std::string> gitlab_headers() {
  return {{"x-gitlab-event", "Note Hook"},
          {"x-gitlab-token", "gl-token"},
          {"x-gitlab-event-uuid", "13792a34-cac6-4fda-95a8-c58e00a3954e"}};
}

TEST(GitLabIntake, NoteHookWithTokenIsStored) {
  const auto body = testing::gitlab_note("/pledge 5");
  const auto d = decide_gitlab("gl-token", gitlab_headers(), body);
  EXPECT_EQ(d.status, 202u);
  ASSERT_TRUE(d.store);
  EXPECT_EQ(d.store->delivery_id, "13792a34-cac6-4fda-95a8-c58e00a3954e");
}

TEST(GitLabIntake, IdempotencyKeyIsTheFallbackDeliveryId) {
  auto h = gitlab_headers();
  h.erase("x-gitlab-event-uuid");
  h["idempotency-key"] = "key-1";
  const auto d = decide_gitlab("gl-token", h, testing::gitlab_note("/support"));
  ASSERT_TRUE(d.store);
  EXPECT_EQ(d.store->delivery_id, "key-1");
  h.erase("idempotency-key");
  EXPECT_EQ(decide_gitlab("gl-token", h, testing::gitlab_note("/support")).status, 400u);
}

TEST(GitLabIntake, ADeliveryIdThatIsNotVisibleAsciiIs400) {
  auto h = gitlab_headers();
  h["x-gitlab-event-uuid"] = "bad\x80";
  EXPECT_EQ(decide_gitlab("gl-token", h, testing::gitlab_note("/support")).status, 400u);
}

TEST(GitLabIntake, BadTokenIs401AndMalformedJsonIs400) {
  auto h = gitlab_headers();
  h["x-gitlab-token"] = "nope";
  EXPECT_EQ(decide_gitlab("gl-token", h, testing::gitlab_note("x")).status, 401u);
  h.erase("x-gitlab-token");
  EXPECT_EQ(decide_gitlab("gl-token", h, testing::gitlab_note("x")).status, 401u);
  EXPECT_EQ(decide_gitlab("gl-token", gitlab_headers(), "[1,").status, 400u);
  auto other = gitlab_headers();
  other["x-gitlab-event"] = "Pipeline Hook";
  EXPECT_EQ(decide_gitlab("gl-token", other, "{}").status, 200u);
}

}  // namespace
}  // namespace bountybot::webhooks
