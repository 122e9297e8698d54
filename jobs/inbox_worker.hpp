#pragma once
/// Inbox workers: each takes the oldest unprocessed delivery (FOR UPDATE SKIP LOCKED), translates
/// it through its platform adapter, lets the core decide, and commits state, ledger transfers,
/// outbox rows and the delivery's "processed" mark in one transaction. A crash before the commit
/// leaves the delivery pending for the next worker; nothing happens twice.
#include "adapters/github/events.hpp"
#include "adapters/gitlab/events.hpp"
#include "bot/store/store.hpp"

#include <boost/json/value.hpp>
#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace bountybot::jobs {

struct worker_settings {
  bot::store_settings store;
  /// Asks the platform whether a user is a maintainer (adapters/platform.hpp).
  bot::maintainer_check is_maintainer = [](const bot::issue_ref&, const bot::user_ref&) { return false; };
  github::identity github_self;
  gitlab::identity gitlab_self;
  int max_attempts = 5;                      // a delivery that fails this often is marked failed
  /// Called once a delivery's processing committed, with its platform and outcome (`to_string` of
  /// a delivery_outcome), for this instance's metrics; not for an attempt that will be retried. Must not block.
  std::function<void(const std::string& platform, const std::string& outcome)> on_processed;
  std::chrono::milliseconds idle_wait{1000};  // wait for NOTIFY at most this long
};

/// How one delivery ended, as stored in `inbox.outcome` and counted in the metrics: done
/// (processed), ignored (nothing to do), duplicate (its event had effect under another delivery
/// id), failed (malformed or failing too often; kept with its error for the operator).
enum class delivery_outcome { done, ignored, duplicate, failed };

/// The stored names: "done", "ignored", "duplicate", "failed".
constexpr std::string_view to_string(delivery_outcome o) {
  switch (o) {
    case delivery_outcome::done: return "done";
    case delivery_outcome::ignored: return "ignored";
    case delivery_outcome::duplicate: return "duplicate";
    case delivery_outcome::failed: return "failed";
  }
  return "failed";
}

/// Inbox rows read per transaction by `inbox_worker::backfill_causes`.
inline constexpr int backfill_batch_rows = 1000;

class inbox_worker {
 public:
  inbox_worker(std::string db_url, worker_settings settings);
  ~inbox_worker();

  /// Processes one pending delivery if there is one; false when none can be taken now. Deliveries
  /// of one issue are taken in the order they arrived: one whose issue has an older delivery
  /// pending (being processed elsewhere, or waiting for a retry) waits for it.
  bool process_one();
  /// Names the issue of pending deliveries not named yet (`inbox.issue_key`, '-' for none), the
  /// first step of `process_one` when nothing can be taken; returns how many were named.
  int key_pending();
  /// Processes until the inbox is empty; returns how many deliveries were taken.
  int drain();
  /// Records the causes of deliveries processed before causes were recorded (migration 012 left
  /// the last inbox id of that time in `event_cause_backfill`), `backfill_batch_rows` rows per
  /// transaction, resuming where an interrupted run stopped, then deletes the marker. Returns the
  /// causes recorded (0 at once when there is nothing to backfill). A payload that no longer
  /// translates is skipped: it had no effect.
  int backfill_causes();
  /// Loops until `stop`: processes deliveries one by one (`stop` is checked between them), then
  /// waits for NOTIFY bountybot_inbox or `idle_wait`.
  void run(const std::atomic<bool>& stop);

 private:
  struct taken_delivery;
  /// Takes and processes the next delivery that may be taken, in one transaction; false when none.
  bool take_one();
  /// Locks the oldest delivery that may be taken now (see process_one), if any.
  std::optional<taken_delivery> take_next(pqxx::work& tx);
  /// Processes `d` under a savepoint and records how it ended: its outcome once finished (failed
  /// included), nullopt when a failed attempt is to be retried. Rethrows a broken connection and
  /// a rollback (serialization failure, deadlock) for the transaction runner.
  std::optional<delivery_outcome> handle(pqxx::work& tx, const taken_delivery& d);
  /// Parses, translates and applies `d` (a GitHub installation event also records the
  /// installation); throws what parsing, translation or the store throws.
  delivery_outcome process(pqxx::work& tx, const taken_delivery& d);
  /// A Stripe event: a paid Checkout Session becomes a deposit (payments::record_card_payment).
  delivery_outcome process_stripe(pqxx::work& tx, const taken_delivery& d, const boost::json::value& event);
  /// Lets the store process a translated event; nullopt for an event with nothing to do.
  std::optional<delivery_outcome> apply_event(pqxx::work& tx, const bot::domain_event& translated, bot::utc_time now);
  /// Counts a failed attempt of `d`; true when `d` is now failed for good (a malformed payload, a
  /// final ledger refusal, or `max_attempts` reached), false when it will be retried.
  bool record_failure(pqxx::work& tx, const taken_delivery& d, const std::exception& e);
  bot::domain_event translate(const std::string& platform, const std::string& event, const boost::json::value& payload) const;

  std::string db_url_;
  worker_settings settings_;
  std::unique_ptr<pqxx::connection> conn_;
};

/// Fires durable timers (pledge and bounty deadlines, funding expiry, vote close) when due, each
/// once, also with several instances (FOR UPDATE SKIP LOCKED).
class timer_scheduler {
 public:
  timer_scheduler(std::string db_url, bot::store_settings store, std::chrono::milliseconds tick = std::chrono::milliseconds{250});
  ~timer_scheduler();
  /// Fires every timer due now; returns how many fired.
  int fire_due();
  /// Loops until `stop`: fires due timers one by one, then looks again after `tick`.
  void run(const std::atomic<bool>& stop);

 private:
  /// Fires the next due timer in its own transaction; false if none is due.
  bool fire_one();

  std::string db_url_;
  bot::store_settings store_;
  std::chrono::milliseconds tick_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace bountybot::jobs
