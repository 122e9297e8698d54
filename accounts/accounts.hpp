#pragma once
/// People (SPEC §13), pure: where a sign-in may return to, the cookies of a session and of a
/// sign-in in progress, the providers' authorization URLs, and the shape of API tokens. The
/// randomness, hashing and sealing these rely on are in adapters/crypto.hpp; the rows in
/// accounts/store/.
#include "bot/platform.hpp"
#include "bot/time.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bountybot::accounts {

/// How long a session lasts from sign-in (SPEC §13: 30 days), seconds.
inline constexpr std::chrono::seconds session_lifetime = std::chrono::days{30};
/// How long a sign-in may take at the provider, from leaving to the callback: its state row and
/// cookie last this long, seconds.
inline constexpr std::chrono::seconds sign_in_lifetime = std::chrono::minutes{10};
/// The longest `next` path kept across a sign-in, bytes; a longer one goes to /me.
inline constexpr std::size_t max_next_bytes = 2048;
/// The longest API token name, characters (UTF-8 code points).
inline constexpr std::size_t max_token_name_chars = 100;
/// Live (not revoked) API tokens one user may hold.
inline constexpr int max_tokens_per_user = 50;

/// The session cookie (SPEC §13).
inline constexpr std::string_view session_cookie = "bountybot_session";
/// The cookie that binds a sign-in's `state` to the browser that started it.
inline constexpr std::string_view sign_in_cookie = "bountybot_sign_in";
/// What API tokens begin with, so that they are recognisable in a secret scanner and in a paste.
inline constexpr std::string_view api_token_prefix = "bbt_";

/// Where a sign-in goes when it has no usable `next`.
inline constexpr std::string_view default_next = "/me";

/// `next` when it names a path on this service: it starts with one `/` (not `//` or `/\`, which
/// browsers read as another host), holds no control character, backslash or space, and fits in
/// max_next_bytes, all ASCII. Anything else (a URL, a scheme, `//evil.example`) gives default_next.
std::string safe_next(std::string_view next);

/// The value of cookie `name` in a `Cookie` header (RFC 6265 §5.4: `a=1; b=2`), or nullopt.
std::optional<std::string> cookie_value(std::string_view cookie_header, std::string_view name);

/// A `Set-Cookie` value: `name=value; Path=path; Max-Age=seconds; HttpOnly; SameSite=Lax`, and
/// `; Secure` when `secure` (the service's public URL is https). `max_age` 0 deletes the cookie.
std::string set_cookie(std::string_view name, std::string_view value, std::chrono::seconds max_age, bool secure,
                       std::string_view path = "/");

/// Whether cookies should be `Secure`: the public URL is https.
bool secure_cookies(std::string_view public_url);

/// An OAuth application the service signs users in with.
struct oauth_app {
  bot::platform platform = bot::platform::github;
  std::string web_url;        // GitHub: BOUNTYBOT_GITHUB_WEB_URL; GitLab: BOUNTYBOT_GITLAB_URL
  std::string client_id;
  std::string client_secret;  // never shown, never logged
};

/// The callback the provider sends the browser back to: `{public_url}/login/{platform}/callback`.
std::string redirect_uri(std::string_view public_url, bot::platform platform);

/// Where the browser goes to authorize (SPEC §13):
/// GitHub `{web_url}/login/oauth/authorize?client_id&redirect_uri&state&scope=read:org`
/// (https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps);
/// GitLab `{web_url}/oauth/authorize?client_id&redirect_uri&response_type=code&state&scope=read_user read_api
/// &code_challenge&code_challenge_method=S256` (https://docs.gitlab.com/ee/api/oauth2.html, RFC 7636).
std::string authorize_url(const oauth_app& app, std::string_view public_url, std::string_view state,
                          std::string_view code_challenge);

/// A signed-in user: the platform account (SPEC §1: platform and numeric id; the login is display data).
struct person {
  bot::platform platform = bot::platform::github;
  std::int64_t id = 0;
  std::string login;
};

/// A session as the pages see it: who, and the token its forms carry in `csrf`.
struct session {
  person who;
  std::string csrf;
};

/// Why a sign-in callback cannot go on, as a closed set.
enum class callback_refusal {
  denied,      // the user declined at the provider (`error=access_denied` or another `error`)
  no_code,     // the callback has no `code`
  not_started, // no sign-in cookie, or its state is not the callback's: started elsewhere, or expired
};

/// The sentence a refused callback shows.
std::string_view to_text(callback_refusal r);

/// Checks a provider's callback before any call to the provider: `error` and `code` from the
/// query, and `states_match`: whether the query's `state` equals the sign_in_cookie's (compared
/// in constant time by the caller, which holds the secrets).
std::optional<callback_refusal> check_callback(std::string_view error, std::string_view code, bool states_match);

/// An API token's name after trimming; nullopt when empty, not UTF-8, longer than
/// max_token_name_chars, or holding a control character.
std::optional<std::string> token_name(std::string_view raw);

}  // namespace bountybot::accounts
