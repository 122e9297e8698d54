#include "app/service.hpp"

#include "adapters/github/app_auth.hpp"
#include "adapters/github/client.hpp"
#include "adapters/github/installations.hpp"
#include "adapters/gitlab/client.hpp"
#include "adapters/stripe/stripe.hpp"
#include "jobs/payout_sender.hpp"
#include "jobs/redelivery.hpp"
#include "jobs/vote_poller.hpp"
#include "db/db.hpp"
#include "web/api.hpp"
#include "web/server.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace bountybot::app {

std::shared_ptr<github::app_credentials> github_app(const config& c) {
  if (c.github_app_id.empty() || c.github_private_key_file.empty()) return nullptr;
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<github::app_credentials>> made;  // one token cache per App
  std::lock_guard lock(mutex);
  auto& app = made[c.github_api_url + "|" + c.github_app_id];
  if (!app) {
    std::ifstream in(c.github_private_key_file);
    if (!in) throw std::runtime_error("cannot read BOUNTYBOT_GITHUB_PRIVATE_KEY_FILE " + c.github_private_key_file);
    std::stringstream key;
    key << in.rdbuf();
    app = std::make_shared<github::app_credentials>(c.github_api_url, c.github_app_id, key.str());
  }
  return app;
}

std::map<std::string, std::shared_ptr<adapters::platform_api>> make_platform_apis(const config& c) {
  std::map<std::string, std::shared_ptr<adapters::platform_api>> apis;
  if (platform_dry_run(c, "github")) {
    apis["github"] = adapters::make_dry_run_api("github");
  } else if (auto app = github_app(c)) {
    apis["github"] = std::make_shared<github::client>(c.github_api_url, app);
  } else {
    apis["github"] = std::make_shared<github::client>(c.github_api_url, c.github_token);
  }
  if (auto* gh = dynamic_cast<github::client*>(apis["github"].get())) gh->set_maintainer_min(c.github_maintainer_min);
  if (platform_dry_run(c, "gitlab")) {
    apis["gitlab"] = adapters::make_dry_run_api("gitlab");
  } else {
    auto gl = std::make_shared<gitlab::client>(c.gitlab_url, c.gitlab_token);
    gl->set_maintainer_min(c.gitlab_maintainer_min);
    apis["gitlab"] = gl;
  }
  return apis;
}

jobs::worker_settings make_worker_settings(const config& c,
                                               const std::map<std::string, std::shared_ptr<adapters::platform_api>>& apis) {
  jobs::worker_settings s;
  s.store.public_url = c.public_url;
  s.store.max_deposit_units = c.max_deposit_units;
  s.store.repo.default_currency = c.default_currency;
  s.store.repo.pledge_ttl = c.pledge_ttl;
  s.store.repo.awaiting_funds_ttl = c.awaiting_funds_ttl;
  s.store.repo.vote_window = c.vote_window;
  s.store.repo.platform_fee_bps = c.platform_fee_bps;
  s.store.repo.project_fee_bps = c.project_fee_bps;
  s.store.repo.bounty_label = c.bounty_label;
  s.store.repo.accepted_label = c.accepted_label;
  s.store.repo.weight = c.vote_weight == "head" ? bot::weight_mode::head : bot::weight_mode::amount;
  s.store.repo.silence = c.vote_silence == "reject" ? voting::silence_rule::reject : voting::silence_rule::approve;
  s.store.repo.zero_value_support = c.zero_value_support;
  s.store.repo.public_url = c.public_url;
  s.is_maintainer = [apis](const bot::issue_ref& issue, const bot::user_ref& user) {
    const auto it = apis.find(issue.platform);
    return it != apis.end() && it->second->is_maintainer(issue, user);
  };
  s.github_self.bot_login = c.github_bot_login;
  s.gitlab_self.bot_username = c.gitlab_bot_username;
  return s;
}

namespace {

/// The payment provider the configuration names: Stripe with a secret key, else the operator by hand.
std::shared_ptr<const payments::provider> provider_of(const config& c) {
  if (c.stripe_secret_key.empty()) return payments::manual_provider();
  return stripe::stripe_provider(c.stripe_api_url, c.stripe_secret_key, {c.card_fee_bps, c.card_fee_fixed});
}

web::page_settings page_settings_of(const config& c, std::shared_ptr<const payments::provider> provider) {
  web::page_settings p;
  p.public_url = c.public_url;
  p.github_api_url = c.github_api_url;
  if (!c.secret_key.empty()) p.secret_key = adapters::parse_secret_key(c.secret_key);
  if (!c.github_client_id.empty()) {
    p.github = accounts::oauth_app{bot::platform::github, c.github_web_url, c.github_client_id, c.github_client_secret};
  }
  if (!c.gitlab_client_id.empty()) {
    p.gitlab = accounts::oauth_app{bot::platform::gitlab, c.gitlab_url, c.gitlab_client_id, c.gitlab_client_secret};
  }
  p.provider = std::move(provider);
  p.payout_minimum_units = c.payout_minimum;
  p.max_deposit_units = c.max_deposit_units;
  return p;
}

web::server_settings server_settings_of(const config& c) {
  web::server_settings ss;
  ss.host = c.listen_host;
  ss.port = c.listen_port;
  ss.max_body_bytes = c.max_body_bytes;
  ss.io_threads = c.io_threads;
  ss.max_connections = c.max_connections;
  ss.max_connections_per_address = c.max_connections_per_address;
  ss.max_body_bytes_in_flight = c.max_body_bytes_in_flight;
  if (c.admin_listen) ss.admin = web::listen_address{c.admin_listen_host, c.admin_listen_port};
  ss.read_timeout = c.read_timeout;
  ss.idle_timeout = c.idle_timeout;
  return ss;
}

}  // namespace

int serve(const config& c, const std::atomic<bool>& stop) {
  {
    pqxx::connection conn(c.database_url);
    if (!db::is_migrated(conn)) {
      spdlog::error("the database is not migrated to version {}; run `bountybot migrate`", db::latest_version());
      return 1;
    }
  }
  db::pool pool(c.database_url, static_cast<std::size_t>(c.db_pool_size));
  const auto apis = make_platform_apis(c);
  auto worker_settings = make_worker_settings(c, apis);
  const auto provider = provider_of(c);
  web::routes routes({c.github_webhook_secret, c.gitlab_webhook_token, c.admin_token, stripe_webhook_secrets(c),
                      worker_settings.store, page_settings_of(c, provider)},
                     pool);
  // The routes outlive the threads below (joined before returning), so they may count for them.
  worker_settings.on_processed = [&routes](const std::string& platform, const std::string& outcome) {
    routes.count_processed(platform, outcome);
  };
  web::http_server server(server_settings_of(c), [&routes](web::http_request r, web::reply_sink reply) {
    routes.handle(std::move(r), std::move(reply));
  });
  server.start();
  spdlog::info("bountybot listening on {}:{} (GitHub intake {}, GitLab intake {}, admin API {}, GitHub calls {}, GitLab calls {}, "
               "sign-in with GitHub {}, with GitLab {}, card payments {}, Stripe intake {})",
               c.listen_host, server.port(), c.github_webhook_secret.empty() ? "off" : "on",
               c.gitlab_webhook_token.empty() ? "off" : "on", c.admin_token.empty() ? "off" : "on",
               platform_dry_run(c, "github") ? "dry-run" : "live", platform_dry_run(c, "gitlab") ? "dry-run" : "live",
               c.github_client_id.empty() ? "off" : "on", c.gitlab_client_id.empty() ? "off" : "on",
               c.stripe_secret_key.empty() ? "off" : "on", c.stripe_webhook_secret.empty() ? "off" : "on");
  if (c.admin_listen) spdlog::info("admin listener (health, readiness, metrics) on {}:{}", c.admin_listen_host, server.admin_port());

  // Before any worker: deliveries processed before causes were recorded get theirs (once).
  jobs::inbox_worker(c.database_url, worker_settings).backfill_causes();
  std::vector<std::thread> threads;
  for (int i = 0; i < c.workers; ++i) {
    threads.emplace_back([&] {
      jobs::inbox_worker worker(c.database_url, worker_settings);
      worker.run(stop);
    });
  }
  jobs::outbox_sender sender(c.database_url, apis,
                             {.public_url = c.public_url, .on_retry = [&routes] { routes.count_retry(); }});
  threads.emplace_back([&] { sender.run(stop); });
  if (auto app = platform_dry_run(c, "github") ? nullptr : github_app(c)) {
    threads.emplace_back([&stop, app, url = c.database_url] { jobs::run_redelivery(stop, app, url); });
  }
  std::unique_ptr<jobs::payout_sender> payouts;
  if (provider->name() == payments::payout_provider::stripe) {  // the manual provider's payouts wait for the operator
    payouts = std::make_unique<jobs::payout_sender>(c.database_url, provider);
    threads.emplace_back([&] { payouts->run(stop); });
  }
  jobs::timer_scheduler scheduler(c.database_url, worker_settings.store);
  threads.emplace_back([&] { scheduler.run(stop); });
  jobs::vote_poller poller(c.database_url, apis, worker_settings.store, {.reaction_poll = c.reaction_poll});
  threads.emplace_back([&] { poller.run(stop); });

  while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));  // signal poll
  spdlog::info("shutting down");
  server.stop();
  for (auto& t : threads) t.join();
  return 0;
}

}  // namespace bountybot::app
