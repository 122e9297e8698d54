// Sign-in rules (SPEC §13), the cryptography under them, and reading forms.
#include "accounts/accounts.hpp"
#include "adapters/crypto.hpp"
#include "web/forms.hpp"

#include <boost/url.hpp>
#include <gtest/gtest.h>

namespace bountybot {
namespace {

using accounts::safe_next;

TEST(SafeNext, KeepsOnlyPathsOnThisService) {
  const std::pair<const char*, const char*> table[] = {
      {"/me", "/me"},
      {"/fund/12?x=1", "/fund/12?x=1"},
      {"/", "/"},
      {"", "/me"},
      {"me", "/me"},
      {"https://evil.example/", "/me"},
      {"//evil.example/path", "/me"},
      {"/\\evil.example", "/me"},
      {"/path\\x", "/me"},
      {"javascript:alert(1)", "/me"},
      {"/a b", "/me"},
      {"/a\r\nSet-Cookie: x=1", "/me"},
      {"/a\t", "/me"},
  };
  for (const auto& [in, want] : table) EXPECT_EQ(safe_next(in), want) << in;
  EXPECT_EQ(safe_next("/" + std::string(accounts::max_next_bytes, 'a')), "/me");
}

TEST(Cookies, FindsTheNamedValue) {
  EXPECT_EQ(accounts::cookie_value("a=1; bountybot_session=abc; b=2", "bountybot_session"), "abc");
  EXPECT_EQ(accounts::cookie_value("bountybot_session=\"q\"", "bountybot_session"), "q");
  EXPECT_EQ(accounts::cookie_value("xbountybot_session=abc", "bountybot_session"), std::nullopt);
  EXPECT_EQ(accounts::cookie_value("", "bountybot_session"), std::nullopt);
  EXPECT_EQ(accounts::cookie_value("a=1;b=2", "b"), "2");
}

TEST(Cookies, AreHttpOnlyLaxAndSecureOverHttps) {
  EXPECT_EQ(accounts::set_cookie("s", "v", std::chrono::seconds{60}, true),
            "s=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure");
  EXPECT_EQ(accounts::set_cookie("s", "", std::chrono::seconds{0}, false, "/login"),
            "s=; Path=/login; Max-Age=0; HttpOnly; SameSite=Lax");
  EXPECT_TRUE(accounts::secure_cookies("https://bounty.example"));
  EXPECT_FALSE(accounts::secure_cookies("http://127.0.0.1:8080"));
}

std::map<std::string, std::string> params_of(const std::string& url) {
  std::map<std::string, std::string> out;
  for (auto p : boost::urls::url_view(url).params()) out[p.key] = p.value;
  return out;
}

TEST(AuthorizeUrl, GitHubAsksForReadOrg) {
  const accounts::oauth_app app{bot::platform::github, "https://github.example/", "cid", "secret"};
  const auto url = accounts::authorize_url(app, "https://bounty.example", "st&ate", "ignored");
  EXPECT_TRUE(url.starts_with("https://github.example/login/oauth/authorize?")) << url;
  const auto p = params_of(url);
  EXPECT_EQ(p.at("client_id"), "cid");
  EXPECT_EQ(p.at("redirect_uri"), "https://bounty.example/login/github/callback");
  EXPECT_EQ(p.at("state"), "st&ate");
  EXPECT_EQ(p.at("scope"), "read:org");
  EXPECT_FALSE(p.contains("code_challenge"));
  EXPECT_EQ(url.find("secret"), std::string::npos);
}

TEST(AuthorizeUrl, GitLabUsesPkce) {
  const accounts::oauth_app app{bot::platform::gitlab, "https://gitlab.example", "gid", "secret"};
  const auto p = params_of(accounts::authorize_url(app, "https://bounty.example/", "s1", "challenge"));
  EXPECT_EQ(p.at("redirect_uri"), "https://bounty.example/login/gitlab/callback");
  EXPECT_EQ(p.at("response_type"), "code");
  EXPECT_EQ(p.at("scope"), "read_user read_api");
  EXPECT_EQ(p.at("code_challenge"), "challenge");
  EXPECT_EQ(p.at("code_challenge_method"), "S256");
}

TEST(Callback, RefusesWhatDidNotStartHere) {
  using accounts::callback_refusal;
  EXPECT_EQ(accounts::check_callback("", "code", false), callback_refusal::not_started);
  EXPECT_EQ(accounts::check_callback("access_denied", "", false), callback_refusal::not_started);
  EXPECT_EQ(accounts::check_callback("access_denied", "", true), callback_refusal::denied);
  EXPECT_EQ(accounts::check_callback("", "", true), callback_refusal::no_code);
  EXPECT_EQ(accounts::check_callback("", "code", true), std::nullopt);
}

TEST(TokenName, IsTrimmedAndBounded) {
  EXPECT_EQ(accounts::token_name("  release script "), "release script");
  EXPECT_EQ(accounts::token_name("   "), std::nullopt);
  EXPECT_EQ(accounts::token_name("a\nb"), std::nullopt);
  EXPECT_EQ(accounts::token_name(std::string(accounts::max_token_name_chars, 'x')),
            std::string(accounts::max_token_name_chars, 'x'));
  EXPECT_EQ(accounts::token_name(std::string(accounts::max_token_name_chars + 1, 'x')), std::nullopt);
  std::string umlauts;
  for (std::size_t i = 0; i < accounts::max_token_name_chars; ++i) umlauts += "ü";  // 2 bytes each
  EXPECT_EQ(accounts::token_name(umlauts), umlauts);
}

TEST(Crypto, Base64UrlFollowsRfc4648) {
  // RFC 4648 §10 test vectors, in the URL alphabet without padding.
  const std::pair<const char*, const char*> table[] = {
      {"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [in, want] : table) EXPECT_EQ(adapters::base64url(in), want) << in;
  EXPECT_EQ(adapters::base64url("\xfb\xff"), "-_8");
}

TEST(Crypto, PkceChallengeIsRfc7636AppendixB) {
  EXPECT_EQ(adapters::pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Crypto, Sha256AndHmacMatchKnownDigests) {
  EXPECT_EQ(adapters::hex(adapters::sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(adapters::hex(adapters::hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Crypto, SealedTokensOpenOnlyWithTheirKeyAndContext) {
  const auto key = *adapters::parse_secret_key(std::string(64, 'a'));
  const auto other = *adapters::parse_secret_key(std::string(64, 'b'));
  const auto sealed = adapters::seal(key, "gho_secret", "platform-token:github:1");
  EXPECT_EQ(sealed.size(), std::string("gho_secret").size() + adapters::seal_overhead_bytes);
  EXPECT_EQ(sealed.find("gho_secret"), std::string::npos);
  EXPECT_EQ(adapters::open_sealed(key, sealed, "platform-token:github:1"), "gho_secret");
  EXPECT_EQ(adapters::open_sealed(other, sealed, "platform-token:github:1"), std::nullopt);
  EXPECT_EQ(adapters::open_sealed(key, sealed, "platform-token:github:2"), std::nullopt);
  auto changed = sealed;
  changed[14] ^= 1;
  EXPECT_EQ(adapters::open_sealed(key, changed, "platform-token:github:1"), std::nullopt);
  EXPECT_EQ(adapters::open_sealed(key, sealed.substr(0, 10), "platform-token:github:1"), std::nullopt);
  EXPECT_NE(adapters::seal(key, "gho_secret", "c"), adapters::seal(key, "gho_secret", "c"));  // fresh nonces
}

TEST(Crypto, SecretKeyIsSixtyFourHexDigits) {
  EXPECT_TRUE(adapters::parse_secret_key(std::string(64, 'F')));
  EXPECT_FALSE(adapters::parse_secret_key(std::string(63, 'a')));
  EXPECT_FALSE(adapters::parse_secret_key(std::string(62, 'a') + "zz"));
  EXPECT_EQ(adapters::random_token().size(), 43u);
  EXPECT_NE(adapters::random_token(), adapters::random_token());
}

TEST(Forms, DecodeLikeBrowsersEncode) {
  const auto f = web::parse_form("csrf=a%2Bb&name=release+script&empty=&flag&name=second");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->at("csrf"), "a+b");
  EXPECT_EQ(f->at("name"), "release script");  // the first of a repeated name
  EXPECT_EQ(f->at("empty"), "");
  EXPECT_EQ(f->at("flag"), "");
  EXPECT_FALSE(web::parse_form("a=%zz"));
  std::string many;
  for (std::size_t i = 0; i <= web::max_form_fields; ++i) many += "f" + std::to_string(i) + "=1&";
  EXPECT_FALSE(web::parse_form(many));
  EXPECT_EQ(web::query_of("/login?next=%2Fme%2Ftokens").at("next"), "/me/tokens");
  EXPECT_TRUE(web::query_of("/login").empty());
  EXPECT_EQ(web::url_encode("/me/tokens?a=1 b"), "%2Fme%2Ftokens%3Fa%3D1%20b");
}

}  // namespace
}  // namespace bountybot
