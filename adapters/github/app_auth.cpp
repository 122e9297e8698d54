#include "adapters/github/app_auth.hpp"

#include "adapters/platform.hpp"
#include "app/clock.hpp"
#include "bot/time.hpp"

#include <boost/json.hpp>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>
#include <stdexcept>

namespace bountybot::github {
namespace json = boost::json;

std::string base64url(std::string_view bytes) {
  static constexpr char table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += {table[(v >> 18) & 63], table[(v >> 12) & 63], table[(v >> 6) & 63], table[v & 63]};
  }
  if (i + 1 == bytes.size()) {
    const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += {table[(v >> 18) & 63], table[(v >> 12) & 63]};
  } else if (i + 2 == bytes.size()) {
    const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += {table[(v >> 18) & 63], table[(v >> 12) & 63], table[(v >> 6) & 63]};
  }
  return out;
}

std::string make_app_jwt(const std::string& app_id, const std::string& private_key_pem, std::chrono::sys_seconds now) {
  const auto iat = (now - std::chrono::seconds{60}).time_since_epoch().count();
  const auto exp = (now + std::chrono::seconds{600}).time_since_epoch().count();
  const std::string signing_input =
      base64url(R"({"alg":"RS256","typ":"JWT"})") + "." +
      base64url(json::serialize(json::object{{"iat", iat}, {"exp", exp}, {"iss", app_id}}));

  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())),
                                                &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr),
                                                          &EVP_PKEY_free);
  if (!key) throw std::runtime_error("the GitHub App private key is not a readable PEM private key");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::size_t len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw std::runtime_error("cannot sign the GitHub App JWT");
  }
  std::string signature(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) != 1) {
    throw std::runtime_error("cannot sign the GitHub App JWT");
  }
  signature.resize(len);
  return signing_input + "." + base64url(signature);
}

app_credentials::app_credentials(const std::string& api_url, std::string app_id, std::string private_key_pem)
    : http_(api_url), app_id_(std::move(app_id)), private_key_pem_(std::move(private_key_pem)) {
  app_jwt();  // fail at start-up, not at the first call, if the key is unusable
}

std::string app_credentials::app_jwt() const {
  return make_app_jwt(app_id_, private_key_pem_,
                      app::now_utc());
}

namespace {
adapters::http_response app_call(const adapters::http_client& http, const std::string& jwt, const std::string& method,
                                 const std::string& target) {
  auto res = http.request(method, target, "",
                          {{"Authorization", "Bearer " + jwt},
                           {"Accept", "application/vnd.github+json"},
                           {"X-GitHub-Api-Version", "2022-11-28"}});
  if (res.status >= 200 && res.status < 300) return res;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  throw adapters::classify_failure("GitHub " + method + " " + target, res.status, res.body, res.header("retry-after"),
                                   res.header("x-ratelimit-remaining"), res.header("x-ratelimit-reset"), now.count());
}
}  // namespace

std::int64_t app_credentials::installation_of(const std::string& repository_path) {
  if (const auto it = installations_.find(repository_path); it != installations_.end()) return it->second;
  const auto res = app_call(http_, app_jwt(), "GET", "/repos/" + repository_path + "/installation");
  const auto id = json::parse(res.body).at("id").to_number<std::int64_t>();
  installations_[repository_path] = id;
  return id;
}

std::string app_credentials::token_for_repository(const std::string& repository_path) {
  std::lock_guard lock(mutex_);
  const auto installation = installation_of(repository_path);
  const auto now = app::now_utc();
  if (const auto it = tokens_.find(installation); it != tokens_.end() && it->second.expires_at - token_refresh_margin > now) {
    return it->second.token;
  }
  const auto res = app_call(http_, app_jwt(), "POST", "/app/installations/" + std::to_string(installation) + "/access_tokens");
  const auto body = json::parse(res.body);
  cached_token t;
  t.token = std::string(body.at("token").as_string());
  const auto expires = bot::parse_deadline(body.at("expires_at").as_string());
  t.expires_at = expires ? *expires : now + std::chrono::minutes{55};
  tokens_[installation] = t;
  return t.token;
}

}  // namespace bountybot::github
