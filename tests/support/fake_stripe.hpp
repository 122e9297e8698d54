#pragma once
// A local HTTP server standing in for Stripe: records every API call, answers
// `POST /v1/checkout/sessions` like Stripe (the same Idempotency-Key gives the same session),
// serves a checkout page whose "Pay" button completes the session, and sends the service the
// signed `checkout.session.completed` event, as Stripe would. Connect: `POST /v1/accounts` and
// `/v1/account_links` (its onboarding page's "Finish" sends `account.updated` with payouts
// enabled and returns to `return_url`), `POST /v1/transfers` and `/v1/refunds` (one per
// Idempotency-Key) and their lists (`GET /v1/transfers?transfer_group=`, `/v1/refunds?payment_intent=`).
#include "tests/support/fake_platform.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace bountybot::testing {

/// `Stripe-Signature` for `body` at unix time `t`: `t=<t>,v1=<hex HMAC-SHA256 of "t.body">`.
std::string stripe_signature(const std::string& secret, std::int64_t t, const std::string& body);

class fake_stripe {
 public:
  /// Events go to `webhook_url` (the service's `/webhooks/stripe`) signed with `webhook_secret`.
  explicit fake_stripe(std::string webhook_secret);
  ~fake_stripe();
  /// `http://127.0.0.1:<port>`: BOUNTYBOT_STRIPE_API_URL.
  std::string base_url() const;
  void set_webhook_url(std::string url);
  std::vector<recorded_call> calls() const;
  /// The next `count` API calls (not the checkout pages) are answered `status` and not recorded as done.
  void fail_next(int count, unsigned status);
  /// The next `count` transfers or refunds are made but answered `500`, as when Stripe's answer is lost.
  void lose_next_answers(int count);
  /// Forgets the Idempotency-Keys of transfers and refunds, as Stripe does after 24 hours.
  void forget_idempotency_keys();
  /// The `checkout.session.completed` event of session `id` as JSON (paid), with event id `event_id`.
  std::string completed_event(const std::string& session_id, const std::string& event_id) const;
  /// `transfer.reversed` for transfer `transfer_id` that paid payout `payout_id`.
  std::string transfer_reversed_event(const std::string& transfer_id, std::int64_t payout_id, const std::string& event_id) const;
  /// `charge.dispute.created` (https://docs.stripe.com/api/disputes/object) of `amount_minor` in
  /// `currency` (lower-case) on payment intent `payment_intent`, reason `fraudulent`.
  std::string dispute_created_event(const std::string& dispute_id, const std::string& payment_intent,
                                    std::int64_t amount_minor, const std::string& currency, const std::string& event_id) const;
  /// `refund.failed` for refund `refund_id` that a withdrawal part `payout_id` made
  /// (failure_reason `expired_or_canceled_card`).
  std::string refund_failed_event(const std::string& refund_id, std::int64_t payout_id, const std::string& event_id) const;
  /// Sends `body` to the webhook URL, signed now (or at `t`); returns the service's status.
  unsigned send_event(const std::string& body, std::int64_t t = 0) const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace bountybot::testing
