#include "adapters/gitlab/events.hpp"

#include "adapters/json_util.hpp"
#include "bot/status.hpp"

#include <algorithm>

namespace bountybot::gitlab {

using adapters::find;
using adapters::int_at;
using adapters::string_at;
using adapters::string_or;

bool is_handled_event(std::string_view event) { return event == "Note Hook"; }

bool is_token_bot_username(std::string_view username) {
  for (std::string_view prefix : {"project_", "group_"}) {
    if (!username.starts_with(prefix)) continue;
    auto rest = username.substr(prefix.size());
    const auto digits = std::find_if(rest.begin(), rest.end(), [](char c) { return c < '0' || c > '9'; }) - rest.begin();
    if (digits > 0 && rest.substr(static_cast<std::size_t>(digits)).starts_with("_bot")) return true;
  }
  return false;
}

bot::domain_event translate(std::string_view event, const boost::json::value& payload, const identity& self) {
  if (event != "Note Hook") return std::monostate{};
  if (string_at(payload, "object_kind") != "note") return std::monostate{};
  if (string_at(payload, "object_attributes.noteable_type") != "Issue") return std::monostate{};
  // Newer GitLab versions say `action: create|update`; older ones only send creations.
  if (string_or(payload, "object_attributes.action", "create") != "create") return std::monostate{};
  if (const auto* system = find(payload, "object_attributes.system"); system && system->is_bool() && system->get_bool()) {
    return std::monostate{};  // system notes ("changed the description") are not people talking
  }

  bot::comment_posted c;
  c.issue.platform = "gitlab";
  c.issue.repository_id = int_at(payload, "project.id");
  c.issue.repository_path = string_at(payload, "project.path_with_namespace");
  c.issue.number = int_at(payload, "issue.iid");
  c.issue.url = string_or(payload, "issue.url", string_or(payload, "project.web_url", "") + "/-/issues/" +
                                                    std::to_string(c.issue.number));
  c.author = {"gitlab", int_at(payload, "user.id"), string_at(payload, "user.username")};
  c.comment_id = int_at(payload, "object_attributes.id");
  c.body = string_or(payload, "object_attributes.note", "");
  c.by_bot = is_token_bot_username(c.author.login) ||
             (!self.bot_username.empty() && c.author.login == self.bot_username) ||
             c.body.find(bot::own_comment_marker) != std::string::npos;
  return c;
}

}  // namespace bountybot::gitlab
