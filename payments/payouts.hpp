#pragma once
/// Money out (SPEC §14 "Money out"), pure: whether a payout request may go, for how much and
/// through which provider; the payout's states.
#include "bot/platform.hpp"
#include "escrow/money.hpp"
#include "escrow/result.hpp"
#include "payments/payments.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bountybot::payments {

/// Who pays a payout out: Stripe Connect (a transfer to the user's connected account), or the
/// operator by hand (`manual`).
enum class payout_provider { manual, stripe };
std::string_view to_string(payout_provider p);
std::optional<payout_provider> payout_provider_from(std::string_view name);

/// A payout pays out earnings (payable); a withdrawal returns unspent money (available), by
/// card refunds with Stripe.
enum class payout_kind { payout, withdrawal };
std::string_view to_string(payout_kind k);
std::optional<payout_kind> payout_kind_from(std::string_view name);

/// requested (booked in the ledger, not paid yet), paid (Stripe took the transfer, or the
/// operator paid it), failed (not paid: the booking was reversed back to payable).
enum class payout_state { requested, paid, failed };
std::string_view to_string(payout_state s);
std::optional<payout_state> payout_state_from(std::string_view name);

/// The default smallest payout, whole units of its currency (SPEC §10 BOUNTYBOT_PAYOUT_MINIMUM).
inline constexpr std::int64_t default_payout_minimum_units = 10;

/// The largest amount a payout form accepts, whole units (far above any balance; it bounds the parse).
inline constexpr std::int64_t max_payout_units = 1'000'000'000;

/// A user's Stripe connected account, as the service knows it.
struct payout_account {
  std::string account_id;  // acct_...
  bool payouts_enabled = false;
};

/// What a payout request is decided on.
struct payout_view {
  payer who;
  std::map<std::string, std::int64_t> payable;  // currency -> minor units
  bool stripe = false;                          // Stripe is configured
  std::optional<payout_account> account;
  bool frozen = false;                          // a card dispute froze the account
  std::int64_t minimum_units = default_payout_minimum_units;
};

/// The form: `currency` (ISO 4217), `amount` in the currency's units (`50`, `50.00`; empty: all of it).
struct payout_form {
  std::string currency;
  std::string amount;
};

/// A payout that may go: `amount` from payable to external:{provider}, to `destination` (the
/// connected account for Stripe, empty for manual).
struct payout_plan {
  escrow::money amount{0, "USD"};
  payout_provider provider = payout_provider::manual;
  std::string destination;
};

/// Decides a payout request. Refusals, each with the reason shown to the user: `currency`
/// (unknown, or nothing payable in it), `amount` (malformed, more decimals than the currency
/// has, not positive, below the minimum, more than the payable balance), `conflict` (payouts
/// not set up or not enabled with Stripe; the account is frozen).
[[nodiscard]] result<payout_plan> decide_payout(const payout_view& view, const payout_form& form);

/// What happens to a booked payout or withdrawal part: the money reached the user (`paid`), or
/// it did not, or came back (`failed`: refused, reversed, a failed refund).
enum class settlement { paid, failed };
/// Who settles it: the provider (the payout sender, Stripe's events) or the operator by hand.
enum class settled_by { provider, operator_hand };

/// A settlement to apply: the payout's new state, and whether its booking is reversed, back to
/// `available` for a withdrawal or to `payable` for a payout.
struct settlement_plan {
  payout_state next = payout_state::requested;
  bool reverse = false;
  bool to_available = false;
};

/// Decides settling a payout of `kind` through `provider`, now in `state` (SPEC §14). Paid only
/// from requested; failed from requested or paid (a reversal), once; the operator settles only
/// manual payouts (a Stripe payout settles itself: failing a transfer Stripe made would pay
/// twice). Refusal `conflict` with the reason.
[[nodiscard]] result<settlement_plan> decide_settlement(std::int64_t id, payout_kind kind, payout_provider provider,
                                                        payout_state state, settlement what, settled_by by);

/// A card payment of the user that can still be refunded: its payment intent and what is left of
/// its deposit (minor units).
struct refundable_payment {
  std::string payment_intent;
  std::int64_t refundable_minor = 0;
};

/// What a withdrawal request is decided on.
struct withdrawal_view {
  payer who;
  std::map<std::string, std::int64_t> available;  // currency -> minor units
  bool stripe = false;
  bool frozen = false;
  /// Currency -> the user's card payments, newest first.
  std::map<std::string, std::vector<refundable_payment>> card_payments;
  std::int64_t minimum_units = default_payout_minimum_units;
};

/// One part of a withdrawal: with Stripe, a refund of `amount` on payment intent `destination`;
/// without, the whole amount as a manual request.
struct withdrawal_part {
  escrow::money amount{0, "USD"};
  payout_provider provider = payout_provider::manual;
  std::string destination;
};

/// Decides a withdrawal of unspent money (SPEC §14): the amount is checked as a payout's is
/// (against the available balance); with Stripe it is split over the user's card payments,
/// newest first, as refunds, and what they cannot take is one manual part for the operator.
[[nodiscard]] result<std::vector<withdrawal_part>> decide_withdrawal(const withdrawal_view& view, const payout_form& form);

}  // namespace bountybot::payments
