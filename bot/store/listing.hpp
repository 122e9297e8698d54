#pragma once
/// The public lists of bounties read from PostgreSQL (SPEC §9, §15): keyset pages over the
/// indexes of migration 020, and the service's totals.
#include "bot/listing.hpp"

#include <pqxx/pqxx>

#include <cstdint>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

namespace bountybot::bot {

/// The bounties of `q`, in its order, after its cursor: at most `q.limit + 1` rows (the extra row
/// says whether another page follows; see `next_cursor`). A `repo` filter naming no repository
/// lists nothing.
[[nodiscard]] std::vector<listed_bounty> list_bounties(pqxx::work& tx, const list_query& q);

/// The bounty on issue `number` of the repository at `full_path` (any path it had, any case) on
/// `platform`, as the lists show it; nullopt when there is none.
[[nodiscard]] std::optional<listed_bounty> find_listed_bounty(pqxx::work& tx, std::string_view platform,
                                                              std::string_view full_path, std::int64_t number);

/// The most history entries a bounty page shows: the newest ones.
inline constexpr int max_history_entries = 500;
/// The most points of a bounty's funding chart: its newest transfers.
inline constexpr int max_series_points = 2000;

/// One entry of a bounty's history, as stored: `kind` is `pledge` (`detail`: its state),
/// `<transfer kind>:in` / `:out` (money into or out of the escrow account), `vote_opened`
/// (`who` submitted, `detail`: the link), `vote_approved`, `vote_rejected`, `resolution_release`
/// or `resolution_refund` (`detail`: the reason), `state_<state>`. Amounts in minor units of the bounty's currency.
struct history_entry {
  utc_time at{};
  std::string kind;
  std::string who;
  std::int64_t amount_minor = 0;
  std::string detail;
};

/// The history of bounty `bounty_id`, oldest first: its newest max_history_entries entries. A
/// `state_<state>` entry says when it entered that state.
[[nodiscard]] std::vector<history_entry> bounty_history(pqxx::work& tx, std::int64_t bounty_id);

/// What the escrow of a bounty held after one transfer into or out of it (minor units).
struct escrow_point {
  utc_time at{};
  std::int64_t held_minor = 0;
};

/// The escrow of bounty `bounty_id` over time, oldest first: its balance after each of its newest
/// max_series_points transfers (the balance counts every transfer, also older ones).
[[nodiscard]] std::vector<escrow_point> escrow_series(pqxx::work& tx, std::int64_t bounty_id);

/// The service's totals in one currency (minor units): held in escrow now, released from escrow,
/// and its bounties (all, and live ones).
struct currency_totals {
  std::string currency;
  std::int64_t held_minor = 0;
  std::int64_t released_minor = 0;
  std::int64_t bounties = 0;
  std::int64_t live = 0;
};

/// Every bounty and the live ones, whatever their currency (a bounty without money has none).
struct service_totals {
  std::vector<currency_totals> by_currency;  // by currency code
  std::int64_t bounties = 0;
  std::int64_t live = 0;
};

/// The totals, read now: one pass over the bounties (the pages cache them; see web/).
[[nodiscard]] service_totals read_totals(pqxx::work& tx);

}  // namespace bountybot::bot
