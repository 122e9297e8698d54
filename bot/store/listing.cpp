#include "bot/store/listing.hpp"

#include "bot/store/sql.hpp"
#include "db/db.hpp"
#include "escrow/ledger.hpp"

#include <algorithm>
#include <optional>

namespace bountybot::bot {
namespace {

// A PostgreSQL array literal of plain words or numbers: {open,accepted}.
template <typename T, typename Name>
std::optional<std::string> array_of(const std::vector<T>& items, Name name) {
  if (items.empty()) return std::nullopt;
  std::string out = "{";
  for (const auto& i : items) out += (out.size() > 1 ? "," : "") + std::string(name(i));
  return out + "}";
}

listed_bounty listed_from(const pqxx::row& row) {
  listed_bounty b;
  b.id = row[0].as<std::int64_t>();
  b.issue = {row[1].as<std::string>(), row[2].as<std::int64_t>(), row[3].as<std::string>(), row[4].as<std::int64_t>(),
             row[5].as<std::string>()};
  b.state = bounty_state_from(row[6].as<std::string>());
  if (!row[7].is_null()) b.currency = row[7].as<std::string>();
  if (!row[8].is_null()) b.goal_minor = row[8].as<std::int64_t>();
  b.held_minor = row[9].as<std::int64_t>();
  if (!row[10].is_null()) b.deadline = utc_time{std::chrono::seconds{row[10].as<std::int64_t>()}};
  b.activity_at = utc_time{std::chrono::seconds{row[11].as<std::int64_t>()}};
  b.sponsors = row[12].as<int>();
  return b;
}

}  // namespace

std::vector<listed_bounty> list_bounties(pqxx::work& tx, const list_query& q) {
  const std::optional<std::string> on = q.on ? std::optional<std::string>(to_string(*q.on)) : std::nullopt;
  // A `repo` filter names one repository or a few (the path on both platforms, or a path two
  // repositories had in turn): each is read through its own index, and the pages merged.
  std::vector<std::optional<std::int64_t>> repositories{std::nullopt};
  if (q.repo) {
    repositories.clear();
    for (const auto& row : tx.exec_params(sql::repositories_named, on, *q.repo)) repositories.emplace_back(row[0].as<std::int64_t>());
    if (repositories.empty()) return {};
  }
  const auto states = array_of(q.states, [](bounty_state s) { return to_string(s); });
  const std::optional<std::int64_t> key = q.after ? std::optional<std::int64_t>(q.after->key) : std::nullopt;
  const std::optional<std::int64_t> id = q.after ? std::optional<std::int64_t>(q.after->id) : std::nullopt;
  const auto& statement = q.sort == list_sort::activity ? sql::list_by_activity : sql::list_by_held;
  std::vector<listed_bounty> out;
  for (const auto& repository : repositories) {
    for (const auto& row : tx.exec_params(statement, states, on, repository, q.currency, key, id, q.limit + 1)) {
      out.push_back(listed_from(row));
    }
  }
  if (repositories.size() > 1) {
    const auto sort_key = [&](const listed_bounty& b) {
      return std::pair(q.sort == list_sort::activity ? b.activity_at.time_since_epoch().count() : b.held_minor, b.id);
    };
    std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) { return sort_key(a) > sort_key(b); });
    if (out.size() > static_cast<std::size_t>(q.limit) + 1) out.resize(static_cast<std::size_t>(q.limit) + 1);
  }
  return out;
}

std::optional<listed_bounty> find_listed_bounty(pqxx::work& tx, std::string_view platform, std::string_view full_path,
                                               std::int64_t number) {
  const std::optional<std::string> none;
  const auto r = tx.exec_params(sql::listed_by_issue, none, none, none, none, std::string(platform), std::string(full_path),
                                number);
  if (r.empty()) return std::nullopt;
  return listed_from(r[0]);
}

std::vector<history_entry> bounty_history(pqxx::work& tx, std::int64_t bounty_id) {
  std::vector<history_entry> out;
  for (const auto& row : tx.exec_params(sql::bounty_history, bounty_id, escrow::escrow_account(bounty_id), max_history_entries)) {
    out.push_back({utc_time{std::chrono::seconds{row[0].as<std::int64_t>()}}, row[1].as<std::string>(),
                   row[2].as<std::string>(), row[3].as<std::int64_t>(), row[4].as<std::string>()});
  }
  std::reverse(out.begin(), out.end());  // read newest first, so that a long history keeps its end
  return out;
}

std::vector<escrow_point> escrow_series(pqxx::work& tx, std::int64_t bounty_id) {
  std::vector<escrow_point> out;
  for (const auto& row : tx.exec_params(sql::escrow_series, escrow::escrow_account(bounty_id), max_series_points)) {
    out.push_back({utc_time{std::chrono::seconds{row[0].as<std::int64_t>()}}, row[1].as<std::int64_t>()});
  }
  std::reverse(out.begin(), out.end());
  return out;
}

service_totals read_totals(pqxx::work& tx) {
  service_totals t;
  for (const auto& row : tx.exec(sql::totals_by_currency)) {
    t.by_currency.push_back({row[0].as<std::string>(), row[1].as<std::int64_t>(), row[2].as<std::int64_t>(),
                             row[3].as<std::int64_t>(), row[4].as<std::int64_t>()});
  }
  const auto counts = tx.exec1(sql::bounty_counts);
  t.bounties = counts[0].as<std::int64_t>();
  t.live = counts[1].as<std::int64_t>();
  return t;
}

}  // namespace bountybot::bot
