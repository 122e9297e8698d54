#pragma once
/// Group commit for the inbox: intake threads hand their verified deliveries to the batcher,
/// whose threads (each with its own connection) store everything that queued up while the
/// previous commits were flushing in a single transaction (one WAL flush for many deliveries),
/// then give each caller its own answer. With two or more threads, one batch is inserted while
/// another waits for its flush. A delivery is acknowledged only after its batch committed; if the commit fails, every
/// caller in the batch gets the error and answers 500, so nothing is acknowledged unstored.
#include "webhooks/intake.hpp"

#include <pqxx/pqxx>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace bountybot::webhooks {

/// Most deliveries stored in one transaction; bounds the statement size and a batch's latency.
inline constexpr std::size_t max_batch_deliveries = 256;

/// Batches in flight at once (threads and database connections of the batcher).
inline constexpr int batcher_connections = 2;

class delivery_batcher {
 public:
  explicit delivery_batcher(std::string db_url);
  ~delivery_batcher();
  delivery_batcher(const delivery_batcher&) = delete;
  delivery_batcher& operator=(const delivery_batcher&) = delete;

  /// Called once the delivery's batch committed (`error` null, `fresh` false for a duplicate) or
  /// failed (`error` set), on the batcher's thread: it must not block.
  using completion = std::function<void(std::exception_ptr error, bool fresh)>;

  /// Queues `d` for the next batch and returns at once; `done` tells how it went. `fresh` is true
  /// if the delivery was new, false if the same platform and delivery id was stored before (or
  /// earlier in the same batch). After shutdown began, `done` gets an error immediately.
  void submit(delivery d, completion done);

  /// `submit`, waiting for the answer: true if new; throws if the batch failed.
  bool store(delivery d);

 private:
  struct item {
    delivery d;
    completion done;
  };
  void run();
  void commit(std::unique_ptr<pqxx::connection>& conn, std::vector<item>& batch);

  std::string db_url_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<item> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace bountybot::webhooks
