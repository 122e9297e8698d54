// The pages in a real browser: each test starts the service and the fakes, then runs a
// Playwright script (tests/fixtures/browser/) that drives Debian's Chromium as a visitor would.
// Screenshots go to the build's test-artifacts/screenshots/.
#include "tests/e2e/service_fixture.hpp"
#include "tests/support/fake_stripe.hpp"

#include <array>
#include <cstdio>

namespace bountybot {
namespace {

const std::string secret_key = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";

class Browser : public Service {
 protected:
  void SetUp() override {
    github.set_oauth_user(583231, "octocat");
    // No public URL: it follows the listener, so the browser comes back to this service.
    service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_PUBLIC_URL", ""},
                                                              {"BOUNTYBOT_SECRET_KEY", secret_key},
                                                              {"BOUNTYBOT_GITHUB_WEB_URL", github.base_url()},
                                                              {"BOUNTYBOT_GITHUB_CLIENT_ID", "gh-client"},
                                                              {"BOUNTYBOT_GITHUB_CLIENT_SECRET", "gh-client-secret"},
                                                              {"BOUNTYBOT_STRIPE_SECRET_KEY", "sk_test_fake_key"},
                                                              {"BOUNTYBOT_STRIPE_WEBHOOK_SECRET", "whsec_browser"},
                                                              {"BOUNTYBOT_STRIPE_API_URL", stripe.base_url()},
                                                              {"BOUNTYBOT_CARD_FEE_BPS", "290"},
                                                              {"BOUNTYBOT_CARD_FEE_FIXED", "30"},
                                                              {"BOUNTYBOT_VOTE_WINDOW", "2s"}}));
    stripe.set_webhook_url(service->base_url() + "/webhooks/stripe");
  }

  /// Runs `tests/fixtures/browser/<script>` with node against the service: its exit code and output.
  testing::command_result run_script(const std::string& script, const std::string& extra_env = "") {
    const std::string command = extra_env + " BOUNTYBOT_URL='" + service->base_url() + "' BOUNTYBOT_SCREENSHOTS='" +
                                BOUNTYBOT_ARTIFACTS_DIR "/screenshots' node '" BOUNTYBOT_SOURCE_DIR
                                "/tests/fixtures/browser/" + script + "' 2>&1";
    std::string output;
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) return {127, "cannot run node"};
    std::array<char, 4096> buf{};
    while (std::fgets(buf.data(), buf.size(), pipe) != nullptr) output += buf.data();
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, output};
  }

  testing::fake_stripe stripe{"whsec_browser"};
};

TEST_F(Browser, AVisitorPagesSortsAndOpensTheBountiesWithTheirChartAndBadge) {
  ASSERT_EQ(deposit("github", 21031067, 100000, "wire-list").status, 201u);
  for (int i = 1; i <= 22; ++i) {
    ASSERT_EQ(deliver_github(testing::github_comment("/pledge $" + std::to_string(i), 21031067, "Codertocat", i),
                             "list-" + std::to_string(i)).status, 202u);
  }
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'") == "22"; }));
  const auto r = run_script("bounties.mjs");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

TEST_F(Browser, SignInSeeYourMoneyCreateUseAndRevokeAToken) {
  ASSERT_EQ(deposit("github", 583231, 2500, "wire-browser").status, 201u);
  const auto r = run_script("sign_in.mjs");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace bountybot

namespace bountybot {
namespace {

TEST_F(Browser, ASponsorWithoutFundsPaysFromTheBotsLinkAndThePledgeIsHeld) {
  ASSERT_EQ(deliver_github(testing::github_comment("/pledge $50", 21031067, "Codertocat", 1, 777), "b-1").status, 202u);
  std::string link;
  ASSERT_TRUE(github.wait_for([&](const auto& calls) {
    for (const auto& c : matching(calls, "POST", "/issues/1/comments")) {
      const auto at = c.body.find(service->base_url() + "/fund/");
      if (at == std::string::npos) continue;
      const auto end = c.body.find_first_not_of("0123456789", at + service->base_url().size() + 6);
      link = c.body.substr(at, end - at);
      return true;
    }
    return false;
  }));
  const auto r = run_script("fund.mjs", "BOUNTYBOT_FUND_LINK='" + link + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(db.scalar("SELECT state FROM pledges"), "held");
  EXPECT_EQ(bounty("github/Codertocat/Hello-World/1").at("held").as_int64(), 5000);
  EXPECT_EQ(matching(stripe.calls(), "POST", "/v1/checkout/sessions").size(), 1u);
  // The status comment was updated to show the held money.
  EXPECT_TRUE(github.wait_for([](const auto& calls) {
    for (const auto& c : calls)
      if (c.method == "PATCH" && c.body.find("$50.00") != std::string::npos) return true;
    return false;
  }));
}

}  // namespace
}  // namespace bountybot

namespace bountybot {
namespace {

TEST_F(Browser, ASolverIsPaidOutFromAReleasedMilestone) {
  ASSERT_EQ(deposit("github", 11, 10000, "w-11").status, 201u);
  deliver_github(testing::github_comment("/pledge $100", 11, "sponsor1", 1, 101), "pledge-101");
  deliver_github(testing::github_label_event("labeled", "bounty: accepted", 21, "maint1"), "label-1", "issues");
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT state FROM bounties") == "accepted"; }));
  deliver_github(testing::github_comment_assigned("/bounty submit", 40, "solver", 300, {}), "sub-1");
  ASSERT_TRUE(eventually([&] { return payable("github", 40) == 10000; }, std::chrono::seconds(15)));
  github.set_oauth_user(40, "solver");
  const auto r = run_script("payout.mjs");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(payable("github", 40), 0);
  EXPECT_EQ(matching(stripe.calls(), "POST", "/v1/transfers").size(), 1u);
  EXPECT_EQ(db.scalar("SELECT state FROM payouts"), "paid");
}

}  // namespace
}  // namespace bountybot
