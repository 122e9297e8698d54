#pragma once
/// Group commit for the inbox: intake threads hand their verified deliveries to one batcher
/// thread, which stores everything that queued up while the previous commit was flushing in a
/// single transaction (one WAL flush for many deliveries), then wakes each caller with its own
/// answer. A delivery is acknowledged only after its batch committed; if the commit fails, every
/// caller in the batch gets the error and answers 500, so nothing is acknowledged unstored.
#include "webhooks/intake.hpp"

#include <pqxx/pqxx>

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace bountybot::webhooks {

/// Most deliveries stored in one transaction; bounds the statement size and a batch's latency.
inline constexpr std::size_t max_batch_deliveries = 256;

class delivery_batcher {
 public:
  explicit delivery_batcher(std::string db_url);
  ~delivery_batcher();
  delivery_batcher(const delivery_batcher&) = delete;
  delivery_batcher& operator=(const delivery_batcher&) = delete;

  /// Stores `d` durably; true if it was new, false if the same platform and delivery id was stored
  /// before (or earlier in the same batch). Blocks until its batch committed; throws if it failed.
  bool store(delivery d);

 private:
  struct item {
    delivery d;
    std::promise<bool> stored;
  };
  void run();
  void commit(std::vector<item>& batch);

  std::string db_url_;
  std::unique_ptr<pqxx::connection> conn_;
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<item> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace bountybot::webhooks
