#pragma once
/// Payments (SPEC §14, "Money in"), pure: the card surcharge, what a funding page offers, and
/// what a paid Checkout Session deposits. The Stripe REST calls and event payloads stop at
/// adapters/stripe/; the rows are in payments/store/.
#include "bot/bounty.hpp"
#include "bot/platform.hpp"
#include "bot/time.hpp"
#include "escrow/money.hpp"
#include "escrow/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bountybot::payments {

/// The surcharge added to a card payment (SPEC §10 `BOUNTYBOT_CARD_FEE_BPS`, `_FIXED`).
struct card_fee {
  int bps = 0;                  // basis points of the amount, 0..10,000
  std::int64_t fixed_minor = 0; // minor units of the payment's currency, >= 0
};

/// `fee.bps` of `amount` rounded down (escrow::basis_points_rounded_down) plus `fee.fixed_minor`,
/// in `amount`'s currency. Refusal `overflow` when it leaves the int64 range.
[[nodiscard]] result<escrow::money> card_surcharge(const escrow::money& amount, const card_fee& fee);

/// Whether a card payment in `currency` is offered: Stripe's amount unit is the ISO 4217 minor
/// unit for it. Not for the three-decimal currencies (Stripe wants their last digit 0), nor for
/// ISK and UGX, which Stripe takes in two decimals for backwards compatibility
/// (https://docs.stripe.com/currencies#special-cases): those pay the operator instead.
bool card_currency_supported(std::string_view currency);

/// Whose balance a payment credits: a user's available account (organizations and pools later).
struct payer {
  bot::platform platform = bot::platform::github;
  std::int64_t user_id = 0;
  friend bool operator==(const payer&, const payer&) = default;
};

/// The text a Checkout Session carries in `metadata[account]`: `user:{platform}:{id}`.
std::string account_ref(const payer& p);
/// The payer `account_ref` wrote, or nullopt for any other text.
std::optional<payer> payer_from(std::string_view ref);

/// A pledge as its funding page reads it.
struct funding_view {
  std::int64_t pledge_id = 0;
  bot::pledge_state state = bot::pledge_state::awaiting_funds;
  escrow::money pledged{0, "USD"};
  escrow::money available{0, "USD"};  // the sponsor's available balance in the pledge's currency
  /// The sponsor's older pledges in this currency still awaiting funds: a deposit holds them
  /// first (oldest first), so the payment must cover them too.
  escrow::money awaiting_before{0, "USD"};
  payer sponsor;
  std::string sponsor_login;
  std::string issue_key;  // github:octo-org/octo-repo#42
  std::string issue_url;
  std::optional<bot::utc_time> funds_expire_at;
  bool sponsor_frozen = false;  // a card dispute froze the sponsor: no more card money is taken for them
};

/// What a funding page shows.
enum class funding_state {
  payable,  // awaiting funds: `missing` is what a card payment must bring
  held,     // the pledge is held already
  ended,    // refunded, cancelled, expired: nothing to pay
  covered,  // awaiting, but the balance covers it already: it is held with the next deposit or pledge
  frozen,   // awaiting, but a card dispute froze the sponsor: the operator lifts it first
};

struct funding_offer {
  funding_state state = funding_state::ended;
  escrow::money missing{0, "USD"};    // the pledge and the older awaiting ones, less the available balance
  escrow::money surcharge{0, "USD"};  // card_surcharge of `missing`
  escrow::money total{0, "USD"};      // missing + surcharge: what the card is charged
};

/// Decides the funding page of `view` at `now` (an awaiting pledge past `funds_expire_at` has
/// ended). Refusals: `amount` when what is missing is more than one deposit may bring
/// (`max_deposit_units` whole units, BOUNTYBOT_MAX_DEPOSIT: the card is not charged for a deposit
/// that would be refused), `overflow` when the surcharge or the total leave the int64 range.
[[nodiscard]] result<funding_offer> decide_funding(const funding_view& view, const card_fee& fee, bot::utc_time now,
                                                   std::int64_t max_deposit_units);

/// The form of a top-up of the user's own balance by card (SPEC §14 `/me/deposit`): `currency`
/// (ISO 4217) and `amount` in its units (`50`, `50.00`).
struct top_up_form {
  std::string currency;
  std::string amount;
};

/// What a top-up charges: `amount` reaches the balance, `surcharge` pays for the card.
struct top_up {
  escrow::money amount{0, "USD"};
  escrow::money surcharge{0, "USD"};
  escrow::money total{0, "USD"};  // amount + surcharge
};

/// Decides a top-up. Refusals: `conflict` (a card dispute froze the user), `currency` (unknown,
/// or not one cards are taken in: card_currency_supported), `amount` (malformed, another
/// currency named, more decimals than the currency has, not positive, more than `max_units`
/// whole units: BOUNTYBOT_MAX_DEPOSIT), `overflow`.
[[nodiscard]] result<top_up> decide_top_up(const top_up_form& form, const card_fee& fee, std::int64_t max_units,
                                           bool frozen);

/// A paid Checkout Session, as the adapter read it from a signed event.
struct card_payment {
  std::string session_id;      // cs_...
  std::string payment_intent;  // pi_..., for refunds later; may be empty
  std::string account;         // metadata[account]
  std::string currency;        // as Stripe writes it: lower-case ISO 4217
  std::int64_t amount_total = 0;    // minor units charged
  std::int64_t surcharge_minor = 0; // metadata[surcharge]: the part that pays for the card
};

/// What a paid session moves: `net` from external:stripe to the payer's available balance and
/// `surcharge` to platform:processing, both keyed by the session id.
struct card_deposit {
  payer to;
  escrow::money net{0, "USD"};
  escrow::money surcharge{0, "USD"};
  std::string reference;  // the session id
  std::string payment_intent;
};

/// The longest Stripe object id accepted (bytes); Stripe's are far shorter.
inline constexpr std::size_t max_stripe_id_chars = 255;

/// Checks a paid session. Refusals: `reference` (no session id, or one over max_stripe_id_chars
/// or with characters outside [A-Za-z0-9_]), `user` (an account this service did not write),
/// `currency` (unknown), `amount` (a total that is not positive, a surcharge below zero or not
/// below the total).
[[nodiscard]] result<card_deposit> decide_card_payment(const card_payment& payment);

/// A card dispute (chargeback), as the adapter read it from `charge.dispute.created`
/// (https://docs.stripe.com/api/disputes/object).
struct card_dispute {
  std::string dispute_id;      // dp_...
  std::string charge;          // ch_...; may be empty
  std::string payment_intent;  // pi_...: the card payment disputed; may be empty
  std::string currency;        // as Stripe writes it: lower-case ISO 4217
  std::int64_t amount_minor = 0;
  std::string reason;          // fraudulent, duplicate, ...
};

/// The longest dispute reason kept (bytes); Stripe's are short words like `product_not_received`.
inline constexpr std::size_t max_dispute_reason_chars = 64;

/// Checks a dispute before it freezes anyone: the dispute id as a Stripe id (refusal
/// `reference`), a known currency (`currency`, answered upper-case), an amount not below zero
/// (`amount`). A charge or payment intent that is not a Stripe id is dropped; a reason that is
/// not one short word of [a-z_] becomes `unknown`.
[[nodiscard]] result<card_dispute> decide_card_dispute(const card_dispute& dispute);

/// Why the operator lifts a freeze: not empty, at most bot::max_reason_chars, on one line
/// without control characters; else refusal `reason`.
[[nodiscard]] result<bool> check_lift_note(std::string_view note);

}  // namespace bountybot::payments
