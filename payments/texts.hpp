#pragma once
/// Why a payment, payout or withdrawal is refused: the messages of the payments module's
/// problems, shown to the user on a page or by the API. Pure; one function per message.
#include <cstdint>
#include <string>
#include <string_view>

namespace bountybot::payments {

// ---- funding a pledge and topping up a balance by card (`decide_funding`, `decide_top_up`) ----

/// What a pledge misses is over one deposit's bound of `bound_minor` of `currency` (BOUNTYBOT_MAX_DEPOSIT).
std::string text_missing_over_deposit(std::int64_t bound_minor, std::string_view currency);
/// Cards are not taken in the chosen currency (`card_currency_supported`).
std::string text_card_currency_not_taken();
/// The amount written names another currency than `code`, the one chosen (top-up, payout, withdrawal).
std::string text_amount_other_currency(std::string_view code);
/// A top-up of zero.
std::string text_top_up_not_positive();

// ---- a Stripe Checkout session or dispute that cannot be booked (`decide_card_payment`, `decide_card_dispute`) ----

/// The session id is not a Stripe id.
std::string text_session_no_id();
/// The session's metadata[account] names no account (`payer_from`).
std::string text_session_no_account();
/// The session's currency is not one this service knows.
std::string text_session_currency_unknown();
/// The session's amount_total and metadata[surcharge] contradict each other.
std::string text_session_amounts_mismatch();
/// The dispute id is not a Stripe id.
std::string text_dispute_no_id();
/// The dispute's currency is not one this service knows.
std::string text_dispute_currency_unknown();
/// The dispute's amount is negative.
std::string text_dispute_amount_negative();

// ---- the operator's note when lifting a freeze (`check_lift_note`) ----

/// The note is empty.
std::string text_lift_note_required();
/// The note is over bot::max_reason_chars or holds control characters.
std::string text_lift_note_too_long();

// ---- payouts and withdrawals (`decide_payout`, `decide_withdrawal`, `decide_settlement`) ----

/// The form names no currency this service knows.
std::string text_payout_choose_currency();
/// Nothing is payable in `code` (a payout).
std::string text_no_balance_to_pay_out(std::string_view code);
/// Nothing is available in `code` (a withdrawal).
std::string text_no_balance_to_withdraw(std::string_view code);
/// A payout or withdrawal of zero.
std::string text_payout_not_positive();
/// The amount is over the user's `what` ("payable", "available") balance of `balance_minor` of `code`.
std::string text_over_balance(std::string_view what, std::int64_t balance_minor, std::string_view code);
/// The amount is under the smallest payout, `minimum_minor` of `code`.
std::string text_payout_below_minimum(std::int64_t minimum_minor, std::string_view code);
/// Stripe payouts without a connected account.
std::string text_payouts_not_set_up();
/// The connected account has payouts not enabled yet (onboarding unfinished).
std::string text_payouts_not_enabled();
/// The operator tried to settle `name` ("payout 12") by hand, but Stripe settles it.
std::string text_settles_through_stripe(std::string_view name);
/// `name` ("withdrawal 7") cannot be marked paid: it is in `state` already.
std::string text_settled_already(std::string_view name, std::string_view state);
/// `name` cannot be marked failed: it failed already.
std::string text_failed_already(std::string_view name);

}  // namespace bountybot::payments
