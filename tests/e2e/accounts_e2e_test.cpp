// Signing in with GitHub and GitLab (SPEC §13) against the fake providers, as a browser would:
// cookies carried by hand, redirects followed one at a time, forms posted with their CSRF token.
#include "tests/e2e/service_fixture.hpp"
#include "tests/e2e/web_client.hpp"

#include "adapters/crypto.hpp"

#include <fstream>
#include <regex>
#include <sstream>

namespace bountybot {
namespace {

const std::string secret_key = "8f1e6f0c3b2a4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6";
const std::string github_client_secret = "gh-client-secret-for-tests";
const std::string gitlab_client_secret = "gl-client-secret-for-tests";
const std::string public_url = "https://bounty.example";

using testing::browser;

class SignIn : public Service {
 protected:
  void SetUp() override {
    github.set_oauth_user(583231, "octocat");
    gitlab.set_oauth_user(4242, "gl-sponsor");
    service = std::make_unique<testing::service_process>(
        env({{"BOUNTYBOT_SECRET_KEY", secret_key},
             {"BOUNTYBOT_GITHUB_WEB_URL", github.base_url()},
             {"BOUNTYBOT_GITHUB_CLIENT_ID", "gh-client"},
             {"BOUNTYBOT_GITHUB_CLIENT_SECRET", github_client_secret},
             {"BOUNTYBOT_GITLAB_CLIENT_ID", "gl-client"},
             {"BOUNTYBOT_GITLAB_CLIENT_SECRET", gitlab_client_secret},
             {"BOUNTYBOT_PUBLIC_URL", public_url}}),
        log_path());
  }

  static std::string log_path() {
    return std::string(::testing::TempDir()) + "/signin-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".log";
  }

  adapters::http_response get(browser& b, const std::string& target) { return b.get(*service, target); }
  adapters::http_response post(browser& b, const std::string& target, const std::string& form) {
    return b.post(*service, target, form);
  }
  std::string through_provider(testing::fake_platform& provider, const std::string& authorize_url) {
    return testing::through_provider(provider, authorize_url, public_url);
  }

  /// Signs in with `platform` from `/login/{platform}?next=...`: the callback's answer.
  adapters::http_response sign_in(browser& b, const std::string& platform, const std::string& next = "/me") {
    const auto start = get(b, "/login/" + platform + "?next=" + web_encode(next));
    EXPECT_EQ(start.status, 302u) << start.body;
    return get(b, through_provider(platform == "github" ? github : gitlab, start.header("location")));
  }

  static std::string web_encode(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
      if (std::isalnum(c)) out += static_cast<char>(c);
      else {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%%%02X", c);
        out += buf;
      }
    }
    return out;
  }

  static std::string csrf_of(const std::string& html) { return testing::hidden_input(html, "csrf"); }

  std::string log_text() const {
    std::ifstream in(log_path());
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_F(SignIn, GitHubSignInStartsASessionAndShowsTheUsersMoney) {
  ASSERT_EQ(deposit("github", 583231, 2500, "wire-1").status, 201u);
  browser b;
  const auto login = get(b, "/login?next=%2Fme");
  EXPECT_EQ(login.status, 200u);
  EXPECT_NE(login.body.find("href=\"/login/github?next=%2Fme\""), std::string::npos) << login.body;
  EXPECT_NE(login.body.find("Sign in with GitLab"), std::string::npos);

  const auto start = get(b, "/login/github?next=%2Fme");
  ASSERT_EQ(start.status, 302u);
  const auto authorize = start.header("location");
  EXPECT_TRUE(authorize.starts_with(github.base_url() + "/login/oauth/authorize?client_id=gh-client&redirect_uri="
                                    "https%3A%2F%2Fbounty.example%2Flogin%2Fgithub%2Fcallback&state="))
      << authorize;
  EXPECT_NE(start.header("set-cookie").find("bountybot_sign_in="), std::string::npos);
  EXPECT_NE(start.header("set-cookie").find("Path=/login; Max-Age=600; HttpOnly; SameSite=Lax; Secure"), std::string::npos);

  const auto callback = through_provider(github, authorize);
  const auto done = get(b, callback);
  ASSERT_EQ(done.status, 303u) << done.body;
  EXPECT_EQ(done.header("location"), "/me");
  EXPECT_NE(done.header("set-cookie").find("Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax; Secure"), std::string::npos)
      << done.header("set-cookie");
  ASSERT_TRUE(b.jar.contains("bountybot_session"));
  EXPECT_FALSE(b.jar.contains("bountybot_sign_in"));  // used up

  // The service traded the code with its secret, and read who signed in with the new token.
  const auto calls = github.calls();
  const auto trade = matching(calls, "POST", "/login/oauth/access_token");
  ASSERT_EQ(trade.size(), 1u);
  EXPECT_NE(trade[0].body.find("client_secret=" + github_client_secret), std::string::npos);
  EXPECT_EQ(trade[0].headers.at("accept"), "application/json");
  const auto user = matching(calls, "GET", "/user");
  ASSERT_EQ(user.size(), 1u);
  EXPECT_TRUE(user[0].headers.at("authorization").starts_with("Bearer gho_fake_"));
  const auto access_token = user[0].headers.at("authorization").substr(7);

  const auto me = get(b, "/me");
  ASSERT_EQ(me.status, 200u) << me.body;
  EXPECT_NE(me.body.find("<h1>octocat</h1>"), std::string::npos);
  EXPECT_NE(me.body.find("$25.00"), std::string::npos) << me.body;
  EXPECT_EQ(me.header("cache-control"), "no-store");
  EXPECT_NE(me.header("content-security-policy").find("frame-ancestors 'none'"), std::string::npos);

  // Stored: the cookie's hash, not the cookie; the platform token sealed, not in the clear.
  const auto cookie = b.jar.at("bountybot_session");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sessions WHERE token_hash = decode('" +
                      adapters::hex(adapters::sha256(cookie)) + "', 'hex')"),
            "1");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sessions WHERE position(convert_to('" + cookie + "', 'UTF8') in token_hash) > 0"), "0");
  const auto sealed_hex = db.scalar("SELECT encode(token_sealed, 'hex') FROM users WHERE platform = 'github' AND platform_id = 583231");
  EXPECT_EQ(sealed_hex.find(adapters::hex(access_token)), std::string::npos);
  const auto key = *adapters::parse_secret_key(secret_key);
  std::string sealed;
  for (std::size_t i = 0; i + 1 < sealed_hex.size(); i += 2) sealed += static_cast<char>(std::stoi(sealed_hex.substr(i, 2), nullptr, 16));
  EXPECT_EQ(adapters::open_sealed(key, sealed, "platform-token:github:583231"), access_token);

  // The same callback again signs nobody in.
  browser replay;
  replay.jar["bountybot_sign_in"] = callback.substr(callback.find("state=") + 6);
  const auto again = get(replay, callback);
  EXPECT_EQ(again.status, 400u);
  EXPECT_FALSE(replay.jar.contains("bountybot_session"));
}

TEST_F(SignIn, ACallbackWithoutItsBrowsersCookieOrWithAnotherStateIsRefused) {
  browser a;
  const auto start = get(a, "/login/github");
  const auto callback = through_provider(github, start.header("location"));
  browser other;  // an attacker's link opened in the victim's browser: no sign-in cookie
  const auto r = get(other, callback);
  EXPECT_EQ(r.status, 400u);
  EXPECT_NE(r.body.find("not started in this browser"), std::string::npos) << r.body;
  EXPECT_FALSE(other.jar.contains("bountybot_session"));
  browser mixed;
  mixed.jar["bountybot_sign_in"] = "not-the-state";
  EXPECT_EQ(get(mixed, callback).status, 400u);
  EXPECT_TRUE(matching(github.calls(), "POST", "/login/oauth/access_token").empty());  // the provider was never asked
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sessions"), "0");
  // The right browser still can.
  EXPECT_EQ(get(a, callback).status, 303u);
}

TEST_F(SignIn, ANextOutsideTheServiceLandsOnMe) {
  browser b;
  for (const auto* next : {"https://evil.example/", "//evil.example", "/\\evil.example"}) {
    b.jar.erase("bountybot_session");
    const auto r = sign_in(b, "github", next);
    ASSERT_EQ(r.status, 303u) << next;
    EXPECT_EQ(r.header("location"), "/me") << next;
  }
  EXPECT_EQ(sign_in(b, "github", "/me/tokens").header("location"), "/me/tokens");
}

TEST_F(SignIn, GitLabSignInUsesPkce) {
  browser b;
  const auto start = get(b, "/login/gitlab?next=%2Fme");
  ASSERT_EQ(start.status, 302u);
  EXPECT_NE(start.header("location").find("code_challenge_method=S256"), std::string::npos);
  EXPECT_NE(start.header("location").find("scope=read_user%20read_api"), std::string::npos) << start.header("location");
  const auto done = get(b, through_provider(gitlab, start.header("location")));
  ASSERT_EQ(done.status, 303u) << done.body;  // the fake refuses a verifier that does not match the challenge
  const auto trade = matching(gitlab.calls(), "POST", "/oauth/token");
  ASSERT_EQ(trade.size(), 1u);
  EXPECT_NE(trade[0].body.find("grant_type=authorization_code"), std::string::npos);
  EXPECT_NE(trade[0].body.find("code_verifier="), std::string::npos);
  const auto me = get(b, "/me");
  EXPECT_NE(me.body.find("<h1>gl-sponsor</h1>"), std::string::npos) << me.body;
  EXPECT_NE(me.body.find("Signed in with GitLab (user id 4242)"), std::string::npos);
}

TEST_F(SignIn, FormsWithoutTheirCsrfTokenChangeNothing) {
  browser b;
  ASSERT_EQ(sign_in(b, "github").status, 303u);
  const auto page = get(b, "/me/tokens");
  ASSERT_EQ(page.status, 200u);
  const auto csrf = csrf_of(page.body);
  EXPECT_EQ(post(b, "/me/tokens", "name=script").status, 403u);
  EXPECT_EQ(post(b, "/me/tokens", "name=script&csrf=wrong").status, 403u);
  EXPECT_EQ(post(b, "/logout", "").status, 403u);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM api_tokens"), "0");
  EXPECT_EQ(get(b, "/me").status, 200u);  // still signed in
  browser stranger;                        // no session at all: the form cannot act for anyone
  stranger.jar["bountybot_session"] = "made-up";
  EXPECT_EQ(post(stranger, "/me/tokens", "name=script&csrf=" + csrf).status, 403u);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM api_tokens"), "0");
}

TEST_F(SignIn, ApiTokensAreShownOnceActForTheUserAndCanBeRevoked) {
  ASSERT_EQ(deposit("github", 583231, 700, "wire-2").status, 201u);
  browser b;
  ASSERT_EQ(sign_in(b, "github").status, 303u);
  const auto csrf = csrf_of(get(b, "/me/tokens").body);
  const auto created = post(b, "/me/tokens", "name=release+script&csrf=" + csrf);
  ASSERT_EQ(created.status, 201u) << created.body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(created.body, m, std::regex("id=\"new-token\">(bbt_[A-Za-z0-9_-]{43})<")));
  const auto token = m[1].str();
  EXPECT_EQ(db.scalar("SELECT count(*) FROM api_tokens WHERE name = 'release script' AND token_hash = decode('" +
                      adapters::hex(adapters::sha256(token)) + "', 'hex')"),
            "1");

  const auto listed = get(b, "/me/tokens");
  EXPECT_EQ(listed.body.find(token), std::string::npos);  // shown once
  EXPECT_NE(listed.body.find("never"), std::string::npos);

  const auto api = service->request("GET", "/api/v1/me", "", {{"Authorization", "Bearer " + token}});
  ASSERT_EQ(api.status, 200u) << api.body;
  const auto v = json::parse(api.body);
  EXPECT_EQ(v.at("user_id").as_int64(), 583231);
  EXPECT_EQ(v.at("login").as_string(), "octocat");
  EXPECT_EQ(v.at("balances").at("USD").at("available").as_int64(), 700);
  EXPECT_EQ(get(b, "/me/tokens").body.find("never"), std::string::npos);  // last used now

  // The API does not take the session cookie.
  EXPECT_EQ(service->request("GET", "/api/v1/me", "", {{"Cookie", b.cookie_header()}}).status, 401u);

  const auto id = db.scalar("SELECT id FROM api_tokens");
  EXPECT_EQ(post(b, "/me/tokens/" + id + "/revoke", "csrf=" + csrf).status, 303u);
  EXPECT_EQ(service->request("GET", "/api/v1/me", "", {{"Authorization", "Bearer " + token}}).status, 401u);
  EXPECT_NE(get(b, "/me/tokens").body.find("revoked"), std::string::npos);
}

TEST_F(SignIn, LogoutEndsTheSession) {
  browser b;
  ASSERT_EQ(sign_in(b, "github").status, 303u);
  const auto cookie = b.jar.at("bountybot_session");
  const auto csrf = csrf_of(get(b, "/me").body);
  const auto out = post(b, "/logout", "csrf=" + csrf);
  EXPECT_EQ(out.status, 303u);
  EXPECT_EQ(out.header("location"), "/login");
  EXPECT_FALSE(b.jar.contains("bountybot_session"));
  browser old;  // the cookie as it was, replayed
  old.jar["bountybot_session"] = cookie;
  const auto me = get(old, "/me");
  EXPECT_EQ(me.status, 303u);
  EXPECT_EQ(me.header("location"), "/login?next=%2Fme");
}

TEST_F(SignIn, NoSecretTokenOrCookieReachesTheLog) {
  browser b;
  const auto done = sign_in(b, "github");
  ASSERT_EQ(done.status, 303u);
  const auto csrf = csrf_of(get(b, "/me/tokens").body);
  const auto created = post(b, "/me/tokens", "name=t&csrf=" + csrf);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(created.body, m, std::regex("(bbt_[A-Za-z0-9_-]{43})")));
  browser g;
  ASSERT_EQ(sign_in(g, "gitlab").status, 303u);
  std::vector<std::string> secrets{secret_key, github_client_secret, gitlab_client_secret, m[1].str(),
                                   b.jar.at("bountybot_session"), g.jar.at("bountybot_session"), csrf, admin_token,
                                   github_secret, gitlab_token};
  for (const auto& c : github.calls()) {
    if (c.headers.contains("authorization")) secrets.push_back(c.headers.at("authorization").substr(7));
  }
  for (const auto& c : gitlab.calls()) {
    if (c.headers.contains("authorization")) secrets.push_back(c.headers.at("authorization").substr(7));
  }
  service->stop();
  const auto log = log_text();
  EXPECT_NE(log.find("signed in"), std::string::npos) << log;
  for (const auto& s : secrets) {
    ASSERT_FALSE(s.empty());
    EXPECT_EQ(log.find(s), std::string::npos) << "the log holds a secret: " << s;
  }
}

}  // namespace
}  // namespace bountybot
