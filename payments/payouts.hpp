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

namespace bountybot::payments {

/// Who pays a payout out: Stripe Connect (a transfer to the user's connected account), or the
/// operator by hand (`manual`).
enum class payout_provider { manual, stripe };
std::string_view to_string(payout_provider p);
std::optional<payout_provider> payout_provider_from(std::string_view name);

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

}  // namespace bountybot::payments
