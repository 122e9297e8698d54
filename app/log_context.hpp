#pragma once
/// What the current thread is working on, carried by every log line it writes (as JSON fields
/// with BOUNTYBOT_LOG_FORMAT=json, as `key=value` suffixes in text): the delivery
/// (`platform:delivery id`), the issue key (`platform:owner/repo#number`) and the command.
/// A scope sets the fields it is given and restores the previous ones when it ends.
#include <string>

namespace bountybot::app {

struct log_fields {
  std::string delivery;
  std::string issue;
  std::string command;
};

/// The current thread's fields; empty ones are left out of the line.
inline log_fields& current_log_fields() {
  thread_local log_fields fields;
  return fields;
}

/// Sets the non-empty fields of `f` for the lifetime of the scope.
class log_scope {
 public:
  explicit log_scope(const log_fields& f) : saved_(current_log_fields()) {
    auto& now = current_log_fields();
    if (!f.delivery.empty()) now.delivery = f.delivery;
    if (!f.issue.empty()) now.issue = f.issue;
    if (!f.command.empty()) now.command = f.command;
  }
  ~log_scope() { current_log_fields() = std::move(saved_); }
  log_scope(const log_scope&) = delete;
  log_scope& operator=(const log_scope&) = delete;

 private:
  log_fields saved_;
};

}  // namespace bountybot::app
