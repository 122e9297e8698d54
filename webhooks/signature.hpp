#pragma once
/// Webhook authenticity checks (SPEC §8), in constant time.
#include <string>
#include <string_view>

namespace bountybot::webhooks {

/// Lower-case hex HMAC-SHA256 of `data` under `key` (RFC 2104, FIPS 180-4).
std::string hmac_sha256_hex(std::string_view key, std::string_view data);

/// Equality whose time does not depend on where the inputs differ, nor (beyond hashing) on
/// their lengths: both sides are hashed with SHA-256 and the digests compared with CRYPTO_memcmp.
bool constant_time_equal(std::string_view a, std::string_view b);

/// GitHub: `X-Hub-Signature-256` is `sha256=` + hex HMAC-SHA256(secret, raw body).
/// https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
bool verify_github_signature(std::string_view secret, std::string_view body, std::string_view header);

/// GitLab: `X-Gitlab-Token` equals the configured secret token.
/// https://docs.gitlab.com/ee/user/project/integrations/webhooks.html#validate-requests-with-a-secret-token
bool verify_gitlab_token(std::string_view secret, std::string_view header);

}  // namespace bountybot::webhooks
