#include "adapters/github/client.hpp"

#include "adapters/github/app_auth.hpp"

#include <boost/json.hpp>

#include <cctype>
#include <chrono>

namespace bountybot::github {
namespace json = boost::json;

client::client(const std::string& api_url, std::string token, std::chrono::seconds timeout)
    : http_(api_url, timeout), token_for_([token = std::move(token)](const std::string&) { return token; }) {}

client::client(const std::string& api_url, std::shared_ptr<app_credentials> app, std::chrono::seconds timeout)
    : http_(api_url, timeout), token_for_([app](const std::string& path) { return app->token_for_repository(path); }) {}

adapters::http_response client::call(const bot::issue_ref& issue, const std::string& method, const std::string& target,
                                     const std::string& body, const std::map<std::string, std::string>& extra,
                                     bool allow_404) {
  std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token_for_(issue.repository_path)},
                                             {"Accept", "application/vnd.github+json"},
                                             {"X-GitHub-Api-Version", "2022-11-28"}};
  headers.insert(extra.begin(), extra.end());
  auto res = http_.request(method, target, body, headers);
  if ((res.status >= 200 && res.status < 300) || res.status == 304 || (allow_404 && res.status == 404)) return res;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  throw adapters::classify_failure("GitHub " + method + " " + target, res.status, res.body, res.header("retry-after"),
                                   res.header("x-ratelimit-remaining"), res.header("x-ratelimit-reset"), now.count());
}

std::int64_t client::create_comment(const bot::issue_ref& issue, const std::string& body) {
  const auto res = call(issue, "POST", "/repos/" + issue.repository_path + "/issues/" + std::to_string(issue.number) + "/comments",
                        json::serialize(json::object{{"body", body}}));
  return json::parse(res.body).at("id").to_number<std::int64_t>();
}

void client::update_comment(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& body) {
  call(issue, "PATCH", "/repos/" + issue.repository_path + "/issues/comments/" + std::to_string(comment_id),
       json::serialize(json::object{{"body", body}}));
}

void client::add_reaction(const bot::issue_ref& issue, std::int64_t comment_id, bot::reaction_kind r) {
  call(issue, "POST", "/repos/" + issue.repository_path + "/issues/comments/" + std::to_string(comment_id) + "/reactions",
       json::serialize(json::object{{"content", r == bot::reaction_kind::done ? "+1" : "confused"}}));
}

std::optional<std::int64_t> client::find_comment(const bot::issue_ref& issue, const std::string& tag) {
  // The issue's comments oldest first; the bot's retry happens soon after the attempt, so the
  // comment, if it exists, is among the last page. Read pages until one is short.
  std::optional<std::int64_t> found;
  for (int page = 1; page <= 50; ++page) {
    const auto res = call(issue, "GET", "/repos/" + issue.repository_path + "/issues/" + std::to_string(issue.number) +
                                            "/comments?per_page=100&page=" + std::to_string(page), "");
    const auto list = json::parse(res.body);
    for (const auto& c : list.as_array()) {
      const auto* body = c.as_object().if_contains("body");
      if (body && body->is_string() && std::string_view(body->get_string()).find(tag) != std::string_view::npos) {
        found = c.at("id").to_number<std::int64_t>();
      }
    }
    if (list.as_array().size() < 100) break;
  }
  return found;
}

bool client::is_maintainer(const bot::issue_ref& issue, const bot::user_ref& user) {
  // https://docs.github.com/en/rest/collaborators/collaborators#get-repository-permissions-for-a-user
  const auto res = call(issue, "GET", "/repos/" + issue.repository_path + "/collaborators/" + user.login + "/permission", "", {}, true);
  if (res.status == 404) return false;
  const auto permission = json::parse(res.body).at("permission").as_string();
  return permission == "admin" || (permission == "write" && maintainer_min_ == "write");
}

void client::add_label(const bot::issue_ref& issue, const std::string& label) {
  call(issue, "POST", "/repos/" + issue.repository_path + "/issues/" + std::to_string(issue.number) + "/labels",
       json::serialize(json::object{{"labels", json::array{json::value(label)}}}));
}

void client::remove_label(const bot::issue_ref& issue, const std::string& label) {
  std::string encoded;
  for (unsigned char c : label) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  call(issue, "DELETE", "/repos/" + issue.repository_path + "/issues/" + std::to_string(issue.number) + "/labels/" + encoded, "",
       {}, true);
}

client::reactions_page client::list_reactions(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& etag) {
  // https://docs.github.com/en/rest/reactions/reactions#list-reactions-for-an-issue-comment
  std::map<std::string, std::string> extra;
  if (!etag.empty()) extra["If-None-Match"] = etag;
  reactions_page page;
  const auto res = call(issue, "GET", "/repos/" + issue.repository_path + "/issues/comments/" + std::to_string(comment_id) +
                                   "/reactions?per_page=100", "", extra);
  auto number = [](const std::string& s) -> std::optional<long long> {
    if (s.empty()) return std::nullopt;
    try { return std::stoll(s); } catch (...) { return std::nullopt; }
  };
  page.ratelimit_remaining = number(res.header("x-ratelimit-remaining"));
  page.ratelimit_reset_epoch = number(res.header("x-ratelimit-reset"));
  if (res.status == 304) {
    page.not_modified = true;
    page.etag = etag;
    return page;
  }
  page.etag = res.header("etag");
  const auto list = json::parse(res.body);  // keep the parsed value alive while iterating
  for (const auto& r : list.as_array()) {
    page.reactions.emplace_back(r.at("user").at("id").to_number<std::int64_t>(), std::string(r.at("content").as_string()));
  }
  return page;
}

}  // namespace bountybot::github
