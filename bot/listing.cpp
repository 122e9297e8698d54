#include "bot/listing.hpp"

#include "bot/status.hpp"
#include "escrow/inert.hpp"
#include "escrow/money.hpp"

#include <charconv>

namespace bountybot::bot {
namespace {

constexpr bounty_state all_states[] = {bounty_state::open,      bounty_state::accepted, bounty_state::voting,
                                       bounty_state::completed, bounty_state::cancelled, bounty_state::expired};

std::optional<std::int64_t> whole_number(std::string_view s) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return n;
}

std::optional<std::vector<bounty_state>> states_named(std::string_view name) {
  if (name == "live") return live_states();
  for (auto s : all_states) {
    if (to_string(s) == name) return std::vector<bounty_state>{s};
  }
  return std::nullopt;
}

// The cursor's one-letter tag per sort.
char tag_of(list_sort s) { return s == list_sort::activity ? 'a' : 'h'; }

}  // namespace

std::string_view to_string(list_sort s) { return s == list_sort::activity ? "activity" : "held"; }

std::optional<list_sort> list_sort_from(std::string_view name) {
  for (auto s : {list_sort::activity, list_sort::held}) {
    if (to_string(s) == name) return s;
  }
  return std::nullopt;
}

std::vector<bounty_state> live_states() {
  std::vector<bounty_state> out;
  for (auto s : all_states) {
    if (is_live(s)) out.push_back(s);
  }
  return out;
}

std::string encode_cursor(list_sort sort, const list_cursor& c) {
  return std::string(1, tag_of(sort)) + "." + std::to_string(c.key) + "." + std::to_string(c.id);
}

std::optional<list_cursor> decode_cursor(list_sort sort, std::string_view text) {
  if (text.size() < 5 || text[0] != tag_of(sort) || text[1] != '.') return std::nullopt;
  const auto rest = text.substr(2);
  const auto dot = rest.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto key = whole_number(rest.substr(0, dot));
  const auto id = whole_number(rest.substr(dot + 1));
  if (!key || !id || *id <= 0 || *key < 0) return std::nullopt;
  if (sort == list_sort::activity && *key > max_cursor_epoch) return std::nullopt;
  return list_cursor{*key, *id};
}

result<list_query> parse_list_query(const std::map<std::string, std::string>& params,
                                    const std::vector<bounty_state>& default_states) {
  const auto given = [&](const char* name) -> std::optional<std::string> {
    const auto it = params.find(name);
    if (it == params.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  list_query q;
  q.states = default_states;
  if (const auto p = given("platform")) {
    q.on = platform_from(*p);
    if (!q.on) return make_problem(problem_code::platform, text_list_platform());
  }
  if (const auto r = given("repo")) {
    if (r->size() > max_repo_filter_chars || has_control_chars(*r) || !is_utf8(*r)) {
      return make_problem(problem_code::repo, text_list_repo(max_repo_filter_chars));
    }
    q.repo = *r;
  }
  if (const auto c = given("currency")) {
    const auto* known = escrow::find_currency(*c);
    if (known == nullptr) return make_problem(problem_code::currency, text_list_currency());
    q.currency = std::string(known->code);
  }
  if (const auto s = given("state")) {
    if (*s == "all") {
      q.states.clear();
    } else if (auto named = states_named(*s)) {
      q.states = std::move(*named);
    } else {
      return make_problem(problem_code::state, text_list_state());
    }
  }
  if (const auto s = given("sort")) {
    const auto sort = list_sort_from(*s);
    if (!sort) return make_problem(problem_code::sort, text_list_sort());
    q.sort = *sort;
  }
  if (const auto l = given("limit")) {
    const auto n = whole_number(*l);
    if (!n || *n < 1 || *n > max_list_limit) {
      return make_problem(problem_code::limit, text_list_limit(max_list_limit));
    }
    q.limit = static_cast<int>(*n);
  }
  if (const auto c = given("cursor")) {
    q.after = decode_cursor(q.sort, *c);
    if (!q.after) return make_problem(problem_code::cursor, text_list_cursor());
  }
  return q;
}

std::optional<std::string> next_cursor(const list_query& q, const std::vector<listed_bounty>& rows) {
  if (rows.size() <= static_cast<std::size_t>(q.limit)) return std::nullopt;
  const auto& last = rows[static_cast<std::size_t>(q.limit) - 1];
  const std::int64_t key = q.sort == list_sort::activity ? last.activity_at.time_since_epoch().count() : last.held_minor;
  return encode_cursor(q.sort, {key, last.id});
}

}  // namespace bountybot::bot
