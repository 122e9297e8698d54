#include "web/route_table.hpp"

#include <algorithm>
#include <stdexcept>

namespace bountybot::web {

namespace {

// `text` (after its leading '/') cut at every '/'.
std::vector<std::string_view> pieces(std::string_view text) {
  std::vector<std::string_view> out;
  if (text.size() == 1) return out;  // "/"
  std::size_t start = 1;
  for (;;) {
    const auto slash = text.find('/', start);
    out.push_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) return out;
    start = slash + 1;
  }
}

bool has_brace(std::string_view s) { return s.find_first_of("{}") != std::string_view::npos; }

[[noreturn]] void malformed(std::string_view pattern, const std::string& why) {
  throw std::invalid_argument("route pattern \"" + std::string(pattern) + "\": " + why);
}

// The value of a `{name+}` part: see route_pattern.
std::string join_rest(std::span<const std::string> segments) {
  std::string out;
  for (const auto& s : segments) out += (out.empty() ? "" : "/") + s;
  return out;
}

}  // namespace

route_pattern::route_pattern(std::string_view text) : text_(text) {
  if (!text.starts_with('/')) malformed(text, "must start with '/'");
  for (const auto piece : pieces(text)) {
    if (piece.empty()) malformed(text, "empty segment");
    if (!(piece.starts_with('{') && piece.ends_with('}') && piece.size() >= 2)) {
      if (has_brace(piece)) malformed(text, "brace inside the literal \"" + std::string(piece) + "\"");
      parts_.push_back({part_kind::literal, std::string(piece)});
      continue;
    }
    auto name = piece.substr(1, piece.size() - 2);
    const bool rest = name.ends_with('+');
    if (rest) name.remove_suffix(1);
    if (name.empty() || has_brace(name) || name.find('+') != std::string_view::npos) {
      malformed(text, "bad parameter \"" + std::string(piece) + "\"");
    }
    const bool repeated = std::any_of(parts_.begin(), parts_.end(),
                                      [&](const part& p) { return p.kind != part_kind::literal && p.text == name; });
    if (repeated) malformed(text, "parameter \"" + std::string(name) + "\" twice");
    if (rest && rest_) malformed(text, "more than one {name+}");
    if (rest) rest_ = parts_.size();
    parts_.push_back({rest ? part_kind::rest : part_kind::one, std::string(name)});
  }
}

bool route_pattern::match(std::span<const std::string> segments, route_params& params) const {
  // Without `{name+}`, part i takes segment i. With it at r, the parts before r take the first
  // segments, the parts after it the last ones, and it takes what is between (at least one).
  const std::size_t after = rest_ ? parts_.size() - *rest_ - 1 : 0;
  if (rest_ ? segments.size() < parts_.size() : segments.size() != parts_.size()) return false;
  auto segment_of = [&](std::size_t i) -> const std::string& {
    return rest_ && i > *rest_ ? segments[segments.size() - (parts_.size() - i)] : segments[i];
  };
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    if (parts_[i].kind == part_kind::literal && parts_[i].text != segment_of(i)) return false;
  }
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    if (parts_[i].kind == part_kind::one) params.insert_or_assign(parts_[i].text, segment_of(i));
    if (parts_[i].kind == part_kind::rest) {
      params.insert_or_assign(parts_[i].text, join_rest(segments.subspan(i, segments.size() - i - after)));
    }
  }
  return true;
}

std::vector<std::string> split_path(std::string_view path) {
  if (!path.starts_with('/')) throw std::invalid_argument("a path starts with '/': \"" + std::string(path) + "\"");
  std::vector<std::string> out;
  for (const auto piece : pieces(path)) out.emplace_back(piece);
  return out;
}

route_matcher::route_matcher(const std::vector<key>& keys) {
  routes_.reserve(keys.size());
  for (const auto& k : keys) routes_.emplace_back(k.method, route_pattern(k.pattern));
}

route_match_result route_matcher::match(std::string_view method, std::span<const std::string> segments) const {
  route_match_result out;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const auto& [route_method, pattern] = routes_[i];
    route_params params;
    if (!pattern.match(segments, params)) continue;
    if (route_method == method) return {route_outcome::found, i, std::move(params)};
    if (out.outcome == route_outcome::not_found) {
      out.outcome = route_outcome::method_not_allowed;
      out.index = i;
    }
  }
  return out;
}

}  // namespace bountybot::web
