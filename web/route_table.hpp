#pragma once
/// The route table (pure: no Beast, Asio or pqxx): which route a request's method and decoded
/// path segments are for, and the path parameters the route's pattern takes from them. Each
/// module contributes its routes as a list of entries; the server concatenates the lists into
/// one table and dispatches through `route_table::match`.
#include <concepts>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bountybot::web {

/// Path parameters of a match, by name: `{platform}` -> "github", `{path+}` -> "owner/repo".
/// Values are decoded segments, as the request gave them.
using route_params = std::map<std::string, std::string, std::less<>>;

/// A route's path: segments after a leading '/', separated by '/'. A segment is
///  - a literal (`bounties`): equal to the request's segment, byte for byte;
///  - `{name}`: any one segment, the empty segment included;
///  - `{name+}`: one or more segments (at most one such part per pattern), greedy: it takes every
///    segment the parts after it leave, so `/a/{path+}/{n}/resolve` fits `/a/x/y/7/resolve` with
///    path "x/y", n "7". The value joins the segments with '/', the separator written only once
///    the value is non-empty: leading empty segments add nothing (`//o/r` gives "o/r"), later ones
///    stay (`o//r` gives "o//r"). The bounty API has always read repository paths so.
/// The pattern "/" has no segment and fits only the path "/".
class route_pattern {
 public:
  /// Parses `text`. Throws std::invalid_argument, naming the pattern, when it does not start with
  /// '/', has an empty segment, a brace inside a literal, an empty or repeated parameter name, or
  /// a second `{name+}`.
  explicit route_pattern(std::string_view text);

  /// Whether `segments` (the request's decoded path segments) fit; on a fit, `params` receives
  /// every parameter of the pattern (and keeps what it held under other names).
  [[nodiscard]] bool match(std::span<const std::string> segments, route_params& params) const;

  /// The pattern as written.
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  enum class part_kind { literal, one, rest };
  struct part {
    part_kind kind;
    std::string text;  // literal: the segment; one, rest: the parameter's name
  };
  std::string text_;
  std::vector<part> parts_;
  std::optional<std::size_t> rest_;  // index of the `{name+}` part, if any
};

/// The decoded path `path` (starting with '/') split at every '/': "/" gives no segment,
/// "/a//b/" gives "a", "", "b", "". Throws std::invalid_argument when `path` does not start with '/'.
[[nodiscard]] std::vector<std::string> split_path(std::string_view path);

/// What a table found for a request.
enum class route_outcome {
  found,               // a route's pattern and method fit: run it
  method_not_allowed,  // some route's pattern fits, none with this method (405)
  not_found,           // no pattern fits (404)
};

/// A table's answer: the route (for `found`, the first whose pattern and method fit; for
/// `method_not_allowed`, the first whose pattern fits; for `not_found`, none), as an index into
/// the table's entries, and the parameters the found route's pattern took (empty otherwise).
struct route_match_result {
  route_outcome outcome = route_outcome::not_found;
  std::optional<std::size_t> index;
  route_params params;
};

/// The matching of a table, without what the application attaches to each route: an ordered
/// list of {method, pattern}.
class route_matcher {
 public:
  /// One route: `method` is compared exactly ("GET", never "get"); `pattern` as route_pattern.
  struct key {
    std::string method;
    std::string pattern;
  };
  /// Parses every pattern (throws std::invalid_argument as route_pattern does).
  explicit route_matcher(const std::vector<key>& keys);

  /// The route for `method` and the decoded path `segments` (see route_match_result). Routes are
  /// tried in order; a route that fits both wins over an earlier one that fits only the path.
  [[nodiscard]] route_match_result match(std::string_view method, std::span<const std::string> segments) const;

 private:
  std::vector<std::pair<std::string, route_pattern>> routes_;
};

/// A route entry has at least `method` and `pattern` (anything else is the application's: a
/// handler, the authentication it needs...).
template <class Entry>
concept route_entry = requires(const Entry& e) {
  { e.method } -> std::convertible_to<std::string>;
  { e.pattern } -> std::convertible_to<std::string>;
};

/// An ordered list of entries and their matcher.
template <route_entry Entry>
class route_table {
 public:
  /// What `match` found: `entry` is null exactly when the outcome is not_found.
  struct result {
    route_outcome outcome = route_outcome::not_found;
    const Entry* entry = nullptr;
    route_params params;
  };

  /// Takes the entries (e.g. the lists of several modules, concatenated); throws
  /// std::invalid_argument for a malformed pattern.
  explicit route_table(std::vector<Entry> entries) : entries_(std::move(entries)), matcher_(keys_of(entries_)) {}

  /// The entry for `method` and the decoded path `segments`, as route_matcher::match.
  [[nodiscard]] result match(std::string_view method, std::span<const std::string> segments) const {
    auto m = matcher_.match(method, segments);
    return {m.outcome, m.index ? &entries_[*m.index] : nullptr, std::move(m.params)};
  }

  /// The entries, in the order given.
  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }

 private:
  static std::vector<route_matcher::key> keys_of(const std::vector<Entry>& entries) {
    std::vector<route_matcher::key> keys;
    keys.reserve(entries.size());
    for (const auto& e : entries) keys.push_back({std::string(e.method), std::string(e.pattern)});
    return keys;
  }

  std::vector<Entry> entries_;
  route_matcher matcher_;
};

}  // namespace bountybot::web
