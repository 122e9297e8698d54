#include "adapters/github/events.hpp"

#include "adapters/json_util.hpp"
#include "bot/status.hpp"

namespace bountybot::github {

using adapters::find;
using adapters::int_at;
using adapters::string_at;
using adapters::string_or;

bool is_handled_event(std::string_view event) { return event == "issue_comment"; }

bot::domain_event translate(std::string_view event, const boost::json::value& payload, const identity& self) {
  if (event != "issue_comment") return std::monostate{};
  if (string_at(payload, "action") != "created") return std::monostate{};  // edits and deletions undo nothing
  if (find(payload, "issue.pull_request") != nullptr) return std::monostate{};  // bounties live on issues

  bot::comment_posted c;
  c.issue.platform = "github";
  c.issue.repository_id = int_at(payload, "repository.id");
  c.issue.repository_path = string_at(payload, "repository.full_name");
  c.issue.number = int_at(payload, "issue.number");
  c.issue.url = string_or(payload, "issue.html_url", "https://github.com/" + c.issue.repository_path + "/issues/" +
                                                         std::to_string(c.issue.number));
  c.author = {"github", int_at(payload, "comment.user.id"), string_at(payload, "comment.user.login")};
  c.comment_id = int_at(payload, "comment.id");
  c.body = string_or(payload, "comment.body", "");
  c.by_bot = string_or(payload, "comment.user.type", "") == "Bot" || string_or(payload, "sender.type", "") == "Bot" ||
             (!self.bot_login.empty() && c.author.login == self.bot_login) ||
             c.body.find(bot::own_comment_marker) != std::string::npos;
  return c;
}

}  // namespace bountybot::github
