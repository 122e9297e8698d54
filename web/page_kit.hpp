#pragma once
/// What every server-rendered page shares (SPEC §15): the security headers, the layout with the
/// visitor's session, templates compiled into the binary, and the formats pages show (dates,
/// grouped numbers, percentages). Every value a template prints is HTML-escaped by mustache.
#include "accounts/accounts.hpp"
#include "bot/time.hpp"
#include "db/db.hpp"
#include "web/server.hpp"

#include <kainjow/mustache.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bountybot::web {

namespace mustache = kainjow::mustache;

/// A template or the style sheet compiled into the binary by name (`layout.mustache`,
/// `style.css`), or nullopt. Generated from web/templates/ by web/templates/embed.cmake.
std::optional<std::string_view> embedded_asset(std::string_view name);

/// Every page's headers: no caching, no framing, no script, no inline style; forms post here, and
/// to `form_target` when a form's answer redirects there (Stripe Checkout).
std::map<std::string, std::string> page_headers(const std::string& form_target = "");

/// `url` when it is an http(s) link, else empty (rendered as no link).
std::string web_link(const std::string& url);

/// A whole number with its thousands grouped: 1000000 -> "1,000,000".
std::string grouped(std::int64_t n);

/// Basis points as a percentage with two decimals: 290 -> "2.90%".
std::string percent_of(int bps);

/// A template or the style sheet compiled into the binary; throws std::logic_error for an unknown name.
std::string asset_text(std::string_view name);

/// Renders the template `name` with `data`; throws std::logic_error if it does not parse.
std::string render(std::string_view name, const mustache::data& data);

/// Throws std::logic_error naming the first of `names` that does not parse: called at start, so a
/// broken template fails there and not on a visitor's request.
void check_templates(const std::vector<std::string_view>& names);

/// "2026-12-03 17:05" (UTC), as pages show times.
std::string when(bot::utc_time t);

/// A mustache list of `items`.
mustache::data list_of(std::vector<mustache::data> items);

/// The hex SHA-256 under which a secret (a cookie, a state, a token) is stored.
std::string stored_hash(std::string_view secret);

/// The visitor's session from the session cookie, or nullopt (no cookie, expired, revoked).
std::optional<accounts::session> session_of(db::pool& pool, const http_request& request);

/// A whole page: `name` rendered with `data` inside the layout, titled `title` (also its Open
/// Graph title), with the account links of `who` (or "Sign in"), and `description` as its
/// description for search engines and link previews when not empty.
http_reply page_reply(unsigned status, const std::string& title, std::string_view name, const mustache::data& data,
                      const std::optional<accounts::session>& who, std::vector<std::string> cookies = {},
                      const std::string& form_target = "", const std::string& description = "");

/// A 303 to `location`; `form_target` as for page_headers, when the form that led here leaves for it.
http_reply redirect(std::string location, std::vector<std::string> cookies = {}, const std::string& form_target = "");

}  // namespace bountybot::web
