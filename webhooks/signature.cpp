#include "webhooks/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>

namespace bountybot::webhooks {

std::string hmac_sha256_hex(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), mac.data(), &len);
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(len * 2);
  for (unsigned i = 0; i < len; ++i) {
    hex += digits[mac[i] >> 4];
    hex += digits[mac[i] & 0x0f];
  }
  return hex;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> da{}, db{};
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da.data());
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db.data());
  return CRYPTO_memcmp(da.data(), db.data(), da.size()) == 0 && a.size() == b.size();
}

bool verify_github_signature(std::string_view secret, std::string_view body, std::string_view header) {
  constexpr std::string_view prefix = "sha256=";
  if (secret.empty() || !header.starts_with(prefix)) return false;
  std::string given(header.substr(prefix.size()));
  std::transform(given.begin(), given.end(), given.begin(), [](unsigned char c) { return std::tolower(c); });
  return constant_time_equal(hmac_sha256_hex(secret, body), given);
}

bool verify_gitlab_token(std::string_view secret, std::string_view header) {
  return !secret.empty() && constant_time_equal(secret, header);
}

}  // namespace bountybot::webhooks
