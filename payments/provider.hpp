#pragma once
/// Payment providers (SPEC §14: "Providers sit behind one interface: manual and stripe"): where
/// card money comes in and where payouts and withdrawals go out. `manual` is the operator's hand
/// (no card payments; payouts wait in the operator's queue); `stripe` is Stripe Checkout and
/// Connect, in adapters/stripe/. The pages and the payout sender use only this interface.
#include "payments/payments.hpp"
#include "payments/payouts.hpp"

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace bountybot::payments {

/// A provider call failed; `what()` holds the provider's message, never a secret.
struct provider_error : std::runtime_error {
  explicit provider_error(const std::string& what, bool retryable = true) : std::runtime_error(what), retryable_(retryable) {}
  /// The same call (same idempotency key) may succeed later: 5xx, 429, a lost answer. A refusal will not.
  bool retryable() const { return retryable_; }

 private:
  bool retryable_;
};

/// One card payment to start: a single line of `amount` (minor units) named `product`.
struct checkout_request {
  escrow::money amount{0, "USD"};
  std::string product;               // shown on the provider's page
  std::string account;               // whose balance it credits: account_ref
  std::int64_t pledge_id = 0;        // the pledge it funds, 0 for a top-up
  std::int64_t surcharge_minor = 0;  // the part of `amount` that pays for the card
  std::string success_url;
  std::string cancel_url;
};

/// A started card payment: its id and the page the payer goes to.
struct checkout_session {
  std::string id;
  std::string url;
};

/// A booked payout or withdrawal part to send (payments/store's row, as the provider needs it).
struct payout_order {
  std::int64_t id = 0;
  payout_kind kind = payout_kind::payout;
  escrow::money amount{0, "USD"};
  std::string destination;  // the connected account (payout) or the payment intent (withdrawal)
  /// The idempotency key may have expired: look for what an earlier attempt made before paying.
  bool look_first = false;
};

class provider {
 public:
  virtual ~provider() = default;
  /// Its name in the ledger (`external:{name}`) and on payouts.
  virtual payout_provider name() const = 0;
  /// Whether a payer can pay by card in `currency` here; when not, pages say how to pay the operator.
  virtual bool takes_cards(std::string_view currency) const = 0;
  /// The card surcharge (SPEC §10 BOUNTYBOT_CARD_FEE_BPS, _FIXED).
  virtual card_fee fee() const = 0;
  /// The origins of the provider's pages a browser is sent to: for paying, or for setting up
  /// payouts (`onboarding`). A redirect elsewhere is refused, and the CSP `form-action` allows them.
  virtual std::vector<std::string> page_origins(bool onboarding) const = 0;
  /// Starts a card payment; the same key gives the same session. Throws provider_error.
  virtual checkout_session start_checkout(const checkout_request& r, const std::string& idempotency_key) const = 0;
  /// Creates a payout account (once per key): its id. Throws provider_error.
  virtual std::string create_payout_account(const std::string& idempotency_key) const = 0;
  /// The page where the user finishes setting up payouts on `account_id`. Throws provider_error.
  virtual std::string onboarding_link(const std::string& account_id, const std::string& refresh_url,
                                      const std::string& return_url, const std::string& idempotency_key) const = 0;
  /// Sends a booked payout or withdrawal part: the provider's reference once it took the money;
  /// nullopt when it is paid by hand (the operator marks it). Throws provider_error.
  virtual std::optional<std::string> send(const payout_order& order) const = 0;
};

/// The operator by hand: no card payments (start_checkout, create_payout_account and
/// onboarding_link throw a provider_error that is not retryable), no surcharge, and `send`
/// leaves every payout to the operator's queue.
std::unique_ptr<provider> manual_provider();

/// Whether `url` is on one of `origins` (an origin followed by `/`).
bool on_page_of(const std::vector<std::string>& origins, std::string_view url);

}  // namespace bountybot::payments
