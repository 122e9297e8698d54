#pragma once
/// Sends the transactional outbox: the platform API calls that processing decided (status
/// comments, replies, reactions), with retries and exponential backoff. One row is sent in one
/// transaction that locks it (FOR UPDATE SKIP LOCKED), so two instances never send a row twice.
#include "adapters/platform.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace bountybot::jobs {

struct sender_settings {
  int max_attempts = 10;                         // then the row is parked as dead
  std::chrono::seconds first_backoff{2};         // doubled per attempt
  std::chrono::seconds max_backoff{3600};
  std::chrono::milliseconds idle_wait{1000};     // wait for NOTIFY bountybot_outbox at most this long
  std::chrono::seconds lease{60};                // a claimed row is left alone this long (a crashed sender's)
  /// The service's public base URL (BOUNTYBOT_PUBLIC_URL): status comments link to the bounty's
  /// page and show its badge from there; empty: no link and no badge.
  std::string public_url;
  /// Called once a failed call's retry is on record (committed), for this instance's metrics.
  /// Must not block.
  std::function<void()> on_retry;
};

/// Channel notified (in the same transaction) whenever outbox rows are written.
inline constexpr const char* outbox_channel = "bountybot_outbox";

/// `bountybot outbox list`: the calls not sent yet, oldest first. Columns (text): id, kind,
/// issue (`platform:path#number`), attempts, state (`dead` | `pending`), next attempt
/// (`YYYY-MM-DDTHH:MM:SSZ`), last error (empty for none).
inline constexpr const char* list_unsent_calls_sql =
    "SELECT o.id, o.kind, r.platform || ':' || r.full_path || '#' || o.issue_number, o.attempts, "
    "CASE WHEN o.dead THEN 'dead' ELSE 'pending' END, to_char(o.next_attempt_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "coalesce(o.last_error, '') FROM outbox o JOIN repositories r ON r.id = o.repository_id "
    "WHERE o.sent_at IS NULL ORDER BY o.id";

/// `bountybot outbox list --dead`: as list_unsent_calls_sql, the dead calls only.
inline constexpr const char* list_dead_calls_sql =
    "SELECT o.id, o.kind, r.platform || ':' || r.full_path || '#' || o.issue_number, o.attempts, "
    "CASE WHEN o.dead THEN 'dead' ELSE 'pending' END, to_char(o.next_attempt_at, 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
    "coalesce(o.last_error, '') FROM outbox o JOIN repositories r ON r.id = o.repository_id "
    "WHERE o.sent_at IS NULL AND o.dead ORDER BY o.id";

/// `bountybot outbox retry`: queues dead calls again, now and with their attempts reset; $1 a
/// bigint[] of outbox ids, empty for every dead call. Returns the ids queued.
inline constexpr const char* requeue_dead_calls_sql =
    "UPDATE outbox SET dead = false, attempts = 0, next_attempt_at = now() WHERE sent_at IS NULL AND dead "
    "AND (cardinality($1::bigint[]) = 0 OR id = ANY($1::bigint[])) RETURNING id";

class outbox_sender {
 public:
  /// `apis`: one platform_api per platform name (`github`, `gitlab`); a platform without one
  /// keeps its rows pending.
  outbox_sender(std::string db_url, std::map<std::string, std::shared_ptr<adapters::platform_api>> apis, sender_settings s);
  ~outbox_sender();

  /// Sends every row that is due now; returns how many rows were handled (sent or rescheduled).
  int drain();

  /// Loops until `stop`: sends calls one by one (`stop` is checked between them), then sleeps
  /// until notified or `idle_wait` passes.
  void run(const std::atomic<bool>& stop);

 private:
  /// Sends the next due row, if any: claims it (claim_next), then sends it (send_claimed) in a
  /// transaction of its own. False when no row was due.
  bool send_one();
  /// Claims the next due row in a transaction of its own (counting the attempt and leasing the
  /// row for `lease`); its id, or nullopt when none is due.
  std::optional<std::int64_t> claim_next();
  /// Sends claimed row `claimed_id` in `tx` and records the outcome (sent, rescheduled, dead, or
  /// parked when its platform has no client). True when a failed call was rescheduled. Throws
  /// pqxx errors, for the transaction runner.
  bool send_claimed(pqxx::work& tx, std::int64_t claimed_id);
  std::string db_url_;
  std::unique_ptr<pqxx::connection> conn_;
  std::map<std::string, std::shared_ptr<adapters::platform_api>> apis_;
  sender_settings settings_;
};

}  // namespace bountybot::jobs
