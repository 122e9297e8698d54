#pragma once
// A local HTTP server standing in for the GitHub or GitLab REST API: records every request the
// bot sends and answers like the platform would (a created comment gets an id).
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bountybot::testing {

struct recorded_call {
  std::string method;
  std::string target;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

class fake_platform {
 public:
  fake_platform();
  ~fake_platform();
  /// `http://127.0.0.1:<port>`.
  std::string base_url() const;
  std::vector<recorded_call> calls() const;
  /// The reactions the API reports on comment `comment_id`: (user id, content) with GitHub
  /// contents (`+1`, `-1`) or GitLab names (`thumbsup`, `thumbsdown`). Changes the ETag.
  void set_reactions(std::int64_t comment_id, std::vector<std::pair<std::int64_t, std::string>> reactions);
  /// The next `count` requests whose target contains `fragment` take effect but are answered only
  /// after `delay` (a client timeout).
  void stall_next(int count, std::chrono::milliseconds delay, std::string fragment = "");
  /// What GET /app/hook/deliveries answers (a JSON array).
  void set_hook_deliveries(std::string json);
  /// The next `count` requests are answered with `status` (and `headers`), and not recorded as done.
  void fail_next(int count, unsigned status, std::map<std::string, std::string> headers = {});
  /// The account an OAuth sign-in through this fake signs in (GitHub `/user`, GitLab `/api/v4/user`).
  /// The fake's authorize page approves at once: it redirects to `redirect_uri` with a code and
  /// the state; the token endpoints take each code once and, for GitLab, check the PKCE verifier.
  /// Access tokens it issues start with `gho_fake_` (GitHub) or `gloas_fake_` (GitLab).
  void set_oauth_user(std::int64_t id, std::string login);
  /// Waits until `pred(calls)` holds, up to `timeout`; true if it did.
  bool wait_for(const std::function<bool(const std::vector<recorded_call>&)>& pred,
                std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// Calls whose method is `method` and whose target contains `fragment`.
std::vector<recorded_call> matching(const std::vector<recorded_call>& calls, const std::string& method,
                                    const std::string& fragment);

}  // namespace bountybot::testing
