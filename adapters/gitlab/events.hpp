#pragma once
/// GitLab webhook payloads -> domain events. Payload shapes: GitLab "Webhook events"
/// (https://docs.gitlab.com/ee/user/project/integrations/webhook_events.html). Nothing
/// GitLab-shaped leaves this adapter.
#include "bot/bounty.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace bountybot::gitlab {

/// Event types (the `X-Gitlab-Event` header) this service stores and processes.
bool is_handled_event(std::string_view event);

/// Who the service itself is, so its own notes are ignored.
struct identity {
  std::string bot_username;
};

/// True for GitLab's bot users of project and group access tokens (`project_<id>_bot...`,
/// `group_<id>_bot...`), documented under "Bot users for projects/groups".
bool is_token_bot_username(std::string_view username);

/// Translates one delivery: a `Note Hook` on an issue, newly created, becomes a `comment_posted`;
/// everything else is `std::monostate`. Throws `adapters::payload_error` on a malformed shape.
bot::domain_event translate(std::string_view event, const boost::json::value& payload, const identity& self);

}  // namespace bountybot::gitlab
