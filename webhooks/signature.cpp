#include "webhooks/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <charconv>

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

namespace bountybot::webhooks {

bool verify_stripe_signature(const std::vector<std::string>& secrets, std::string_view body, std::string_view header,
                             std::int64_t now, std::int64_t tolerance) {
  std::string_view timestamp;
  std::vector<std::string_view> signatures;
  while (!header.empty()) {
    const auto comma = header.find(',');
    auto item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item.starts_with("t=")) timestamp = item.substr(2);
    if (item.starts_with("v1=")) signatures.push_back(item.substr(3));
  }
  std::int64_t t = 0;
  const auto [end, ec] = std::from_chars(timestamp.data(), timestamp.data() + timestamp.size(), t);
  if (timestamp.empty() || ec != std::errc{} || end != timestamp.data() + timestamp.size()) return false;
  if (t > now + tolerance || t < now - tolerance) return false;
  const std::string signed_payload = std::string(timestamp) + "." + std::string(body);
  bool found = false;
  for (const auto& secret : secrets) {
    if (secret.empty()) continue;
    const auto expected = hmac_sha256_hex(secret, signed_payload);
    for (const auto& given : signatures) found = constant_time_equal(expected, given) || found;  // no early exit
  }
  return found;
}

}  // namespace bountybot::webhooks
