#pragma once
/// The service's log lines: UTC timestamps, the level, the message and the thread's log fields
/// (app/log_context.hpp), as text or as one JSON object per line (BOUNTYBOT_LOG_FORMAT).
#include "app/config.hpp"

namespace bountybot::app {

/// Sets spdlog's formatter for `c.log_format`:
/// `text`: `2026-01-02T03:04:05.678Z info message delivery=… issue=… command=…`;
/// `json`: `{"time":"2026-01-02T03:04:05.678901Z","level":"info","thread":N,"message":"…","delivery":"…",…}`
/// with the message and fields escaped as JSON strings (RFC 8259 §7). Fields that are not set
/// are left out.
void setup_logging(const config& c);

}  // namespace bountybot::app
