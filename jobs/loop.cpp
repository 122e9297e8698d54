#include "jobs/loop.hpp"

#include <pqxx/pqxx>
#include <spdlog/spdlog.h>

#include <thread>

namespace bountybot::jobs {
namespace {
struct wake_on_notify final : pqxx::notification_receiver {
  wake_on_notify(pqxx::connection_base& c, const std::string& channel) : pqxx::notification_receiver(c, channel) {}
  void operator()(const std::string&, int) override {}
};

void pause_unless_stopped(const std::atomic<bool>& stop, std::chrono::milliseconds pause) {
  constexpr std::chrono::milliseconds slice{50};
  for (auto waited = std::chrono::milliseconds{0}; waited < pause && !stop; waited += slice) {
    std::this_thread::sleep_for(slice);  // the schedule itself: nothing to await but time
  }
}
}  // namespace

void run_on_notify(const std::atomic<bool>& stop, const std::string& db_url, const std::string& channel,
                   std::chrono::milliseconds idle_wait, const std::string& name, const work_unit& one) {
  while (!stop) {
    try {
      pqxx::connection listener(db_url);
      wake_on_notify flag(listener, channel);
      while (!stop) {
        while (!stop && one()) {
        }
        if (stop) break;
        const auto ms = idle_wait.count();
        listener.await_notification(ms / 1000, (ms % 1000) * 1000);
      }
    } catch (const std::exception& e) {
      spdlog::error("{}: {}", name, e.what());
      pause_unless_stopped(stop, std::chrono::seconds{1});  // back off before reconnecting
    }
  }
}

void run_every(const std::atomic<bool>& stop, std::chrono::milliseconds pause, const std::string& name,
               const work_unit& one) {
  while (!stop) {
    try {
      while (!stop && one()) {
      }
    } catch (const std::exception& e) {
      spdlog::error("{}: {}", name, e.what());
    }
    pause_unless_stopped(stop, pause);
  }
}

}  // namespace bountybot::jobs
