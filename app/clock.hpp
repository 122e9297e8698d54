#pragma once
/// The wall clock, read at the edges: the pure core never reads it, it is given `now`.
#include "bot/time.hpp"

#include <chrono>

namespace bountybot::app {

/// The current time in whole seconds, UTC (the system clock, truncated).
inline bot::utc_time now_utc() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace bountybot::app
