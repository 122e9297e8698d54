#include "web/forms.hpp"

#include <boost/url.hpp>

#include <charconv>

namespace bountybot::web {

std::optional<std::map<std::string, std::string>> parse_form(std::string_view encoded) {
  std::string spaced(encoded);
  for (auto& c : spaced) {
    if (c == '+') c = ' ';  // decoded below as a literal space; "%2B" stays a plus
  }
  std::string escaped;
  escaped.reserve(spaced.size());
  for (char c : spaced) escaped += c == ' ' ? std::string("%20") : std::string(1, c);
  const auto query = boost::urls::parse_query(escaped);
  if (!query) return std::nullopt;
  std::map<std::string, std::string> out;
  std::size_t n = 0;
  for (const auto& p : *query) {
    if (++n > max_form_fields) return std::nullopt;
    out.emplace(p.key.decode(), p.has_value ? p.value.decode() : std::string());
  }
  return out;
}

std::map<std::string, std::string> query_of(std::string_view target) {
  const auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  return parse_form(target.substr(q + 1)).value_or(std::map<std::string, std::string>{});
}

std::optional<std::int64_t> parse_id(std::string_view s) {
  std::int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size() || v < 1) return std::nullopt;
  return v;
}

std::string url_encode(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

}  // namespace bountybot::web
