#include "tests/support/service_process.hpp"

#include <boost/asio.hpp>

#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <spawn.h>
#include <stdexcept>
#include <fcntl.h>
#include <sys/wait.h>
#include <thread>
#include <vector>

extern char** environ;

namespace bountybot::testing {

unsigned short free_port() {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

namespace {
std::vector<std::string> child_environment(const std::map<std::string, std::string>& env) {
  std::vector<std::string> out;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "BOUNTYBOT_", 10) != 0) out.emplace_back(*e);
  }
  for (const auto& [k, v] : env) out.push_back(k + "=" + v);
  return out;
}

pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env, posix_spawn_file_actions_t* fa) {
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  pid_t pid = -1;
  if (posix_spawn(&pid, args[0].c_str(), fa, nullptr, argv.data(), envp.data()) != 0) {
    throw std::runtime_error("cannot start " + args[0]);
  }
  return pid;
}
}  // namespace

service_process::service_process(std::map<std::string, std::string> env, const std::string& log_file) {
  port_ = free_port();
  env["BOUNTYBOT_LISTEN"] = "127.0.0.1:" + std::to_string(port_);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (!log_file.empty()) {
    posix_spawn_file_actions_addopen(&fa, 1, log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
  }
  pid_ = spawn({BOUNTYBOT_BINARY, "serve"}, child_environment(env), &fa);
  posix_spawn_file_actions_destroy(&fa);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("bountybot serve exited during start-up");
    }
    try {
      if (request("GET", "/healthz").status == 200) return;
    } catch (const adapters::transport_error&) {
      // not listening yet
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll interval while the process starts
  }
  kill_hard();
  throw std::runtime_error("bountybot serve did not answer /healthz within 30 s");
}

service_process::~service_process() {
  if (pid_ > 0) stop();
}

void service_process::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

int service_process::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

adapters::http_response service_process::request(const std::string& method, const std::string& target,
                                                 const std::string& body,
                                                 const std::map<std::string, std::string>& headers) const {
  adapters::http_client client(base_url(), std::chrono::seconds(10));
  return client.request(method, target, body, headers);
}

command_result run_bountybot(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
  std::array<int, 2> pipe_fds{};
  if (::pipe(pipe_fds.data()) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pipe_fds[1], 2);
  posix_spawn_file_actions_addclose(&fa, pipe_fds[0]);
  std::vector<std::string> full{BOUNTYBOT_BINARY};
  full.insert(full.end(), args.begin(), args.end());
  const pid_t pid = spawn(full, child_environment(env), &fa);
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipe_fds[1]);
  std::string output;
  std::array<char, 4096> buf{};
  ssize_t n = 0;
  while ((n = ::read(pipe_fds[0], buf.data(), buf.size())) > 0) output.append(buf.data(), static_cast<std::size_t>(n));
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

}  // namespace bountybot::testing
