#pragma once
/// Webhook intake decisions (SPEC §8), without I/O: given a request's headers and raw body,
/// answer with a status code, or with a delivery to store durably before answering 202.
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <cstdint>

namespace bountybot::webhooks {

/// A verified delivery, ready for the inbox.
struct delivery {
  std::string platform;     // github | gitlab | stripe
  std::string delivery_id;  // X-GitHub-Delivery / X-Gitlab-Event-UUID / Idempotency-Key
  std::string event;        // X-GitHub-Event / X-Gitlab-Event
  std::string payload;      // the raw body, exactly as signed
};

/// What to answer: `status` and a short message, and the delivery to store if any. When
/// `store` is set, the caller stores it and answers 202 (or 200 if it was a duplicate).
struct intake_decision {
  unsigned status = 400;
  std::string message;
  std::optional<delivery> store;
};

/// Decides for `POST /webhooks/github`. `headers` have lower-case names. Order of checks:
/// signature (401), required headers (400), `ping` and unhandled event types (200, nothing
/// stored), JSON syntax (400).
intake_decision decide_github(const std::string& secret, const std::map<std::string, std::string>& headers,
                              const std::string& body);

/// Decides for `POST /webhooks/gitlab`: token (401), `X-Gitlab-Event` and a delivery id —
/// `X-Gitlab-Event-UUID`, else `Idempotency-Key` — (400), unhandled event types (200), JSON (400).
intake_decision decide_gitlab(const std::string& token, const std::map<std::string, std::string>& headers,
                              const std::string& body);

/// Decides for `POST /webhooks/stripe` (SPEC §14): the signature against every secret of
/// `secrets` with the timestamp within 300 s of `now` (epoch seconds), else 400; then the event's
/// JSON `id` (`evt_...`) and `type` (400 without them); types the service does not act on are
/// answered 200 and not stored. A stored event's delivery id is its `id`.
intake_decision decide_stripe(const std::vector<std::string>& secrets, const std::map<std::string, std::string>& headers,
                              const std::string& body, std::int64_t now);

}  // namespace bountybot::webhooks
