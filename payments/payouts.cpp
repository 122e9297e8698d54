#include "payments/payouts.hpp"

#include "bot/status.hpp"
#include "payments/texts.hpp"

namespace bountybot::payments {

std::string_view to_string(payout_provider p) { return p == payout_provider::stripe ? "stripe" : "manual"; }

std::optional<payout_provider> payout_provider_from(std::string_view name) {
  if (name == "stripe") return payout_provider::stripe;
  if (name == "manual") return payout_provider::manual;
  return std::nullopt;
}

std::string_view to_string(payout_kind k) { return k == payout_kind::withdrawal ? "withdrawal" : "payout"; }

std::optional<payout_kind> payout_kind_from(std::string_view name) {
  if (name == "payout") return payout_kind::payout;
  if (name == "withdrawal") return payout_kind::withdrawal;
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

namespace {

/// The amount of a payout or withdrawal form against `balances`: all of the balance when the
/// form names none. `what` names the balance in refusals ("payable", "available").
result<escrow::money> checked_amount(const std::map<std::string, std::int64_t>& balances, const payout_form& form,
                                     std::int64_t minimum_units, bool frozen, std::string_view what) {
  if (frozen) {
    return make_problem(problem_code::conflict, bot::text_account_frozen());
  }
  const auto* currency = escrow::find_currency(form.currency);
  if (currency == nullptr) return make_problem(problem_code::currency, text_payout_choose_currency());
  const std::string code(currency->code);
  const auto it = balances.find(code);
  const std::int64_t balance = it == balances.end() ? 0 : it->second;
  if (balance <= 0) {
    return make_problem(problem_code::currency,
                        what == "payable" ? text_no_balance_to_pay_out(code) : text_no_balance_to_withdraw(code));
  }
  std::int64_t amount = balance;
  if (!form.amount.empty()) {
    const auto text = escrow::parse_amount(form.amount);
    if (!text) return text.error();
    if (text->currency_code && *text->currency_code != code) {
      return make_problem(problem_code::amount, text_amount_other_currency(code));
    }
    const auto m = escrow::to_money(*text, code, max_payout_units);
    if (!m) return m.error();
    amount = m->amount_minor();
  }
  if (amount <= 0) return make_problem(problem_code::amount, text_payout_not_positive());
  if (amount > balance) {
    return make_problem(problem_code::amount, text_over_balance(what, balance, code));
  }
  const std::int64_t minimum = minimum_units * escrow::minor_per_unit(*currency);
  if (amount < minimum) {
    return make_problem(problem_code::amount, text_payout_below_minimum(minimum, code));
  }
  return escrow::money(amount, code);
}

}  // namespace

result<payout_plan> decide_payout(const payout_view& view, const payout_form& form) {
  const auto checked = checked_amount(view.payable, form, view.minimum_units, view.frozen, "payable");
  if (!checked) return checked.error();
  const auto amount = checked->amount_minor();
  const auto& code = checked->currency();
  // Currencies Stripe takes in other units (card_currency_supported) are paid by the operator.
  if (!view.stripe || !card_currency_supported(code)) return payout_plan{escrow::money(amount, code), payout_provider::manual, ""};
  if (!view.account) return make_problem(problem_code::conflict, text_payouts_not_set_up());
  if (!view.account->payouts_enabled) {
    return make_problem(problem_code::conflict, text_payouts_not_enabled());
  }
  return payout_plan{escrow::money(amount, code), payout_provider::stripe, view.account->account_id};
}

result<std::vector<withdrawal_part>> decide_withdrawal(const withdrawal_view& view, const payout_form& form) {
  const auto checked = checked_amount(view.available, form, view.minimum_units, view.frozen, "available");
  if (!checked) return checked.error();
  if (!view.stripe) return std::vector<withdrawal_part>{{*checked, payout_provider::manual, ""}};
  std::vector<withdrawal_part> parts;
  std::int64_t left = checked->amount_minor();
  const auto it = view.card_payments.find(checked->currency());
  if (it != view.card_payments.end()) {
    for (const auto& p : it->second) {
      if (p.refundable_minor <= 0) continue;
      const auto part = std::min(left, p.refundable_minor);
      if (part > 0) parts.push_back({escrow::money(part, checked->currency()), payout_provider::stripe, p.payment_intent});
      left -= part;
    }
  }
  // What did not come by card (an operator deposit, a refund of a pledge paid otherwise) is
  // returned by the operator: a manual part for the rest.
  if (left > 0) parts.push_back({escrow::money(left, checked->currency()), payout_provider::manual, ""});
  return parts;
}

result<settlement_plan> decide_settlement(std::int64_t id, payout_kind kind, payout_provider provider, payout_state state,
                                         settlement what, settled_by by) {
  const auto name = std::string(to_string(kind)) + " " + std::to_string(id);
  if (by == settled_by::operator_hand && provider != payout_provider::manual) {
    return make_problem(problem_code::conflict, text_settles_through_stripe(name));
  }
  if (what == settlement::paid) {
    if (state != payout_state::requested) {
      return make_problem(problem_code::conflict, text_settled_already(name, to_string(state)));
    }
    return settlement_plan{payout_state::paid, false, false};
  }
  if (state == payout_state::failed) return make_problem(problem_code::conflict, text_failed_already(name));
  return settlement_plan{payout_state::failed, true, kind == payout_kind::withdrawal};
}

}  // namespace bountybot::payments
