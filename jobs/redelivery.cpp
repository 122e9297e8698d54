#include "jobs/redelivery.hpp"

#include "adapters/github/installations.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <thread>

namespace bountybot::jobs {

void run_redelivery(const std::atomic<bool>& stop, std::shared_ptr<github::app_credentials> app, std::string db_url) {
  auto next = std::chrono::steady_clock::now();
  while (!stop) {
    if (std::chrono::steady_clock::now() >= next) {
      try {
        pqxx::connection conn(db_url);
        github::redeliver_missed(*app, conn);
      } catch (const std::exception& e) {
        spdlog::warn("looking for missed GitHub deliveries: {}", e.what());
      }
      next = std::chrono::steady_clock::now() + redelivery_interval;
    }
    std::this_thread::sleep_for(redelivery_stop_poll);
  }
}

}  // namespace bountybot::jobs
