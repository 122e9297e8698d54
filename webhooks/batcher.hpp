#pragma once
/// Group commit for the inbox: intake threads hand their verified deliveries to the batcher,
/// whose thread stores everything that queued up while the previous commit was flushing in a
/// single transaction (one WAL flush for many deliveries), then gives each caller its own
/// answer. A delivery is acknowledged only after its batch committed; if the
/// commit fails, every caller in the batch gets the error and answers 500, so nothing is
/// acknowledged unstored.
///
/// A batch is compressed here (`compress_payload`) and sent as one binary COPY through libpq
/// (libpqxx 6 has no binary COPY): PostgreSQL then spends about a third of the CPU time per
/// delivery of a multi-row INSERT of text. COPY has no ON CONFLICT, so a batch holding a delivery
/// stored before fails on the unique key and is stored again, in a new transaction, by an INSERT
/// that skips the duplicates; redeliveries are rare, and the unique key still decides.
#include "webhooks/intake.hpp"

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

/// Batches in flight at once (threads and database connections of the batcher). With the binary
/// COPY, one connection and larger batches stored more deliveries per second, with less CPU time
/// per delivery in PostgreSQL, than two connections overlapping insert and flush (eight
/// alternating 5-second intake runs: 9,800-12,000/s against 7,600-10,200/s).
inline constexpr int batcher_connections = 1;

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
  struct connection;
  void commit(std::unique_ptr<connection>& conn, std::vector<item>& batch);

  std::string db_url_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<item> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace bountybot::webhooks
