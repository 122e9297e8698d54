#include "payments/payouts.hpp"

namespace bountybot::payments {

std::string_view to_string(payout_provider p) { return p == payout_provider::stripe ? "stripe" : "manual"; }

std::optional<payout_provider> payout_provider_from(std::string_view name) {
  if (name == "stripe") return payout_provider::stripe;
  if (name == "manual") return payout_provider::manual;
  return std::nullopt;
}

std::string_view to_string(payout_state s) {
  switch (s) {
    case payout_state::requested: return "requested";
    case payout_state::paid: return "paid";
    case payout_state::failed: return "failed";
  }
  return "failed";
}

std::optional<payout_state> payout_state_from(std::string_view name) {
  for (auto s : {payout_state::requested, payout_state::paid, payout_state::failed}) {
    if (to_string(s) == name) return s;
  }
  return std::nullopt;
}

result<payout_plan> decide_payout(const payout_view& view, const payout_form& form) {
  if (view.frozen) {
    return make_problem(problem_code::conflict, "your account is frozen after a card dispute; the operator will contact you");
  }
  const auto* currency = escrow::find_currency(form.currency);
  if (currency == nullptr) return make_problem(problem_code::currency, "choose a currency you have earnings in");
  const std::string code(currency->code);
  const auto it = view.payable.find(code);
  const std::int64_t payable = it == view.payable.end() ? 0 : it->second;
  if (payable <= 0) return make_problem(problem_code::currency, "you have nothing to be paid out in " + code);
  std::int64_t amount = payable;
  if (!form.amount.empty()) {
    const auto text = escrow::parse_amount(form.amount);
    if (!text) return text.error();
    if (text->currency_code && *text->currency_code != code) {
      return make_problem(problem_code::amount, "the amount names another currency than " + code);
    }
    const auto m = escrow::to_money(*text, code, max_payout_units);
    if (!m) return m.error();
    amount = m->amount_minor();
  }
  if (amount <= 0) return make_problem(problem_code::amount, "a payout must be more than zero");
  if (amount > payable) {
    return make_problem(problem_code::amount, "that is more than your payable balance of " + escrow::format_money(payable, code));
  }
  const std::int64_t minimum = view.minimum_units * escrow::minor_per_unit(*currency);
  if (amount < minimum) {
    return make_problem(problem_code::amount, "the smallest payout is " + escrow::format_money(minimum, code));
  }
  // Currencies Stripe takes in other units (card_currency_supported) are paid by the operator.
  if (!view.stripe || !card_currency_supported(code)) return payout_plan{escrow::money(amount, code), payout_provider::manual, ""};
  if (!view.account) return make_problem(problem_code::conflict, "set up payouts first: Stripe needs to know where to pay you");
  if (!view.account->payouts_enabled) {
    return make_problem(problem_code::conflict, "Stripe has not enabled payouts on your account yet: finish its onboarding");
  }
  return payout_plan{escrow::money(amount, code), payout_provider::stripe, view.account->account_id};
}

}  // namespace bountybot::payments
