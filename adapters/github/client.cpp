#include "adapters/github/client.hpp"

#include <boost/json.hpp>

#include <chrono>

namespace bountybot::github {
namespace json = boost::json;

client::client(const std::string& api_url, std::string token) : http_(api_url), token_(std::move(token)) {}

adapters::http_response client::call(const std::string& method, const std::string& target, const std::string& body) {
  auto res = http_.request(method, target, body,
                           {{"Authorization", "Bearer " + token_},
                            {"Accept", "application/vnd.github+json"},
                            {"X-GitHub-Api-Version", "2022-11-28"}});
  if (res.status >= 200 && res.status < 300) return res;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  throw adapters::classify_failure("GitHub " + method + " " + target, res.status, res.body, res.header("retry-after"),
                                   res.header("x-ratelimit-remaining"), res.header("x-ratelimit-reset"), now.count());
}

std::int64_t client::create_comment(const bot::issue_ref& issue, const std::string& body) {
  const auto res = call("POST", "/repos/" + issue.repository_path + "/issues/" + std::to_string(issue.number) + "/comments",
                        json::serialize(json::object{{"body", body}}));
  return json::parse(res.body).at("id").to_number<std::int64_t>();
}

void client::update_comment(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& body) {
  call("PATCH", "/repos/" + issue.repository_path + "/issues/comments/" + std::to_string(comment_id),
       json::serialize(json::object{{"body", body}}));
}

void client::add_reaction(const bot::issue_ref& issue, std::int64_t comment_id, adapters::reaction r) {
  call("POST", "/repos/" + issue.repository_path + "/issues/comments/" + std::to_string(comment_id) + "/reactions",
       json::serialize(json::object{{"content", r == adapters::reaction::done ? "+1" : "confused"}}));
}

}  // namespace bountybot::github
