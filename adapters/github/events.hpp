#pragma once
/// GitHub webhook payloads -> domain events. Payload shapes: GitHub "Webhook events and payloads"
/// (https://docs.github.com/en/webhooks/webhook-events-and-payloads). Nothing GitHub-shaped leaves
/// this adapter.
#include "bot/bounty.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>

namespace bountybot::github {

/// Event types (the `X-GitHub-Event` header) this service stores and processes; intake answers
/// 200 and stores nothing for every other type, and for `ping`.
bool is_handled_event(std::string_view event);

/// Who the service itself is, so its own comments are ignored.
struct identity {
  std::string bot_login;  // the account behind the token, if known (a PAT's user)
};

/// Translates one delivery. `issue_comment` `created` on an issue (not a pull request) becomes a
/// `comment_posted`; everything else is `std::monostate` (nothing to do). Throws
/// `adapters::payload_error` when a field the translation needs is missing or mistyped.
bot::domain_event translate(std::string_view event, const boost::json::value& payload, const identity& self);

}  // namespace bountybot::github
