#pragma once
// The end-to-end fixture: a real PostgreSQL database, fake GitHub and GitLab APIs that record
// what the bot sends, and the real `bountybot serve` binary started against them.
#include "tests/support/fake_platform.hpp"
#include "tests/support/payloads.hpp"
#include "tests/support/service_process.hpp"
#include "tests/support/test_db.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>

namespace bountybot {
namespace json = boost::json;
using testing::matching;
using testing::recorded_call;

inline const std::string github_secret = "gh-secret-for-tests";
inline const std::string gitlab_token = "gl-token-for-tests";
inline const std::string admin_token = "admin-token-for-tests";

class Service : public ::testing::Test {
 protected:
  std::map<std::string, std::string> env(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> e{{"BOUNTYBOT_DATABASE_URL", db.url()},
                                         {"BOUNTYBOT_GITHUB_WEBHOOK_SECRET", github_secret},
                                         {"BOUNTYBOT_GITLAB_WEBHOOK_TOKEN", gitlab_token},
                                         {"BOUNTYBOT_ADMIN_TOKEN", admin_token},
                                         {"BOUNTYBOT_GITHUB_API_URL", github.base_url()},
                                         {"BOUNTYBOT_GITHUB_TOKEN", "ghs_test"},
                                         {"BOUNTYBOT_GITLAB_URL", gitlab.base_url()},
                                         {"BOUNTYBOT_GITLAB_TOKEN", "glpat-test"},
                                         {"BOUNTYBOT_PUBLIC_URL", "https://bounty.example"}};
    for (auto& [k, v] : extra) e[k] = v;
    return e;
  }

  void TearDown() override {
    service.reset();
    const auto check = testing::run_bountybot({"ledger", "check"}, {{"BOUNTYBOT_DATABASE_URL", db.url()}});
    EXPECT_EQ(check.exit_code, 0) << check.output;
  }

  adapters::http_response deliver_github(const std::string& body, const std::string& delivery_id,
                                         const std::string& event = "issue_comment") {
    return service->request("POST", "/webhooks/github", body,
                            {{"X-GitHub-Event", event},
                             {"X-GitHub-Delivery", delivery_id},
                             {"X-Hub-Signature-256", testing::github_signature(github_secret, body)},
                             {"Content-Type", "application/json"}});
  }

  adapters::http_response deliver_gitlab(const std::string& body, const std::string& uuid) {
    return service->request("POST", "/webhooks/gitlab", body,
                            {{"X-Gitlab-Event", "Note Hook"}, {"X-Gitlab-Token", gitlab_token}, {"X-Gitlab-Event-UUID", uuid}});
  }

  adapters::http_response deposit(const std::string& platform, std::int64_t user, std::int64_t amount,
                                  const std::string& reference, const std::string& currency = "USD") {
    json::object body{{"platform", platform}, {"user_id", user}, {"login", "someone"},
                      {"amount", amount},     {"currency", currency}, {"reference", reference}};
    return service->request("POST", "/api/v1/admin/deposits", json::serialize(body),
                            {{"Authorization", "Bearer " + admin_token}});
  }

  json::value bounty(const std::string& path) {
    const auto r = service->request("GET", "/api/v1/bounties/" + path);
    EXPECT_EQ(r.status, 200u) << r.body;
    return json::parse(r.body);
  }

  /// Waits until `pred` holds (checked every 20 ms), up to `timeout`.
  static bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll interval of the condition
    }
    return pred();
  }

  /// A balance (`available` or `payable`) as the admin API reports it.
  std::int64_t balance(const std::string& kind, const std::string& platform, std::int64_t user, const std::string& currency) {
    const auto r = service->request("GET", "/api/v1/admin/accounts/" + platform + "/" + std::to_string(user), "",
                                    {{"Authorization", "Bearer " + admin_token}});
    const auto v = json::parse(r.body);
    const auto* b = v.at("balances").as_object().if_contains(currency);
    return b ? b->at(kind).as_int64() : 0;
  }
  std::int64_t available(const std::string& platform, std::int64_t user, const std::string& currency = "USD") {
    return balance("available", platform, user, currency);
  }
  std::int64_t payable(const std::string& platform, std::int64_t user, const std::string& currency = "USD") {
    return balance("payable", platform, user, currency);
  }

  testing::test_database db;
  testing::fake_platform github;
  testing::fake_platform gitlab;
  std::unique_ptr<testing::service_process> service;
};


inline bool has_reaction(const std::vector<recorded_call>& calls, std::int64_t comment_id, const std::string& content) {
  for (const auto& c : matching(calls, "POST", "/comments/" + std::to_string(comment_id) + "/reactions")) {
    if (c.body.find("\"" + content + "\"") != std::string::npos) return true;
  }
  return false;
}

inline bool any_body_contains(const std::vector<recorded_call>& calls, const std::string& method, const std::string& target,
                              const std::string& text) {
  for (const auto& c : matching(calls, method, target))
    if (c.body.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace bountybot
