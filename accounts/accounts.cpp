#include "accounts/accounts.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>


namespace bountybot::accounts {
namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

std::string trimmed(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

/// Percent-encodes all but RFC 3986's unreserved characters, so that a form decoder (which reads
/// `+` as a space) and a URL decoder read the same value.
std::string query_encoded(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

/// Well-formed UTF-8 (RFC 3629 §4): no overlong forms, surrogates or code points above U+10FFFF.
bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned min = 0, cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { n = 1; min = 0x80; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; min = 0x800; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; min = 0x10000; cp = c & 0x07; }
    else return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if (i + k >= s.size()) return false;
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n + 1;
  }
  return true;
}

}  // namespace

std::string safe_next(std::string_view next) {
  if (next.empty() || next.size() > max_next_bytes || next.front() != '/') return std::string(default_next);
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return std::string(default_next);
  for (unsigned char c : next) {
    // Bytes from 0x80 up are refused too: a browser sends a non-ASCII path percent-encoded, and
    // a raw one could be invalid UTF-8 (which a text column refuses) or reach `Location` as is.
    if (is_control(c) || c == '\\' || c == ' ' || c >= 0x80) return std::string(default_next);
  }
  return std::string(next);
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    auto pair = header.substr(0, end);
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != name) continue;
    auto value = pair.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::nullopt;
}

std::string set_cookie(std::string_view name, std::string_view value, std::chrono::seconds max_age, bool secure,
                       std::string_view path) {
  std::string out = std::string(name) + "=" + std::string(value) + "; Path=" + std::string(path) +
                    "; Max-Age=" + std::to_string(max_age.count()) + "; HttpOnly; SameSite=Lax";
  if (secure) out += "; Secure";
  return out;
}

bool secure_cookies(std::string_view public_url) { return public_url.starts_with("https://"); }

std::string redirect_uri(std::string_view public_url, bot::platform platform) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/login/" + std::string(bot::to_string(platform)) + "/callback";
}

std::string authorize_url(const oauth_app& app, std::string_view public_url, std::string_view state,
                          std::string_view code_challenge) {
  std::string base = app.web_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const bool github = app.platform == bot::platform::github;
  std::string url = base + (github ? "/login/oauth/authorize" : "/oauth/authorize");
  char sep = '?';
  auto add = [&](std::string_view name, std::string_view value) {
    url += sep + std::string(name) + "=" + query_encoded(value);
    sep = '&';
  };
  add("client_id", app.client_id);
  add("redirect_uri", redirect_uri(public_url, app.platform));
  if (!github) add("response_type", "code");
  add("state", state);
  add("scope", github ? "read:org" : "read_user read_api");
  if (!github) {
    add("code_challenge", code_challenge);
    add("code_challenge_method", "S256");
  }
  return url;
}

std::string_view to_text(callback_refusal r) {
  switch (r) {
    case callback_refusal::denied: return "Sign-in was cancelled at the provider. Nothing was changed.";
    case callback_refusal::no_code: return "The provider sent no authorization code. Please start again.";
    case callback_refusal::not_started:
      return "This sign-in was not started in this browser, or it took longer than 10 minutes. Please start again.";
  }
  return "Sign-in failed.";
}

std::optional<callback_refusal> check_callback(std::string_view error, std::string_view code, bool states_match) {
  if (!states_match) return callback_refusal::not_started;
  if (!error.empty()) return callback_refusal::denied;
  if (code.empty()) return callback_refusal::no_code;
  return std::nullopt;
}

std::optional<std::string> token_name(std::string_view raw) {
  auto name = trimmed(raw);
  if (name.empty() || !valid_utf8(name)) return std::nullopt;
  std::size_t chars = 0;
  for (unsigned char c : name) {
    if (is_control(c)) return std::nullopt;
    if ((c & 0xC0) != 0x80) ++chars;
  }
  if (chars > max_token_name_chars) return std::nullopt;
  return name;
}

}  // namespace bountybot::accounts
