// GitHub App authentication: the JWT GitHub expects, and which missed deliveries to ask again.
#include "adapters/github/app_auth.hpp"
#include "adapters/github/installations.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>

namespace bountybot::github {
namespace {

std::string unbase64url(std::string s) {
  for (auto& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4) s += '=';
  std::string out(s.size(), '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                                static_cast<int>(s.size()));
  out.resize(static_cast<std::size_t>(n) - (s.ends_with("==") ? 2 : s.ends_with("=") ? 1 : 0));
  return out;
}

struct key_pair {
  std::string private_pem;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, &EVP_PKEY_free};
};

key_pair make_key() {
  key_pair kp;
  kp.key.reset(EVP_RSA_gen(2048));
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), kp.key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  kp.private_pem.assign(data, static_cast<std::size_t>(len));
  return kp;
}

bool verifies(EVP_PKEY* key, const std::string& jwt) {
  const auto last = jwt.rfind('.');
  const auto input = jwt.substr(0, last);
  const auto signature = unbase64url(jwt.substr(last + 1));
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key);
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

TEST(AppJwt, IsRs256IssuedSixtySecondsAgoForTenMinutesByTheApp) {
  const auto kp = make_key();
  const std::chrono::sys_seconds now{std::chrono::seconds{1'800'000'000}};
  const auto jwt = make_app_jwt("123456", kp.private_pem, now);
  const auto dot1 = jwt.find('.'), dot2 = jwt.rfind('.');
  const auto header = boost::json::parse(unbase64url(jwt.substr(0, dot1)));
  const auto claims = boost::json::parse(unbase64url(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
  EXPECT_EQ(header.at("alg").as_string(), "RS256");
  EXPECT_EQ(claims.at("iat").as_int64(), 1'800'000'000 - 60);
  EXPECT_EQ(claims.at("exp").as_int64(), 1'800'000'000 + 600);
  EXPECT_EQ(claims.at("iss").as_string(), "123456");
  EXPECT_TRUE(verifies(kp.key.get(), jwt));
  auto tampered = jwt;
  tampered[dot1 + 3] = tampered[dot1 + 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(verifies(kp.key.get(), tampered));
}

TEST(AppJwt, AnUnreadableKeyIsAClearError) {
  EXPECT_THROW(make_app_jwt("1", "not a key", std::chrono::sys_seconds{}), std::runtime_error);
}

TEST(Base64url, HasNoPaddingAndUrlSafeCharacters) {
  EXPECT_EQ(base64url("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url("abc"), "YWJj");
  EXPECT_EQ(base64url("ab"), "YWI");
}

TEST(Redelivery, OnlyFailedDeliveriesThatNeverArrivedNewestAttemptOnce) {
  const std::vector<hook_delivery> ds{{1, "ok", 202, "issues"},      {2, "missed", 502, "issue_comment"},
                                      {3, "missed", 0, "issue_comment"}, {4, "stored", 500, "issues"},
                                      {5, "retried", 500, "issues"},  {6, "retried", 202, "issues"},
                                      {7, "pinged", 500, "ping"}};
  const auto ids = plan_redeliveries(ds, [](const std::string& guid) { return guid == "stored"; });
  EXPECT_EQ(ids, (std::vector<std::int64_t>{3}));
}

}  // namespace
}  // namespace bountybot::github
