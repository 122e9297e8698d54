#pragma once
/// The public lists of bounties (SPEC §9 `GET /api/v1/bounties`, §15 `/`): what a visitor may ask
/// for (filters, sort, page size, cursor), checked before any query. Pure.
#include "bot/bounty.hpp"
#include "bot/platform.hpp"
#include "escrow/result.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bountybot::bot {

/// The most bounties one page lists (SPEC §9: `limit` <= 100).
inline constexpr int max_list_limit = 100;
/// Bounties on a page when `limit` is not given (SPEC §9).
inline constexpr int default_list_limit = 20;
/// The longest `repo` filter (bytes): a full path on GitHub or GitLab.
inline constexpr std::size_t max_repo_filter_chars = 255;

/// How a list is ordered: by latest activity (a pledge, a label, a vote, a release…) or by the
/// amount held in escrow, newest or largest first; ties by the bounty's id, highest first.
enum class list_sort { activity, held };

/// "activity", "held".
std::string_view to_string(list_sort s);
/// The order `to_string` names, or nullopt.
std::optional<list_sort> list_sort_from(std::string_view name);

/// The latest activity a cursor may name, epoch seconds (9999-12-31T23:59:59Z): later ones are
/// refused rather than handed to the database's timestamp range.
inline constexpr std::int64_t max_cursor_epoch = 253'402'300'799;

/// Where a page starts: after the bounty with this sort key (epoch seconds of its activity, or
/// minor units held) and id.
struct list_cursor {
  std::int64_t key = 0;
  std::int64_t id = 0;
  friend bool operator==(const list_cursor&, const list_cursor&) = default;
};

/// One list request, checked. Empty `states` means every state.
struct list_query {
  std::optional<platform> on;
  std::optional<std::string> repo;      // a repository's full path, as written (matched case-insensitively)
  std::optional<std::string> currency;  // an upper-case ISO 4217 code
  std::vector<bounty_state> states;
  list_sort sort = list_sort::activity;
  int limit = default_list_limit;
  std::optional<list_cursor> after;
};

/// The cursor's text: opaque to callers (they pass back what `next_cursor` gave); it names its
/// sort so that a cursor of one order is refused by the other.
std::string encode_cursor(list_sort sort, const list_cursor& c);

/// The cursor `encode_cursor` wrote for `sort`, or nullopt for any other text.
std::optional<list_cursor> decode_cursor(list_sort sort, std::string_view text);

/// Reads a list request's parameters (`platform`, `repo`, `currency`, `state`, `sort`, `limit`,
/// `cursor`; empty values count as absent). `state` is a state of SPEC §6 or `live` (open,
/// accepted, voting); without one, `default_states` applies. Refusals (problem codes, with a
/// message naming the parameter): `platform`, `repo` (control characters, longer than
/// `max_repo_filter_chars`, not UTF-8), `currency` (unknown code), `state`, `sort` (`activity` or `held`),
/// `limit` (not 1..max_list_limit), `cursor` (not one this list wrote).
[[nodiscard]] result<list_query> parse_list_query(const std::map<std::string, std::string>& params,
                                                  const std::vector<bounty_state>& default_states);

/// The live states (open, accepted, voting): what `/` lists unless asked otherwise.
std::vector<bounty_state> live_states();

/// A listed bounty as the lists show it (amounts in minor units of `currency`).
struct listed_bounty {
  std::int64_t id = 0;
  issue_ref issue;
  bounty_state state = bounty_state::open;
  std::optional<std::string> currency;  // none until the first money pledge
  std::optional<std::int64_t> goal_minor;
  std::int64_t held_minor = 0;
  int sponsors = 0;
  std::optional<utc_time> deadline;
  utc_time activity_at{};
};

/// The cursor of the page after `rows` (the rows of a page of `limit` fetched with one extra row
/// to know whether more follow): nullopt when `rows` holds `limit` or fewer.
std::optional<std::string> next_cursor(const list_query& q, const std::vector<listed_bounty>& rows);

}  // namespace bountybot::bot
