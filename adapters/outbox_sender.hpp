#pragma once
/// Sends the transactional outbox: the platform API calls that processing decided (status
/// comments, replies, reactions), with retries and exponential backoff. One row is sent in one
/// transaction that locks it (FOR UPDATE SKIP LOCKED), so two instances never send a row twice.
#include "adapters/platform.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace bountybot::adapters {

struct sender_settings {
  int max_attempts = 10;                         // then the row is parked as dead
  std::chrono::seconds first_backoff{2};         // doubled per attempt
  std::chrono::seconds max_backoff{3600};
  std::chrono::milliseconds idle_wait{1000};     // wait for NOTIFY bountybot_outbox at most this long
  std::chrono::seconds lease{60};                // a claimed row is left alone this long (a crashed sender's)
  /// Called once a failed call's retry is on record (committed), for this instance's metrics.
  /// Must not block.
  std::function<void()> on_retry;
};

/// Channel notified (in the same transaction) whenever outbox rows are written.
inline constexpr const char* outbox_channel = "bountybot_outbox";

class outbox_sender {
 public:
  /// `apis`: one platform_api per platform name (`github`, `gitlab`); a platform without one
  /// keeps its rows pending.
  outbox_sender(std::string db_url, std::map<std::string, std::shared_ptr<platform_api>> apis, sender_settings s);
  ~outbox_sender();

  /// Sends every row that is due now; returns how many rows were handled (sent or rescheduled).
  int drain();

  /// Loops until `stop`: sends calls one by one (`stop` is checked between them), then sleeps
  /// until notified or `idle_wait` passes.
  void run(const std::atomic<bool>& stop);

 private:
  bool send_one();
  std::string db_url_;
  std::unique_ptr<pqxx::connection> conn_;
  std::map<std::string, std::shared_ptr<platform_api>> apis_;
  sender_settings settings_;
};

}  // namespace bountybot::adapters
