#pragma once
/// Webhook authenticity checks (SPEC §8), in constant time.
#include <string>
#include <string_view>
#include <vector>
#include <cstdint>

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

/// How far a Stripe signature's timestamp may be from now, seconds (Stripe's libraries' default).
inline constexpr std::int64_t stripe_tolerance_seconds = 300;

/// Stripe: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]` where v1 is HMAC-SHA256
/// of "{t}.{raw body}" under the endpoint's signing secret. True when some `v1` matches some
/// secret of `secrets` (rotation keeps two for a while), compared in constant time, and `t` is
/// within `tolerance` seconds of `now` (epoch seconds), either way.
/// https://docs.stripe.com/webhooks#verify-manually
bool verify_stripe_signature(const std::vector<std::string>& secrets, std::string_view body, std::string_view header,
                             std::int64_t now, std::int64_t tolerance = stripe_tolerance_seconds);

}  // namespace bountybot::webhooks
