#pragma once
/// Polls the reactions of open vote comments where the platform sends no reaction events
/// (GitHub; GitLab as a fallback to its emoji events), SPEC §7. Conditional requests with the
/// last ETag (a 304 costs no GitHub rate limit); new and about-to-close votes are polled every
/// `reaction_poll / 5`, others every `reaction_poll`; when the rate limit runs low, polling waits
/// for its reset.
#include "adapters/platform.hpp"
#include "bot/store/store.hpp"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>

namespace bountybot::jobs {

struct poller_settings {
  std::chrono::seconds reaction_poll{300};         // BOUNTYBOT_REACTION_POLL
  std::chrono::seconds hot_window{3600};           // "new" and "about to close": within this of open/close
  long long min_ratelimit_remaining = 100;         // below this, wait for the reset
  std::chrono::milliseconds idle_wait{1000};
};

/// When a vote should be polled next (pure): `now` + the interval for its age and time left, or
/// the rate-limit reset when fewer than `min_ratelimit_remaining` calls are left.
std::chrono::sys_seconds next_poll_time(std::chrono::sys_seconds now, std::chrono::sys_seconds opened_at,
                                        std::chrono::sys_seconds closes_at, const poller_settings& s,
                                        std::optional<long long> remaining, std::optional<long long> reset_epoch);

class vote_poller {
 public:
  vote_poller(std::string db_url, std::map<std::string, std::shared_ptr<adapters::platform_api>> apis,
              bot::store_settings store, poller_settings settings);
  ~vote_poller();
  /// Polls every vote that is due; returns how many were polled.
  int poll_due();
  void run(const std::atomic<bool>& stop);

 private:
  bool poll_one();
  std::string db_url_;
  std::unique_ptr<pqxx::connection> conn_;
  std::map<std::string, std::shared_ptr<adapters::platform_api>> apis_;
  bot::store_settings store_;
  poller_settings settings_;
};

}  // namespace bountybot::jobs
