#pragma once
/// Stripe (SPEC §14): the REST calls the service makes (form-encoded, `Idempotency-Key` on every
/// POST; https://docs.stripe.com/api/idempotent_requests) and the events it reads.
/// Checkout Sessions: https://docs.stripe.com/api/checkout/sessions/create
/// Events: https://docs.stripe.com/api/events/types
#include "payments/payments.hpp"
#include "payments/provider.hpp"

#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

namespace bountybot::adapters {
struct http_response;
}

namespace bountybot::stripe {

/// Stripe answered an error or could not be reached; `what()` holds Stripe's message, no secret.
/// `retryable()`: 5xx, 429, 409 or no answer: the same call (same Idempotency-Key) may succeed
/// later. A 4xx will not.
struct stripe_error : payments::provider_error {
  using payments::provider_error::provider_error;
};

/// One Checkout Session to create (metadata[account], [pledge_id], [surcharge] from its fields).
using checkout_request = payments::checkout_request;
/// A created session: cs_... and the Checkout page the payer goes to.
using checkout_session = payments::checkout_session;

/// The form body of `POST /v1/checkout/sessions` for `r` (mode=payment, price_data in lower-case
/// ISO 4217 and minor units, quantity 1, metadata).
std::string checkout_form(const checkout_request& r);

class client {
 public:
  /// `api_url`: BOUNTYBOT_STRIPE_API_URL; `secret_key`: BOUNTYBOT_STRIPE_SECRET_KEY (never logged).
  client(std::string api_url, std::string secret_key);
  /// Creates the session; the same `idempotency_key` gives the same session (Stripe keeps keys 24 h).
  /// Throws stripe_error.
  checkout_session create_checkout_session(const checkout_request& r, const std::string& idempotency_key) const;
  /// `POST /v1/accounts` (type=express, capabilities[transfers][requested]=true): the new
  /// connected account's id. https://docs.stripe.com/api/accounts/create
  std::string create_express_account(const std::string& idempotency_key) const;
  /// `POST /v1/account_links` (type=account_onboarding): the onboarding URL.
  /// https://docs.stripe.com/api/account_links/create
  std::string create_onboarding_link(const std::string& account_id, const std::string& refresh_url,
                                     const std::string& return_url, const std::string& idempotency_key) const;
  /// `POST /v1/transfers` of `amount` to `destination` with `metadata[payout_id]` and
  /// `transfer_group=payout-{payout_id}` (by which find_transfer finds it): the transfer id.
  /// Throws stripe_error; `retryable()` says whether the same call may succeed later (5xx, 429,
  /// no answer). https://docs.stripe.com/api/transfers/create
  std::string create_transfer(const escrow::money& amount, const std::string& destination, std::int64_t payout_id,
                              const std::string& idempotency_key) const;
  /// The transfer of `amount` create_transfer made for `payout_id`, if any
  /// (`GET /v1/transfers?transfer_group=payout-{id}`, https://docs.stripe.com/api/transfers/list).
  /// Throws stripe_error.
  std::optional<std::string> find_transfer(std::int64_t payout_id, const escrow::money& amount) const;
  /// `POST /v1/refunds` of `amount` (minor units) on `payment_intent` with `metadata[payout_id]`:
  /// the refund id. https://docs.stripe.com/api/refunds/create
  std::string create_refund(const std::string& payment_intent, const escrow::money& amount, std::int64_t payout_id,
                            const std::string& idempotency_key) const;
  /// The refund of `amount` create_refund made on `payment_intent` for `payout_id`, if any
  /// (`GET /v1/refunds?payment_intent=…&limit=100`, https://docs.stripe.com/api/refunds/list).
  /// Throws stripe_error.
  std::optional<std::string> find_refund(const std::string& payment_intent, std::int64_t payout_id,
                                         const escrow::money& amount) const;

 private:
  /// POSTs a form; the answer as JSON, or throws stripe_error.
  boost::json::value post(const std::string& path, const std::string& body, const std::string& idempotency_key) const;
  /// A 200 answer's JSON object, or throws stripe_error (retryable for 5xx, 429, 409).
  static boost::json::value answer_of(const adapters::http_response& res, const std::string& path);
  /// GETs `path_and_query`; the answer as JSON, or throws stripe_error.
  boost::json::value get(const std::string& path_and_query) const;
  /// The `id` of the first object in a list answer's `data` whose metadata[payout_id] is
  /// `payout_id` and whose amount is `amount_minor`.
  static std::optional<std::string> id_in_list(const boost::json::value& list, std::int64_t payout_id, std::int64_t amount_minor);
  static std::string string_of(const boost::json::value& v, const char* field, const std::string& path);
  std::string api_url_;
  std::string secret_key_;
};

/// Stripe as a payments::provider: Checkout for card payments (in the currencies
/// payments::card_currency_supported names) with `fee` as the surcharge, Connect Express for
/// payout accounts, transfers for payouts and refunds for withdrawals. `api_url` is
/// BOUNTYBOT_STRIPE_API_URL (its origin is allowed for Stripe's pages when it is not
/// api.stripe.com: a local fake in tests); `secret_key` is never logged.
std::unique_ptr<payments::provider> stripe_provider(std::string api_url, std::string secret_key, payments::card_fee fee);

/// The event types the service stores and processes.
bool is_handled_event(std::string_view type);

/// A paid session from `checkout.session.completed` (with `payment_status: paid`) or
/// `checkout.session.async_payment_succeeded`; nullopt for a session not paid yet. Throws
/// adapters::payload_error for an event of another shape.
std::optional<payments::card_payment> card_payment_of(const std::string& type, const boost::json::value& event);

/// `account.updated`: the connected account and whether it may receive payouts.
struct account_update {
  std::string account_id;
  bool payouts_enabled = false;
};
std::optional<account_update> account_update_of(const std::string& type, const boost::json::value& event);

/// `transfer.reversed` once the whole transfer is reversed (`reversed: true`; a partial reversal
/// gives nullopt and is left to the operator): the payout it paid (metadata[payout_id]) and its id.
struct transfer_reversal {
  std::int64_t payout_id = 0;
  std::string transfer_id;
};
std::optional<transfer_reversal> transfer_reversal_of(const std::string& type, const boost::json::value& event);

/// `refund.failed` (https://docs.stripe.com/refunds#failed-refunds) of a refund a withdrawal made
/// (metadata[payout_id]); nullopt for a refund without it. Throws adapters::payload_error.
struct refund_failure {
  std::int64_t payout_id = 0;
  std::string refund_id;       // re_...
  std::string failure_reason;  // Stripe's, e.g. expired_or_canceled_card; `unknown` for anything but [a-z_]{1,64}
};
std::optional<refund_failure> refund_failure_of(const std::string& type, const boost::json::value& event);

/// `charge.dispute.created`: the dispute (https://docs.stripe.com/api/disputes/object), not yet
/// checked (payments::decide_card_dispute). Throws adapters::payload_error for another shape.
std::optional<payments::card_dispute> card_dispute_of(const std::string& type, const boost::json::value& event);

}  // namespace bountybot::stripe
