#include "adapters/gitlab/client.hpp"

#include <boost/json.hpp>

#include <chrono>

namespace bountybot::gitlab {
namespace json = boost::json;

namespace {
std::string notes_path(const bot::issue_ref& issue) {
  return "/projects/" + std::to_string(issue.repository_id) + "/issues/" + std::to_string(issue.number) + "/notes";
}
}  // namespace

client::client(const std::string& base_url, std::string token)
    : http_([&] {
        std::string url = base_url;
        while (!url.empty() && url.back() == '/') url.pop_back();
        return url + "/api/v4";
      }()),
      token_(std::move(token)) {}

adapters::http_response client::call(const std::string& method, const std::string& target, const std::string& body,
                                     const std::map<std::string, std::string>& extra, bool allow_404) {
  std::map<std::string, std::string> headers{{"PRIVATE-TOKEN", token_}};
  headers.insert(extra.begin(), extra.end());
  auto res = http_.request(method, target, body, headers);
  if ((res.status >= 200 && res.status < 300) || res.status == 304 || (allow_404 && res.status == 404)) return res;
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  throw adapters::classify_failure("GitLab " + method + " " + target, res.status, res.body, res.header("retry-after"),
                                   res.header("ratelimit-remaining"), res.header("ratelimit-reset"), now.count());
}

std::int64_t client::create_comment(const bot::issue_ref& issue, const std::string& body) {
  const auto res = call("POST", notes_path(issue), json::serialize(json::object{{"body", body}}));
  return json::parse(res.body).at("id").to_number<std::int64_t>();
}

void client::update_comment(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& body) {
  call("PUT", notes_path(issue) + "/" + std::to_string(comment_id), json::serialize(json::object{{"body", body}}));
}

void client::add_reaction(const bot::issue_ref& issue, std::int64_t comment_id, bot::reaction_kind r) {
  // Award emoji names: https://docs.gitlab.com/ee/api/emoji_reactions.html
  call("POST", notes_path(issue) + "/" + std::to_string(comment_id) + "/award_emoji",
       json::serialize(json::object{{"name", r == bot::reaction_kind::done ? "thumbsup" : "confused"}}));
}

std::optional<std::int64_t> client::find_comment(const bot::issue_ref& issue, const std::string& tag) {
  // Newest first: https://docs.gitlab.com/ee/api/notes.html#list-project-issue-notes
  const auto res = call("GET", notes_path(issue) + "?sort=desc&order_by=created_at&per_page=100", "");
  const auto list = json::parse(res.body);
  for (const auto& n : list.as_array()) {
    const auto* body = n.as_object().if_contains("body");
    if (body && body->is_string() && std::string_view(body->get_string()).find(tag) != std::string_view::npos) {
      return n.at("id").to_number<std::int64_t>();
    }
  }
  return std::nullopt;
}

bool client::is_maintainer(const bot::issue_ref& issue, const bot::user_ref& user) {
  // https://docs.gitlab.com/ee/api/members.html (members/all includes inherited membership)
  const auto res = call("GET", "/projects/" + std::to_string(issue.repository_id) + "/members/all/" + std::to_string(user.id),
                        "", {}, true);
  if (res.status == 404) return false;
  return json::parse(res.body).at("access_level").to_number<int>() >= maintainer_min_;
}

void client::add_label(const bot::issue_ref& issue, const std::string& label) {
  call("PUT", "/projects/" + std::to_string(issue.repository_id) + "/issues/" + std::to_string(issue.number),
       json::serialize(json::object{{"add_labels", label}}));
}

void client::remove_label(const bot::issue_ref& issue, const std::string& label) {
  call("PUT", "/projects/" + std::to_string(issue.repository_id) + "/issues/" + std::to_string(issue.number),
       json::serialize(json::object{{"remove_labels", label}}));
}

client::reactions_page client::list_reactions(const bot::issue_ref& issue, std::int64_t comment_id, const std::string&) {
  // https://docs.gitlab.com/ee/api/emoji_reactions.html (no conditional requests: polled slowly)
  reactions_page page;
  const auto res = call("GET", notes_path(issue) + "/" + std::to_string(comment_id) + "/award_emoji?per_page=100", "");
  const auto list = json::parse(res.body);  // keep the parsed value alive while iterating
  for (const auto& r : list.as_array()) {
    page.reactions.emplace_back(r.at("user").at("id").to_number<std::int64_t>(), std::string(r.at("name").as_string()));
  }
  return page;
}

}  // namespace bountybot::gitlab
