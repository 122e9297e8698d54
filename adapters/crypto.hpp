#pragma once
/// The service's cryptography, on OpenSSL: random bytes, SHA-256, base64url, and sealing secrets
/// at rest with AES-256-GCM (NIST SP 800-38D). Byte strings travel as std::string.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace bountybot::adapters {

/// The bytes of BOUNTYBOT_SECRET_KEY: 32 of them (AES-256).
using secret_key = std::array<unsigned char, 32>;

/// The key from its 64 hex digits (either case); nullopt for any other text.
std::optional<secret_key> parse_secret_key(std::string_view hex);

/// `n` bytes from the operating system's CSPRNG (OpenSSL RAND_bytes). Throws std::runtime_error
/// if it cannot give them.
std::string random_bytes(std::size_t n);

/// The 32-byte SHA-256 digest of `data` (FIPS 180-4).
std::string sha256(std::string_view data);

/// HMAC-SHA256 of `data` under `key`, 32 raw bytes (RFC 2104).
std::string hmac_sha256(std::string_view key, std::string_view data);

/// base64url without padding (RFC 4648 §5), as OAuth PKCE and our tokens use it.
std::string base64url(std::string_view bytes);

/// Lower-case hex of `bytes`.
std::string hex(std::string_view bytes);

/// A fresh random token: 32 bytes as base64url (43 characters), for cookies, states and CSRF.
std::string random_token();

/// PKCE S256: base64url(SHA-256(verifier)) (RFC 7636 §4.2).
std::string pkce_challenge(std::string_view verifier);

/// Bytes of a sealed value beyond its plaintext: the 12-byte nonce and the 16-byte tag.
inline constexpr std::size_t seal_overhead_bytes = 12 + 16;

/// Seals `plaintext` under `key`: nonce (12 random bytes) || ciphertext || tag (16 bytes),
/// AES-256-GCM with `context` as additional authenticated data (it must be given again to open).
std::string seal(const secret_key& key, std::string_view plaintext, std::string_view context);

/// The plaintext of `sealed`, or nullopt when it was not sealed under `key` with `context`, or
/// was changed.
std::optional<std::string> open_sealed(const secret_key& key, std::string_view sealed, std::string_view context);

}  // namespace bountybot::adapters
