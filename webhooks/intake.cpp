#include "webhooks/intake.hpp"

#include "adapters/github/events.hpp"
#include "adapters/gitlab/events.hpp"
#include "webhooks/signature.hpp"

#include <boost/json.hpp>

namespace bountybot::webhooks {
namespace {

std::string header(const std::map<std::string, std::string>& headers, const std::string& name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

// Delivery ids are opaque, but bounded: they become database keys and log fields.
constexpr std::size_t max_delivery_id_chars = 128;

bool json_object(const std::string& body) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec);
  return !ec && v.is_object();
}

}  // namespace

intake_decision decide_github(const std::string& secret, const std::map<std::string, std::string>& headers,
                              const std::string& body) {
  const auto signature = header(headers, "x-hub-signature-256");
  if (signature.empty()) return {401, "missing X-Hub-Signature-256"};
  if (!verify_github_signature(secret, body, signature)) return {401, "bad signature"};
  const auto event = header(headers, "x-github-event");
  const auto id = header(headers, "x-github-delivery");
  if (event.empty() || id.empty()) return {400, "missing X-GitHub-Event or X-GitHub-Delivery"};
  if (id.size() > max_delivery_id_chars) return {400, "X-GitHub-Delivery is too long"};
  if (!json_object(body)) return {400, "body is not a JSON object"};
  if (event == "ping") return {200, "pong"};
  if (!github::is_handled_event(event)) return {200, "event type ignored"};
  return {202, "accepted", delivery{"github", id, event, body}};
}

intake_decision decide_gitlab(const std::string& token, const std::map<std::string, std::string>& headers,
                              const std::string& body) {
  const auto given = header(headers, "x-gitlab-token");
  if (given.empty()) return {401, "missing X-Gitlab-Token"};
  if (!verify_gitlab_token(token, given)) return {401, "bad token"};
  const auto event = header(headers, "x-gitlab-event");
  auto id = header(headers, "x-gitlab-event-uuid");
  if (id.empty()) id = header(headers, "idempotency-key");
  if (event.empty() || id.empty()) return {400, "missing X-Gitlab-Event or X-Gitlab-Event-UUID"};
  if (id.size() > max_delivery_id_chars) return {400, "delivery id is too long"};
  if (!json_object(body)) return {400, "body is not a JSON object"};
  if (!gitlab::is_handled_event(event)) return {200, "event type ignored"};
  return {202, "accepted", delivery{"gitlab", id, event, body}};
}

}  // namespace bountybot::webhooks
