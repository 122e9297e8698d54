#pragma once
/// The loop that asks GitHub for deliveries it failed to make while the service was down: GitHub
/// never redelivers by itself (docs.github.com, "Handling failed webhook deliveries").
#include "adapters/github/app_auth.hpp"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace bountybot::jobs {

/// How often the redelivery loop looks for missed GitHub deliveries (the first look is at start).
inline constexpr std::chrono::hours redelivery_interval{1};
/// How often the loop checks its stop flag between looks.
inline constexpr std::chrono::milliseconds redelivery_stop_poll{200};

/// Runs until `stop`: at start and every `redelivery_interval`, `github::redeliver_missed` with
/// `app` against the database at `db_url`. Failures are logged and tried at the next look.
void run_redelivery(const std::atomic<bool>& stop, std::shared_ptr<github::app_credentials> app, std::string db_url);

}  // namespace bountybot::jobs
