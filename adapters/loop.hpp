#pragma once
/// The background loops of the service (inbox workers, outbox sender, timer scheduler, vote
/// poller): run a step until asked to stop, surviving and logging errors in between.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace bountybot::adapters {

/// Calls `drain` until `stop`; between calls waits for a NOTIFY on `channel` (on a connection of
/// its own, reopened after errors) for at most `idle_wait`. Errors are logged under `name` and
/// retried after a one-second pause.
void run_on_notify(const std::atomic<bool>& stop, const std::string& db_url, const std::string& channel,
                   std::chrono::milliseconds idle_wait, const std::string& name, const std::function<void()>& drain);

/// Calls `step` until `stop`, `pause` apart (noticing `stop` within 50 ms). Errors are logged
/// under `name` and the loop goes on.
void run_every(const std::atomic<bool>& stop, std::chrono::milliseconds pause, const std::string& name,
               const std::function<void()>& step);

}  // namespace bountybot::adapters
