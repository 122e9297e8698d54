#pragma once
/// The service's routes (SPEC §8, §9): webhook intake, health, the bounty API, the admin API.
/// Blocking (database) work; runs on the server's handler threads.
#include "app/db.hpp"
#include "bot/store.hpp"
#include "webhooks/batcher.hpp"
#include "webhooks/server.hpp"

#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace bountybot::webhooks {

struct api_settings {
  std::string github_webhook_secret;  // empty: GitHub intake is off (404)
  std::string gitlab_webhook_token;   // empty: GitLab intake is off (404)
  std::string admin_token;            // empty: admin routes are off (404)
  bot::store_settings store;          // for operator resolutions
};

class routes {
 public:
  routes(api_settings settings, db::pool& pool);
  ~routes();
  /// Answers one request. Unknown paths 404, known paths with another method 405.
  http_reply handle(const http_request& request);

 private:
  http_reply intake(const http_request& request, bool github);
  http_reply bounty(const std::string& platform, const std::string& full_path, const std::string& number);
  http_reply deposit(const http_request& request);
  http_reply account(const std::string& platform, const std::string& user_id);
  http_reply metrics();
  void count_delivery(const std::string& platform, const std::string& event, const std::string& outcome);
  http_reply resolve(const http_request& request, const std::string& platform, const std::string& full_path,
                     const std::string& number);
  bool admin_allowed(const http_request& request) const;

  api_settings settings_;
  db::pool& pool_;
  std::unique_ptr<delivery_batcher> batcher_;  // group commit of the inbox
  std::mutex metrics_mutex_;
  std::map<std::tuple<std::string, std::string, std::string>, long long> deliveries_;  // platform, event, outcome
};

}  // namespace bountybot::webhooks
