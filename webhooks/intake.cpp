#include "webhooks/intake.hpp"

#include "adapters/github/events.hpp"
#include "adapters/gitlab/events.hpp"
#include "adapters/stripe/stripe.hpp"
#include "webhooks/signature.hpp"

#include <boost/json.hpp>
#include <boost/json/basic_parser_impl.hpp>

#include <algorithm>

namespace bountybot::webhooks {
namespace {

std::string header(const std::map<std::string, std::string>& headers, const std::string& name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

// Delivery ids are opaque, but bounded: they become database keys and log fields.
constexpr std::size_t max_delivery_id_chars = 128;

// An id that may be a key and a log field: visible ASCII (GitHub and GitLab send UUIDs). Other
// bytes are refused here, as the header is not covered by the signature: an id PostgreSQL would
// reject as text would fail the whole batch of deliveries stored with it.
bool printable_id(const std::string& id) {
  return std::all_of(id.begin(), id.end(), [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

// Validates JSON without building a document (the worker parses it later): a SAX handler that
// only notes whether the top-level value is an object.
struct validating_handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  int depth = 0;
  bool top_is_object = false;
  using ec_t = boost::system::error_code;
  using sv = boost::json::string_view;
  bool on_document_begin(ec_t&) { return true; }
  bool on_document_end(ec_t&) { return true; }
  bool on_array_begin(ec_t&) { return ++depth, true; }
  bool on_array_end(std::size_t, ec_t&) { return --depth, true; }
  bool on_object_begin(ec_t&) {
    if (depth++ == 0) top_is_object = true;
    return true;
  }
  bool on_object_end(std::size_t, ec_t&) { return --depth, true; }
  bool on_string_part(sv, std::size_t, ec_t&) { return true; }
  bool on_string(sv, std::size_t, ec_t&) { return true; }
  bool on_key_part(sv, std::size_t, ec_t&) { return true; }
  bool on_key(sv, std::size_t, ec_t&) { return true; }
  bool on_number_part(sv, ec_t&) { return true; }
  bool on_int64(std::int64_t, sv, ec_t&) { return true; }
  bool on_uint64(std::uint64_t, sv, ec_t&) { return true; }
  bool on_double(double, sv, ec_t&) { return true; }
  bool on_bool(bool, ec_t&) { return true; }
  bool on_null(ec_t&) { return true; }
  bool on_comment_part(sv, ec_t&) { return true; }
  bool on_comment(sv, ec_t&) { return true; }
};

bool json_object(const std::string& body) {
  boost::json::basic_parser<validating_handler> parser(boost::json::parse_options{});
  boost::system::error_code ec;
  const auto used = parser.write_some(false, body.data(), body.size(), ec);
  if (ec || !parser.done() || !parser.handler().top_is_object) return false;
  // One document only: what follows it may be white space (RFC 8259 §2), nothing else.
  return body.find_first_not_of(" \t\r\n", used) == std::string::npos;
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
  if (!printable_id(id)) return {400, "X-GitHub-Delivery is not visible ASCII"};
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
  if (!printable_id(id)) return {400, "delivery id is not visible ASCII"};
  if (!json_object(body)) return {400, "body is not a JSON object"};
  if (!gitlab::is_handled_event(event)) return {200, "event type ignored"};
  return {202, "accepted", delivery{"gitlab", id, event, body}};
}

intake_decision decide_stripe(const std::vector<std::string>& secrets, const std::map<std::string, std::string>& headers,
                              const std::string& body, std::int64_t now) {
  if (!verify_stripe_signature(secrets, body, header(headers, "stripe-signature"), now)) {
    return {400, "invalid or stale Stripe-Signature", std::nullopt};
  }
  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec);
  const auto* o = ec ? nullptr : v.if_object();
  const auto* id = o ? o->if_contains("id") : nullptr;
  const auto* type = o ? o->if_contains("type") : nullptr;
  if (!id || !id->is_string() || !type || !type->is_string()) return {400, "an event needs an id and a type", std::nullopt};
  const std::string event_id(id->as_string()), event_type(type->as_string());
  if (event_id.empty() || event_id.size() > max_delivery_id_chars || !printable_id(event_id)) {
    return {400, "an event id of 1 to 128 visible characters is required", std::nullopt};
  }
  if (!stripe::is_handled_event(event_type)) return {200, "event ignored", std::nullopt};
  return {200, "accepted", delivery{"stripe", event_id, event_type, body}};
}

}  // namespace bountybot::webhooks
