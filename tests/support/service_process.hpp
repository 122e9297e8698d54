#pragma once
// The real `bountybot serve` binary as a child process, for end-to-end tests over loopback.
#include "adapters/http_client.hpp"

#include <sys/types.h>

#include <map>
#include <vector>
#include <string>

namespace bountybot::testing {

/// A TCP port on 127.0.0.1 that was free a moment ago.
unsigned short free_port();

class service_process {
 public:
  /// Starts `bountybot serve` with `env` (BOUNTYBOT_LISTEN is set to a free port) and waits until
  /// /healthz answers. Throws if it does not within 30 s.
  /// `log_file`, when given, receives the service's stdout and stderr.
  explicit service_process(std::map<std::string, std::string> env, const std::string& log_file = "");
  ~service_process();
  service_process(const service_process&) = delete;
  service_process& operator=(const service_process&) = delete;

  /// SIGKILL: a crash, with no chance to clean up.
  void kill_hard();
  /// SIGTERM and wait; returns the exit status.
  int stop();

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  adapters::http_response request(const std::string& method, const std::string& target, const std::string& body = "",
                                  const std::map<std::string, std::string>& headers = {}) const;

 private:
  pid_t pid_ = -1;
  unsigned short port_ = 0;
};

/// Runs the bountybot binary with `args` and `env` to completion; returns exit code and output.
struct command_result {
  int exit_code;
  std::string output;
};
command_result run_bountybot(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);

}  // namespace bountybot::testing
