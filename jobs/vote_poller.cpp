#include "jobs/vote_poller.hpp"

#include "jobs/loop.hpp"
#include "app/clock.hpp"
#include "db/db.hpp"

#include <spdlog/spdlog.h>

#include <thread>

namespace bountybot::jobs {

using adapters::api_error;
using adapters::platform_api;

using std::chrono::sys_seconds;

namespace {

/// The open vote whose poll is due longest, locked (another instance skips it): its id, comment,
/// ETag, open and close times (epoch seconds) and its issue (platform, repository id and path, number).
constexpr const char* next_due_vote_sql =
    "SELECT v.id, v.comment_id, coalesce(v.etag, ''), extract(epoch from v.opened_at), extract(epoch from v.closes_at), "
    "r.platform, r.platform_id, r.full_path, b.issue_number FROM votes v JOIN bounties b ON b.id = v.bounty_id "
    "JOIN repositories r ON r.id = b.repository_id WHERE v.state = 'open' AND v.comment_id IS NOT NULL "
    "AND v.next_poll_at <= now() ORDER BY v.next_poll_at LIMIT 1 FOR UPDATE OF v SKIP LOCKED";
/// The ETag $2 of vote $1's reactions, for the next conditional request.
constexpr const char* set_etag_sql = "UPDATE votes SET etag = NULLIF($2, '') WHERE id = $1";
/// When vote $1 is polled next (epoch seconds $2), while it is open.
constexpr const char* set_next_poll_sql =
    "UPDATE votes SET next_poll_at = to_timestamp($2) WHERE id = $1 AND state = 'open'";

}  // namespace


sys_seconds next_poll_time(sys_seconds now, sys_seconds opened_at, sys_seconds closes_at, const poller_settings& s,
                           std::optional<long long> remaining, std::optional<long long> reset_epoch) {
  const bool hot = now - opened_at < s.hot_window || closes_at - now < s.hot_window;
  auto interval = hot ? s.reaction_poll / 5 : s.reaction_poll;
  if (interval < std::chrono::seconds{1}) interval = std::chrono::seconds{1};
  auto next = now + interval;
  if (next > closes_at && closes_at > now) next = closes_at;  // one last look right at the close
  if (remaining && *remaining < s.min_ratelimit_remaining && reset_epoch) {
    const sys_seconds reset{std::chrono::seconds{*reset_epoch}};
    if (reset > next) next = reset;
  }
  return next;
}

vote_poller::vote_poller(std::string db_url, std::map<std::string, std::shared_ptr<platform_api>> apis,
                         bot::store_settings store, poller_settings settings)
    : db_url_(std::move(db_url)), apis_(std::move(apis)), store_(std::move(store)), settings_(settings) {}
vote_poller::~vote_poller() = default;

bool vote_poller::poll_one() {
  bool polled = false;
  db::transact(conn_, db_url_, [&](pqxx::work& tx) {
    polled = false;
    const auto rows = tx.exec(next_due_vote_sql);
    if (rows.empty()) return;
    polled = true;
    const auto& row = rows[0];
    const auto vote_id = row[0].as<std::int64_t>();
    bot::issue_ref issue{row[5].as<std::string>(), row[6].as<std::int64_t>(), row[7].as<std::string>(),
                         row[8].as<std::int64_t>(), ""};
    const auto now = app::now_utc();
    const auto api = apis_.find(issue.platform);
    std::optional<long long> remaining, reset;
    try {
      if (api == apis_.end()) throw std::runtime_error("no API client for " + issue.platform);
      const auto page = api->second->list_reactions(issue, row[1].as<std::int64_t>(), row[2].as<std::string>());
      remaining = page.ratelimit_remaining;
      reset = page.ratelimit_reset_epoch;
      tx.exec_params0(set_etag_sql, vote_id, page.etag);
      if (!page.not_modified) bot::record_vote_reactions(tx, vote_id, page.reactions, store_, now);
    } catch (const pqxx::failure&) {
      throw;
    } catch (const api_error& e) {
      spdlog::warn("polling vote {} on {}: {}", vote_id, issue.key(), e.what());
      if (e.retry_after) reset = (now + *e.retry_after).time_since_epoch().count(), remaining = 0;
    } catch (const std::exception& e) {
      spdlog::warn("polling vote {} on {}: {}", vote_id, issue.key(), e.what());
    }
    const auto next = next_poll_time(now, db::to_time(row[3]), db::to_time(row[4]), settings_, remaining, reset);
    tx.exec_params0(set_next_poll_sql, vote_id,
                    static_cast<long long>(next.time_since_epoch().count()));
  });
  return polled;
}

int vote_poller::poll_due() {
  int n = 0;
  while (poll_one()) ++n;
  return n;
}

void vote_poller::run(const std::atomic<bool>& stop) {
  // Poll times are seconds apart at the least; looking every idle_wait is the schedule itself.
  run_every(stop, settings_.idle_wait, "vote poller", [this] { return poll_one(); });
}

}  // namespace bountybot::jobs
