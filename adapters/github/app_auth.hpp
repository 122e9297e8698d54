#pragma once
/// GitHub App authentication (SPEC §10): an RS256 JWT signed with the App's private key, traded
/// for installation access tokens, cached per installation. Source: GitHub docs "Generating a
/// JSON Web Token (JWT) for a GitHub App" and "Generating an installation access token".
#include "adapters/http_client.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace bountybot::github {

/// The App JWT: header {"alg":"RS256","typ":"JWT"}, claims iat = now - 60 s (clock drift), exp =
/// now + 600 s (GitHub's 10-minute maximum), iss = the App id; base64url, signed with RSASSA-PKCS1
/// v1.5 SHA-256 (RFC 7518 §3.3). Throws std::runtime_error if the key cannot be read or used.
std::string make_app_jwt(const std::string& app_id, const std::string& private_key_pem, std::chrono::sys_seconds now);

/// Base64url without padding (RFC 4648 §5).
std::string base64url(std::string_view bytes);

/// How long before its expiry an installation token is replaced.
inline constexpr std::chrono::seconds token_refresh_margin{300};

class app_credentials {
 public:
  /// `api_url` as for the REST client; `private_key_pem` the App's PEM key (PKCS#1 or PKCS#8).
  app_credentials(const std::string& api_url, std::string app_id, std::string private_key_pem);

  /// A fresh App JWT (for /app endpoints).
  std::string app_jwt() const;

  /// An installation access token for the installation that covers `repository_path`: found with
  /// GET /repos/{path}/installation, created with POST /app/installations/{id}/access_tokens,
  /// cached until `token_refresh_margin` before it expires. Concurrent callers wait for one
  /// refresh instead of each creating a token. Throws adapters::transport_error / api errors.
  std::string token_for_repository(const std::string& repository_path);

  const adapters::http_client& http() const { return http_; }

 private:
  struct cached_token {
    std::string token;
    std::chrono::sys_seconds expires_at{};
  };
  std::int64_t installation_of(const std::string& repository_path);

  adapters::http_client http_;
  std::string app_id_;
  std::string private_key_pem_;
  std::mutex mutex_;  // held during a refresh: one token request per installation at a time
  std::map<std::string, std::int64_t> installations_;  // repository path -> installation id
  std::map<std::int64_t, cached_token> tokens_;
};

}  // namespace bountybot::github
