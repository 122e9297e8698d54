#include "adapters/github/installations.hpp"

#include "adapters/json_util.hpp"
#include "adapters/platform.hpp"
#include "app/clock.hpp"
#include "bot/time.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <map>
#include <set>

namespace bountybot::github {
namespace json = boost::json;

void record_installation(pqxx::work& tx, std::string_view event, const boost::json::value& payload) {
  const auto id = adapters::id_at(payload, "installation.id");
  const auto login = adapters::login_at(payload, "installation.account.login");
  const auto account = adapters::id_at(payload, "installation.account.id");
  const auto action = adapters::string_or(payload, "action", "");
  std::string repos;
  for (const char* field : {"repositories", "repositories_added"}) {
    if (const auto* list = adapters::find(payload, field); list && list->is_array()) {
      for (const auto& r : list->get_array()) repos += (repos.empty() ? "" : ",") + adapters::repository_path_at(r, "full_name");
    }
  }
  tx.exec_params0(
      "INSERT INTO github_installations (installation_id, account_login, account_id, last_action, repositories) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (installation_id) DO UPDATE SET account_login = EXCLUDED.account_login, "
      "last_action = EXCLUDED.last_action, repositories = CASE WHEN EXCLUDED.repositories = '' THEN "
      "github_installations.repositories ELSE EXCLUDED.repositories END, updated_at = now()",
      id, login, account, std::string(event) + "." + action, repos);
}

std::vector<std::int64_t> plan_redeliveries(const std::vector<hook_delivery>& deliveries,
                                            const std::function<bool(const std::string& guid)>& stored) {
  std::map<std::string, std::int64_t> newest_failed;
  std::set<std::string> succeeded;
  for (const auto& d : deliveries) {
    if (d.event == "ping") continue;
    if (d.status_code >= 200 && d.status_code < 300) {
      succeeded.insert(d.guid);
    } else if (newest_failed[d.guid] < d.id) {
      newest_failed[d.guid] = d.id;
    }
  }
  std::vector<std::int64_t> out;
  for (const auto& [guid, id] : newest_failed) {
    if (!succeeded.contains(guid) && !stored(guid)) out.push_back(id);
  }
  return out;
}

namespace {
adapters::http_response app_get(const app_credentials& app, const std::string& method, const std::string& target) {
  auto res = app.http().request(method, target, "",
                                {{"Authorization", "Bearer " + app.app_jwt()},
                                 {"Accept", "application/vnd.github+json"},
                                 {"X-GitHub-Api-Version", "2022-11-28"}});
  if (res.status >= 200 && res.status < 300) return res;
  throw adapters::classify_failure("GitHub " + method + " " + target, res.status, res.body, res.header("retry-after"),
                                   res.header("x-ratelimit-remaining"), res.header("x-ratelimit-reset"), 0);
}
}  // namespace

int redeliver_missed(const app_credentials& app, pqxx::connection& conn, std::chrono::hours look_back, int max_pages) {
  const auto oldest = app::now_utc() - look_back;
  std::vector<hook_delivery> deliveries;
  std::string target = "/app/hook/deliveries?per_page=100";
  for (int page = 0; page < max_pages && !target.empty(); ++page) {
    const auto res = app_get(app, "GET", target);
    bool older = false;
    const auto list = json::parse(res.body);
    for (const auto& d : list.as_array()) {
      const auto when = bot::parse_deadline(adapters::string_or(d, "delivered_at", ""));
      if (when && *when < oldest) older = true;
      deliveries.push_back({d.at("id").to_number<std::int64_t>(), adapters::string_or(d, "guid", ""),
                            d.at("status_code").to_number<int>(), adapters::string_or(d, "event", "")});
    }
    // Link: <https://api.github.com/app/hook/deliveries?per_page=100&cursor=v1_12345>; rel="next"
    target.clear();
    const auto link = res.header("link");
    if (const auto next = link.find("rel=\"next\""); !older && next != std::string::npos) {
      const auto open = link.rfind('<', next), close = link.find('>', open);
      if (open != std::string::npos && close != std::string::npos) {
        const auto url = link.substr(open + 1, close - open - 1);
        if (const auto path = url.find("/app/hook/deliveries"); path != std::string::npos) target = url.substr(path);
      }
    }
  }
  pqxx::nontransaction nt(conn);
  const auto ids = plan_redeliveries(deliveries, [&](const std::string& guid) {
    return !nt.exec_params("SELECT 1 FROM inbox WHERE platform = 'github' AND delivery_id = $1", guid).empty();
  });
  int asked = 0;
  for (const auto id : ids) {
    try {
      app_get(app, "POST", "/app/hook/deliveries/" + std::to_string(id) + "/attempts");
      ++asked;
    } catch (const std::exception& e) {
      spdlog::warn("redelivery of GitHub delivery {} failed: {}", id, e.what());
    }
  }
  if (asked > 0) spdlog::info("asked GitHub to redeliver {} missed delivery(ies)", asked);
  return asked;
}

}  // namespace bountybot::github
