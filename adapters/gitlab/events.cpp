#include "adapters/gitlab/events.hpp"

#include "adapters/json_util.hpp"
#include "bot/status.hpp"

#include <algorithm>

namespace bountybot::gitlab {

using adapters::find;
using adapters::id_at;
using adapters::login_at;
using adapters::repository_path_at;
using adapters::string_at;
using adapters::string_or;

namespace {

bot::issue_ref project_of(const boost::json::value& payload) {
  bot::issue_ref issue;
  issue.platform = "gitlab";
  issue.repository_id = id_at(payload, "project.id");
  issue.repository_path = repository_path_at(payload, "project.path_with_namespace");
  return issue;
}

bot::user_ref user_of(const boost::json::value& payload) {
  return {"gitlab", id_at(payload, "user.id"), login_at(payload, "user.username")};
}

std::string issue_url(const boost::json::value& payload, const bot::issue_ref& issue, const char* url_field) {
  return string_or(payload, url_field, string_or(payload, "project.web_url", "") + "/-/issues/" + std::to_string(issue.number));
}

std::vector<std::string> label_titles(const boost::json::value* labels) {
  std::vector<std::string> out;
  if (labels == nullptr || !labels->is_array()) return out;
  for (const auto& l : labels->get_array()) {
    if (const auto* t = l.is_object() ? l.get_object().if_contains("title") : nullptr; t && t->is_string()) {
      out.emplace_back(t->get_string());
    }
  }
  return out;
}

// "3,7,12": the ids of a label list, as GitLab sends them (in its order).
std::string label_ids(const boost::json::value* labels) {
  std::string out;
  if (labels == nullptr || !labels->is_array()) return out;
  for (const auto& l : labels->get_array()) {
    if (const auto* id = l.is_object() ? l.get_object().if_contains("id") : nullptr; id && id->is_int64()) {
      out += (out.empty() ? "" : ",") + std::to_string(id->get_int64());
    }
  }
  return out;
}

}  // namespace

bool is_handled_event(std::string_view event) {
  return event == "Note Hook" || event == "Issue Hook" || event == "Merge Request Hook" || event == "Emoji Hook";
}

bool is_token_bot_username(std::string_view username) {
  for (std::string_view prefix : {"project_", "group_"}) {
    if (!username.starts_with(prefix)) continue;
    auto rest = username.substr(prefix.size());
    const auto digits = std::find_if(rest.begin(), rest.end(), [](char c) { return c < '0' || c > '9'; }) - rest.begin();
    if (digits > 0 && rest.substr(static_cast<std::size_t>(digits)).starts_with("_bot")) return true;
  }
  return false;
}

namespace {

bool is_self(const bot::user_ref& u, const identity& self) {
  return is_token_bot_username(u.login) || (!self.bot_username.empty() && u.login == self.bot_username);
}

bot::domain_event translate_note(const boost::json::value& payload, const identity& self) {
  if (string_at(payload, "object_kind") != "note") return std::monostate{};
  if (string_at(payload, "object_attributes.noteable_type") != "Issue") return std::monostate{};
  // Newer GitLab versions say `action: create|update`; older ones only send creations.
  if (string_or(payload, "object_attributes.action", "create") != "create") return std::monostate{};
  if (const auto* system = find(payload, "object_attributes.system"); system && system->is_bool() && system->get_bool()) {
    return std::monostate{};  // system notes ("changed the description") are not people talking
  }
  bot::comment_posted c;
  c.issue = project_of(payload);
  c.issue.number = id_at(payload, "issue.iid");
  c.issue.url = issue_url(payload, c.issue, "issue.url");
  c.author = user_of(payload);
  c.comment_id = id_at(payload, "object_attributes.id");
  c.cause = "gitlab:note:" + std::to_string(c.comment_id);
  c.body = string_or(payload, "object_attributes.note", "");
  // Note hooks carry assignee ids only; logins are filled from what the service has seen.
  if (const auto* ids = find(payload, "issue.assignee_ids"); ids && ids->is_array()) {
    for (const auto& id : ids->get_array()) {
      if (id.is_int64() && id.get_int64() > 0) c.assignees.push_back({"gitlab", id.get_int64(), "user-" + std::to_string(id.get_int64())});
    }
  }
  c.by_bot = is_self(c.author, self) || c.body.find(bot::own_comment_marker) != std::string::npos;
  return c;
}

// Ids from object_attributes.assignee_ids; usernames, when given, from `assignees` in the same order.
std::vector<bot::user_ref> assignees_of(const boost::json::value& payload) {
  std::vector<bot::user_ref> out;
  const auto* ids = find(payload, "object_attributes.assignee_ids");
  const auto* people = find(payload, "assignees");
  if (ids == nullptr || !ids->is_array()) return out;
  for (std::size_t i = 0; i < ids->get_array().size(); ++i) {
    const auto& id = ids->get_array()[i];
    if (!id.is_int64() || id.get_int64() < 1) continue;
    std::string login = "user-" + std::to_string(id.get_int64());
    if (people && people->is_array() && i < people->get_array().size()) {
      if (find(people->get_array()[i], "username") != nullptr) login = login_at(people->get_array()[i], "username");
    }
    out.push_back({"gitlab", id.get_int64(), login});
  }
  return out;
}

bot::domain_event translate_issue(const boost::json::value& payload, const identity& self) {
  bot::issue_ref issue = project_of(payload);
  issue.number = id_at(payload, "object_attributes.iid");
  // The issue's global id and its `updated_at`, which every change moves, name the change.
  const std::string issue_cause = "gitlab:issue:" + std::to_string(id_at(payload, "object_attributes.id")) + ":";
  const std::string updated_at = string_or(payload, "object_attributes.updated_at", "");
  issue.url = issue_url(payload, issue, "object_attributes.url");
  if (string_or(payload, "object_attributes.action", "") == "close") {
    bot::issue_closed c;
    c.issue = issue;
    c.actor = user_of(payload);
    c.cause = issue_cause + "close:" + updated_at;
    c.completed = false;  // GitLab has no close reason: only a merged MR makes it "completed" (SPEC §6)
    c.assignees = assignees_of(payload);
    return c;
  }
  const auto* changes = find(payload, "changes.labels");
  if (changes == nullptr) return std::monostate{};
  const auto previous = label_titles(find(*changes, "previous"));
  const auto current = label_titles(find(*changes, "current"));
  bot::labels_changed l;
  l.issue = issue;
  l.actor = user_of(payload);
  // The change itself (who, from which labels to which) beside `updated_at`: two changes in
  // one second of `updated_at` stay two events.
  l.cause = issue_cause + "labels:" + updated_at + ":" + std::to_string(l.actor.id) + ":" +
            label_ids(find(*changes, "previous")) + ">" + label_ids(find(*changes, "current"));
  for (const auto& t : current)
    if (std::find(previous.begin(), previous.end(), t) == previous.end()) l.added.push_back(t);
  for (const auto& t : previous)
    if (std::find(current.begin(), current.end(), t) == current.end()) l.removed.push_back(t);
  l.by_bot = is_self(l.actor, self);
  return l;
}

bot::domain_event translate_merge(const boost::json::value& payload) {
  if (string_or(payload, "object_attributes.action", "") != "merge") return std::monostate{};
  bot::change_merged m;
  m.repository = project_of(payload);
  m.cause = "gitlab:mr:" + std::to_string(id_at(payload, "object_attributes.id")) + ":merged";  // merges once
  const auto author_id = id_at(payload, "object_attributes.author_id");
  const auto merger = user_of(payload);
  m.author = merger.id == author_id ? merger : bot::user_ref{"gitlab", author_id, "user-" + std::to_string(author_id)};
  m.url = string_or(payload, "object_attributes.url", "");
  m.closes = bot::closing_references(string_or(payload, "object_attributes.description", ""), m.repository.repository_path);
  if (m.closes.empty()) return std::monostate{};
  return m;
}

bot::domain_event translate_emoji(const boost::json::value& payload) {
  if (string_or(payload, "object_attributes.awardable_type", "") != "Note" || find(payload, "issue.iid") == nullptr) {
    return std::monostate{};
  }
  bot::reaction_changed r;
  r.issue = project_of(payload);
  r.issue.number = id_at(payload, "issue.iid");
  r.comment_id = id_at(payload, "object_attributes.awardable_id");
  r.user = user_of(payload);
  r.name = string_at(payload, "object_attributes.name");
  r.awarded = string_or(payload, "event_type", "award") == "award";
  // An award is given once and revoked once.
  r.cause = "gitlab:award:" + std::to_string(id_at(payload, "object_attributes.id")) + ":" + (r.awarded ? "award" : "revoke");
  return r;
}

}  // namespace

bot::domain_event translate(std::string_view event, const boost::json::value& payload, const identity& self) {
  if (event == "Note Hook") return translate_note(payload, self);
  if (event == "Issue Hook") return translate_issue(payload, self);
  if (event == "Merge Request Hook") return translate_merge(payload);
  if (event == "Emoji Hook") return translate_emoji(payload);
  return std::monostate{};
}

}  // namespace bountybot::gitlab
