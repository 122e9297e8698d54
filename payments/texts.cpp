#include "payments/texts.hpp"

#include "bot/bounty.hpp"
#include "escrow/money.hpp"

namespace bountybot::payments {

std::string text_missing_over_deposit(std::int64_t bound_minor, std::string_view currency) {
  return "what is missing is more than one deposit may bring (" + escrow::format_money(bound_minor, currency) +
         "): ask the operator how to pay it";
}

std::string text_card_currency_not_taken() { return "cards are not taken in this currency here: pay the operator instead"; }

std::string text_amount_other_currency(std::string_view code) {
  return "the amount names another currency than " + std::string(code);
}

std::string text_top_up_not_positive() { return "the amount must be more than zero"; }

std::string text_session_no_id() { return "the session has no usable id"; }

std::string text_session_no_account() { return "the session's metadata[account] names no account of this service"; }

std::string text_session_currency_unknown() { return "the session's currency is unknown"; }

std::string text_session_amounts_mismatch() {
  return "the session's amount_total and metadata[surcharge] do not fit together";
}

std::string text_dispute_no_id() { return "the dispute has no usable id"; }

std::string text_dispute_currency_unknown() { return "the dispute's currency is unknown"; }

std::string text_dispute_amount_negative() { return "the dispute's amount is below zero"; }

std::string text_lift_note_required() { return "a note is required: why the freeze is lifted"; }

std::string text_lift_note_too_long() {
  return "a note is at most " + std::to_string(bot::max_reason_chars) + " characters on one line, without control characters";
}

std::string text_payout_choose_currency() { return "choose a currency you have a balance in"; }

std::string text_no_balance_to_pay_out(std::string_view code) { return "you have nothing to be paid out in " + std::string(code); }

std::string text_no_balance_to_withdraw(std::string_view code) { return "you have nothing to withdraw in " + std::string(code); }

std::string text_payout_not_positive() { return "a payout must be more than zero"; }

std::string text_over_balance(std::string_view what, std::int64_t balance_minor, std::string_view code) {
  return "that is more than your " + std::string(what) + " balance of " + escrow::format_money(balance_minor, code);
}

std::string text_payout_below_minimum(std::int64_t minimum_minor, std::string_view code) {
  return "the smallest payout is " + escrow::format_money(minimum_minor, code);
}

std::string text_payouts_not_set_up() { return "set up payouts first: Stripe needs to know where to pay you"; }

std::string text_payouts_not_enabled() {
  return "Stripe has not enabled payouts on your account yet: finish its onboarding";
}

std::string text_settles_through_stripe(std::string_view name) {
  return std::string(name) + " is paid through Stripe: it settles itself (a transfer, or Stripe's reversal)";
}

std::string text_settled_already(std::string_view name, std::string_view state) {
  return std::string(name) + " is " + std::string(state) + " already";
}

std::string text_failed_already(std::string_view name) { return std::string(name) + " failed already"; }

}  // namespace bountybot::payments
