#pragma once
/// The background loops of the service (inbox workers, outbox sender, timer scheduler, vote
/// poller): do one unit of work after another until there is none or they are asked to stop,
/// surviving and logging errors in between. `stop` is checked between units, each its own
/// transaction, so a stop under a backlog waits for one unit, not the backlog: what is left stays
/// in the database for the next start or another instance.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace bountybot::jobs {

/// One unit of work (a delivery, a call, a timer, a vote): true if there was one.
using work_unit = std::function<bool()>;

/// Calls `one` until it finds nothing or `stop`; then waits for a NOTIFY on `channel` (on a
/// connection of its own, reopened after errors) for at most `idle_wait`, and again. Errors are
/// logged under `name` and retried after a one-second pause.
void run_on_notify(const std::atomic<bool>& stop, const std::string& db_url, const std::string& channel,
                   std::chrono::milliseconds idle_wait, const std::string& name, const work_unit& one);

/// Calls `one` until it finds nothing or `stop`; then pauses `pause` (noticing `stop` within
/// 50 ms), and again. Errors are logged under `name` and the loop goes on.
void run_every(const std::atomic<bool>& stop, std::chrono::milliseconds pause, const std::string& name,
               const work_unit& one);

}  // namespace bountybot::jobs
