#pragma once
/// UTC time and durations for the core. The core never reads the clock: callers pass `now`.
#include "escrow/result.hpp"

#include <chrono>
#include <string>
#include <string_view>

namespace bountybot::bot {

/// A UTC instant with one-second resolution.
using utc_time = std::chrono::sys_seconds;

/// Parses a deadline: `YYYY-MM-DD` means the end of that day in UTC (the next day's 00:00:00Z),
/// so `until 2027-01-31` covers all of January 31st; or an RFC 3339 date-time with `Z` or an
/// offset (fractions of a second are dropped). Problem code `date` on anything else.
result<utc_time> parse_deadline(std::string_view text);

/// RFC 3339 in UTC: `2027-02-01T00:00:00Z`.
std::string format_rfc3339(utc_time t);

/// `2027-02-01` (the UTC date).
std::string format_date(utc_time t);

/// Durations of SPEC §10: a positive whole number and a unit, `30s`, `15m`, `2h`, `7d`.
/// Problem code `duration` otherwise.
result<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace bountybot::bot
