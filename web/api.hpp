#pragma once
/// The service's routes (SPEC §8, §9): webhook intake, health, the bounty API, the admin API.
/// Webhook intake answers from the io thread and the group-commit batcher; every other route
/// does blocking (database) work on a thread pool of its own, one thread per pooled connection.
#include "db/db.hpp"
#include "bot/store/store.hpp"
#include "webhooks/batcher.hpp"
#include "web/api_route.hpp"
#include "web/bounty_pages.hpp"
#include "web/pages.hpp"
#include "web/server.hpp"

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace boost::asio {
class thread_pool;
}

namespace bountybot::web {

struct api_settings {
  std::string github_webhook_secret;  // empty: GitHub intake is off (404)
  std::string gitlab_webhook_token;   // empty: GitLab intake is off (404)
  std::string admin_token;            // empty: admin routes are off (404)
  std::vector<std::string> stripe_webhook_secrets;  // none: Stripe intake is off (404)
  bot::store_settings store;          // for operator resolutions
  page_settings pages;                // sign-in, the user's pages
};

class routes {
 public:
  routes(api_settings settings, db::pool& pool);
  ~routes();
  /// Answers one request through `reply` (a `request_handler`: never blocks the caller), through
  /// the route table: a target that is not origin-form 400 (text), unknown paths 404 (text), known
  /// paths with another method 405, then a route's auth 401, in the route's refusal format.
  void handle(http_request request, reply_sink reply);

  /// Counts, for `GET /metrics`, a delivery this instance's workers processed: `outcome` is done,
  /// ignored or failed (`worker_settings::on_processed`). Thread-safe.
  void count_processed(const std::string& platform, const std::string& outcome);
  /// Counts a platform call this instance's outbox sender will retry (`sender_settings::on_retry`).
  void count_retry();

 private:
  std::vector<api_route> health_routes();
  std::vector<api_route> intake_routes();
  std::vector<api_route> bounty_routes();
  std::vector<api_route> admin_routes();
  http_reply handle_blocking(const http_request& request);
  http_reply ready();
  void intake(const http_request& request, bool github, reply_sink reply);
  void intake_stripe(const http_request& request, reply_sink reply);
  void store_delivery(webhooks::delivery d, unsigned status_fresh, reply_sink reply);
  http_reply bounties(const http_request& request);
  http_reply bounty(const std::string& platform, const std::string& full_path, const std::string& number);
  http_reply deposit(const http_request& request);
  http_reply account(const std::string& platform, const std::string& user_id);
  http_reply metrics();
  void count_delivery(const std::string& platform, const std::string& event, const std::string& outcome);
  http_reply resolve(const http_request& request, const std::string& platform, const std::string& full_path,
                     const std::string& number);
  bool admin_allowed(const http_request& request) const;
  http_reply admin_payouts(const http_request& request);
  http_reply settle_payout(const http_request& request, const std::string& id, bool paid);
  http_reply admin_card_disputes(const http_request& request);
  http_reply lift_card_dispute(const http_request& request, const std::string& id);

  api_settings settings_;
  db::pool& pool_;
  std::unique_ptr<pages> pages_;  // before table_, which takes its routes
  std::unique_ptr<bounty_pages> bounty_pages_;  // likewise
  route_table<api_route> table_;  // built from settings_: intake and admin routes exist only when configured
  std::unique_ptr<webhooks::delivery_batcher> batcher_;  // group commit of the inbox
  std::unique_ptr<boost::asio::thread_pool> blocking_;  // the routes that use the database
  std::mutex metrics_mutex_;
  std::map<std::tuple<std::string, std::string, std::string>, long long> deliveries_;  // platform, event, outcome
  std::map<std::pair<std::string, std::string>, long long> processed_;  // platform, outcome
  long long retries_ = 0;
};

}  // namespace bountybot::web
