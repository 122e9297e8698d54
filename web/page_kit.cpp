#include "web/page_kit.hpp"

#include "accounts/store/store.hpp"
#include "adapters/crypto.hpp"
#include "app/clock.hpp"

#include <stdexcept>

namespace bountybot::web {

std::map<std::string, std::string> page_headers(const std::string& form_target) {
  return {{"Cache-Control", "no-store"},
          {"Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'" +
                                          (form_target.empty() ? std::string() : " " + form_target) +
                                          "; frame-ancestors 'none'; base-uri 'none'"},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "same-origin"},
          {"X-Frame-Options", "DENY"}};
}

std::string web_link(const std::string& url) {
  return url.starts_with("https://") || url.starts_with("http://") ? url : std::string();
}

std::string grouped(std::int64_t n) {
  auto s = std::to_string(n);
  for (auto i = static_cast<std::ptrdiff_t>(s.size()) - 3; i > (n < 0 ? 1 : 0); i -= 3) s.insert(static_cast<std::size_t>(i), ",");
  return s;
}

std::string percent_of(int bps) {
  const auto cents = std::to_string(bps % 100);
  return std::to_string(bps / 100) + "." + (cents.size() < 2 ? "0" : "") + cents + "%";
}

std::string asset_text(std::string_view name) {
  const auto text = embedded_asset(name);
  if (!text) throw std::logic_error("no template " + std::string(name));
  return std::string(*text);
}

std::string render(std::string_view name, const mustache::data& data) {
  mustache::mustache tmpl{asset_text(name)};
  if (!tmpl.is_valid()) throw std::logic_error("template " + std::string(name) + ": " + tmpl.error_message());
  return tmpl.render(data);
}

void check_templates(const std::vector<std::string_view>& names) {
  for (const auto name : names) {
    mustache::mustache tmpl{asset_text(name)};
    if (!tmpl.is_valid()) throw std::logic_error("template " + std::string(name) + ": " + tmpl.error_message());
  }
}

std::string when(bot::utc_time t) {
  auto s = bot::format_rfc3339(t);
  if (s.size() == 20) s = s.substr(0, 10) + " " + s.substr(11, 5);  // "2026-12-03 17:05"
  return s;
}

mustache::data list_of(std::vector<mustache::data> items) {
  mustache::data list{mustache::data::type::list};
  for (auto& i : items) list.push_back(std::move(i));
  return list;
}

std::string stored_hash(std::string_view secret) { return adapters::hex(adapters::sha256(secret)); }

std::optional<accounts::session> session_of(db::pool& pool, const http_request& request) {
  const auto cookie = accounts::cookie_value(request.header("cookie"), accounts::session_cookie);
  if (!cookie || cookie->empty()) return std::nullopt;
  std::optional<accounts::session> out;
  pool.transact([&](pqxx::work& tx) { out = accounts::find_session(tx, stored_hash(*cookie), app::now_utc()); });
  return out;
}

http_reply page_reply(unsigned status, const std::string& title, std::string_view name, const mustache::data& data,
                      const std::optional<accounts::session>& who, std::vector<std::string> cookies,
                      const std::string& form_target, const std::string& description) {
  mustache::data layout;
  layout.set("title", title);
  if (!description.empty()) layout.set("description", description);
  layout.set("content", render(name, data));
  if (who) {
    mustache::data user;
    user.set("login", who->who.login);
    user.set("csrf", who->csrf);
    layout.set("user", user);
  }
  return {status, "text/html; charset=utf-8", render("layout.mustache", layout), page_headers(form_target),
          std::move(cookies)};
}

http_reply redirect(std::string location, std::vector<std::string> cookies, const std::string& form_target) {
  http_reply r{303, "text/plain; charset=utf-8", "see " + location + "\n", page_headers(form_target), std::move(cookies)};
  r.headers["Location"] = std::move(location);
  return r;
}

}  // namespace bountybot::web
