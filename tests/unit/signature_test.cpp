// Webhook authenticity (SPEC §8): GitHub HMAC-SHA256 and GitLab tokens.
#include "webhooks/signature.hpp"

#include <gtest/gtest.h>

namespace bountybot::webhooks {
namespace {

TEST(Signature, MatchesGitHubsDocumentedExample) {
  // From GitHub's "Validating webhook deliveries": secret "It's a Secret to Everybody",
  // payload "Hello, World!".
  EXPECT_EQ(hmac_sha256_hex("It's a Secret to Everybody", "Hello, World!"),
            "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
  EXPECT_TRUE(verify_github_signature("It's a Secret to Everybody", "Hello, World!",
                                      "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
}

TEST(Signature, RejectsTamperingWrongSecretAndMalformedHeaders) {
  const std::string sig = "sha256=" + hmac_sha256_hex("s3cret", "{}");
  EXPECT_TRUE(verify_github_signature("s3cret", "{}", sig));
  EXPECT_FALSE(verify_github_signature("s3cret", "{} ", sig));
  EXPECT_FALSE(verify_github_signature("other", "{}", sig));
  EXPECT_FALSE(verify_github_signature("s3cret", "{}", sig.substr(7)));
  EXPECT_FALSE(verify_github_signature("s3cret", "{}", "sha1=" + sig.substr(7)));
  EXPECT_FALSE(verify_github_signature("s3cret", "{}", ""));
  EXPECT_FALSE(verify_github_signature("", "{}", "sha256=" + hmac_sha256_hex("", "{}")));
}

TEST(Signature, GitLabTokenMustEqualTheSecret) {
  EXPECT_TRUE(verify_gitlab_token("tok", "tok"));
  EXPECT_FALSE(verify_gitlab_token("tok", "tok2"));
  EXPECT_FALSE(verify_gitlab_token("tok", ""));
  EXPECT_FALSE(verify_gitlab_token("", ""));
}

}  // namespace
}  // namespace bountybot::webhooks
