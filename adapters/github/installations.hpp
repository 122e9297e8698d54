#pragma once
/// GitHub App bookkeeping: installation events, and recovery of deliveries GitHub could not make
/// while the service was down (GitHub never redelivers by itself).
#include "adapters/github/app_auth.hpp"

#include <boost/json/value.hpp>
#include <pqxx/pqxx>

#include <chrono>

namespace bountybot::github {

/// Records an `installation` or `installation_repositories` delivery (account, action, the
/// repositories it lists). Throws adapters::payload_error on a malformed payload.
void record_installation(pqxx::work& tx, std::string_view event, const boost::json::value& payload);

/// One recent delivery of the App's webhook, as GET /app/hook/deliveries lists it.
struct hook_delivery {
  std::int64_t id = 0;
  std::string guid;  // the X-GitHub-Delivery of the event
  int status_code = 0;
  std::string event;
};

/// Which deliveries to redeliver (pure): per guid, when no attempt succeeded (2xx) and the guid is
/// not in `stored`, the newest failed attempt's id. `ping` is skipped.
std::vector<std::int64_t> plan_redeliveries(const std::vector<hook_delivery>& deliveries,
                                            const std::function<bool(const std::string& guid)>& stored);

/// Lists the App's deliveries of the last `look_back` (up to `max_pages` pages of 100) and asks
/// GitHub to redeliver those that failed and never reached the inbox
/// (POST /app/hook/deliveries/{id}/attempts). Returns how many redeliveries were requested.
int redeliver_missed(const app_credentials& app, pqxx::connection& conn,
                     std::chrono::hours look_back = std::chrono::hours{72}, int max_pages = 10);

}  // namespace bountybot::github
