#include "adapters/github/events.hpp"

#include "adapters/json_util.hpp"
#include "bot/status.hpp"

namespace bountybot::github {

using adapters::find;
using adapters::id_at;
using adapters::login_at;
using adapters::repository_path_at;
using adapters::string_at;
using adapters::string_or;

namespace {

bot::issue_ref issue_of(const boost::json::value& payload, const char* issue_field) {
  bot::issue_ref issue;
  issue.platform = "github";
  issue.repository_id = id_at(payload, "repository.id");
  issue.repository_path = repository_path_at(payload, "repository.full_name");
  issue.number = id_at(payload, std::string(issue_field) + ".number");
  issue.url = string_or(payload, std::string(issue_field) + ".html_url",
                        "https://github.com/" + issue.repository_path + "/issues/" + std::to_string(issue.number));
  return issue;
}

bot::user_ref user_at(const boost::json::value& payload, const std::string& path) {
  return {"github", id_at(payload, path + ".id"), login_at(payload, path + ".login")};
}

bool is_bot(const boost::json::value& payload, const std::string& path, const identity& self) {
  return string_or(payload, path + ".type", "") == "Bot" ||
         (!self.bot_login.empty() && string_or(payload, path + ".login", "") == self.bot_login);
}

std::vector<bot::user_ref> assignees_of(const boost::json::value& payload) {
  std::vector<bot::user_ref> out;
  if (const auto* a = find(payload, "issue.assignees"); a && a->is_array()) {
    for (const auto& u : a->get_array()) out.push_back({"github", id_at(u, "id"), login_at(u, "login")});
  }
  return out;
}

// `github:issue:<issue id>:<what>`: the issue's global id, not its number, names it.
std::string issue_cause(const boost::json::value& payload, std::string_view what) {
  return "github:issue:" + std::to_string(id_at(payload, "issue.id")) + ":" + std::string(what);
}

}  // namespace

bool is_handled_event(std::string_view event) {
  return event == "issue_comment" || event == "issues" || event == "pull_request" || event == "installation" ||
         event == "installation_repositories";
}

bot::domain_event translate(std::string_view event, const boost::json::value& payload, const identity& self) {
  const std::string action = string_or(payload, "action", "");
  if (event == "issue_comment") {
    if (action != "created") return std::monostate{};              // edits and deletions undo nothing
    if (find(payload, "issue.pull_request") != nullptr) return std::monostate{};  // bounties live on issues
    bot::comment_posted c;
    c.issue = issue_of(payload, "issue");
    c.author = user_at(payload, "comment.user");
    c.comment_id = id_at(payload, "comment.id");
    c.cause = "github:comment:" + std::to_string(c.comment_id);
    c.body = string_or(payload, "comment.body", "");
    c.assignees = assignees_of(payload);
    c.by_bot = is_bot(payload, "comment.user", self) || is_bot(payload, "sender", self) ||
               c.body.find(bot::own_comment_marker) != std::string::npos;
    return c;
  }
  if (event == "issues") {
    if (find(payload, "issue.pull_request") != nullptr) return std::monostate{};
    if (action == "labeled" || action == "unlabeled") {
      bot::labels_changed l;
      l.issue = issue_of(payload, "issue");
      l.actor = user_at(payload, "sender");
      const auto label = string_at(payload, "label.name");
      (action == "labeled" ? l.added : l.removed).push_back(label);
      // Each label change moves the issue's `updated_at`; the sender tells two people apart.
      l.cause = issue_cause(payload, action + ":" + bot::ascii_lower(label) + ":" + string_or(payload, "issue.updated_at", "") +
                                         ":" + std::to_string(l.actor.id));
      l.by_bot = is_bot(payload, "sender", self);
      return l;
    }
    if (action == "closed") {
      bot::issue_closed c;
      c.issue = issue_of(payload, "issue");
      c.actor = user_at(payload, "sender");
      // GitHub: state_reason "completed" or "not_planned" (null on old deliveries: completed).
      c.completed = string_or(payload, "issue.state_reason", "completed") != "not_planned";
      // A reopened issue closed again has a new `closed_at`.
      c.cause = issue_cause(payload, "closed:" + string_or(payload, "issue.closed_at", string_or(payload, "issue.updated_at", "")));
      c.assignees = assignees_of(payload);
      return c;
    }
    return std::monostate{};
  }
  if (event == "pull_request") {
    const auto* merged = find(payload, "pull_request.merged");
    if (action != "closed" || merged == nullptr || !merged->is_bool() || !merged->get_bool()) return std::monostate{};
    bot::change_merged m;
    m.repository.platform = "github";
    m.cause = "github:pull:" + std::to_string(id_at(payload, "pull_request.id")) + ":merged";  // a pull request merges once
    m.repository.repository_id = id_at(payload, "repository.id");
    m.repository.repository_path = repository_path_at(payload, "repository.full_name");
    m.author = user_at(payload, "pull_request.user");
    m.url = string_or(payload, "pull_request.html_url", "");
    m.closes = bot::closing_references(string_or(payload, "pull_request.body", ""), m.repository.repository_path);
    if (m.closes.empty()) return std::monostate{};
    return m;
  }
  return std::monostate{};
}

}  // namespace bountybot::github
