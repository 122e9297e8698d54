// The pages in a real browser: each test starts the service and the fakes, then runs a
// Playwright script (tests/fixtures/browser/) that drives Debian's Chromium as a visitor would.
// Screenshots go to the build's test-artifacts/screenshots/.
#include "tests/e2e/service_fixture.hpp"

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
                                                              {"BOUNTYBOT_GITHUB_CLIENT_SECRET", "gh-client-secret"}}));
  }

  /// Runs `tests/fixtures/browser/<script>` with node against the service: its exit code and output.
  testing::command_result run_script(const std::string& script) {
    const std::string command = "BOUNTYBOT_URL='" + service->base_url() + "' BOUNTYBOT_SCREENSHOTS='" +
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
};

TEST_F(Browser, SignInSeeYourMoneyCreateUseAndRevokeAToken) {
  ASSERT_EQ(deposit("github", 583231, 2500, "wire-browser").status, 201u);
  const auto r = run_script("sign_in.mjs");
  EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace bountybot
