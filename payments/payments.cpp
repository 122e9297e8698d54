#include "payments/payments.hpp"

#include "bot/bounty.hpp"
#include "bot/status.hpp"
#include "escrow/inert.hpp"
#include "payments/texts.hpp"

#include <charconv>

namespace bountybot::payments {
namespace {

bool is_stripe_id(std::string_view s) {
  if (s.empty() || s.size() > max_stripe_id_chars) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool card_currency_supported(std::string_view currency) {
  const auto* c = escrow::find_currency(currency);
  return c != nullptr && c->exponent < 3 && c->code != "ISK" && c->code != "UGX";
}

result<escrow::money> card_surcharge(const escrow::money& amount, const card_fee& fee) {
  const auto part = escrow::basis_points_rounded_down(amount.amount_minor(), fee.bps);
  return escrow::checked_add(escrow::money(part, amount.currency()), escrow::money(fee.fixed_minor, amount.currency()));
}

std::string account_ref(const payer& p) {
  return "user:" + std::string(bot::to_string(p.platform)) + ":" + std::to_string(p.user_id);
}

std::optional<payer> payer_from(std::string_view ref) {
  constexpr std::string_view prefix = "user:";
  if (!ref.starts_with(prefix)) return std::nullopt;
  ref.remove_prefix(prefix.size());
  const auto colon = ref.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const auto platform = bot::platform_from(ref.substr(0, colon));
  const auto digits = ref.substr(colon + 1);
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
  if (!platform || digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || id <= 0) return std::nullopt;
  return payer{*platform, id};
}

result<funding_offer> decide_funding(const funding_view& view, const card_fee& fee, bot::utc_time now,
                                     std::int64_t max_deposit_units) {
  const auto& currency = view.pledged.currency();
  funding_offer offer{funding_state::ended, escrow::money(0, currency), escrow::money(0, currency), escrow::money(0, currency)};
  if (view.state == bot::pledge_state::held) {
    offer.state = funding_state::held;
    return offer;
  }
  const bool expired = view.funds_expire_at && *view.funds_expire_at <= now;
  if (view.state != bot::pledge_state::awaiting_funds || expired) return offer;
  if (view.sponsor_frozen) {
    offer.state = funding_state::frozen;
    return offer;
  }
  // A deposit holds the oldest awaiting pledge first: what the older ones need comes before this one.
  const auto needed = view.pledged.amount_minor() + view.awaiting_before.amount_minor();
  const auto missing = needed - std::min(view.available.amount_minor(), needed);
  if (missing <= 0) {
    offer.state = funding_state::covered;
    return offer;
  }
  const auto* cur = escrow::find_currency(currency);
  const std::int64_t bound = escrow::max_minor(*cur, max_deposit_units);
  if (missing > bound) {
    return make_problem(problem_code::amount, text_missing_over_deposit(bound, cur->code));
  }
  offer.state = funding_state::payable;
  offer.missing = escrow::money(missing, currency);
  auto surcharge = card_surcharge(offer.missing, fee);
  if (!surcharge) return surcharge.error();
  auto total = escrow::checked_add(offer.missing, *surcharge);
  if (!total) return total.error();
  offer.surcharge = *surcharge;
  offer.total = *total;
  return offer;
}

result<top_up> decide_top_up(const top_up_form& form, const card_fee& fee, std::int64_t max_units, bool frozen) {
  if (frozen) return make_problem(problem_code::conflict, bot::text_account_frozen());
  const auto* currency = escrow::find_currency(form.currency);
  if (currency == nullptr || !card_currency_supported(form.currency)) {
    return make_problem(problem_code::currency, text_card_currency_not_taken());
  }
  const std::string code(currency->code);
  const auto text = escrow::parse_amount(form.amount);
  if (!text) return text.error();
  if (text->currency_code && *text->currency_code != code) {
    return make_problem(problem_code::amount, text_amount_other_currency(code));
  }
  auto amount = escrow::to_money(*text, code, max_units);
  if (!amount) return amount.error();
  if (amount->amount_minor() <= 0) return make_problem(problem_code::amount, text_top_up_not_positive());
  auto surcharge = card_surcharge(*amount, fee);
  if (!surcharge) return surcharge.error();
  auto total = escrow::checked_add(*amount, *surcharge);
  if (!total) return total.error();
  return top_up{*amount, *surcharge, *total};
}

result<card_deposit> decide_card_payment(const card_payment& payment) {
  if (!is_stripe_id(payment.session_id)) return make_problem(problem_code::reference, text_session_no_id());
  const auto to = payer_from(payment.account);
  if (!to) return make_problem(problem_code::user, text_session_no_account());
  const auto* currency = escrow::find_currency(payment.currency);
  if (currency == nullptr) return make_problem(problem_code::currency, text_session_currency_unknown());
  if (payment.amount_total <= 0 || payment.surcharge_minor < 0 || payment.surcharge_minor >= payment.amount_total) {
    return make_problem(problem_code::amount, text_session_amounts_mismatch());
  }
  const std::string code(currency->code);
  return card_deposit{*to, escrow::money(payment.amount_total - payment.surcharge_minor, code),
                      escrow::money(payment.surcharge_minor, code), payment.session_id,
                      is_stripe_id(payment.payment_intent) ? payment.payment_intent : std::string()};
}

result<card_dispute> decide_card_dispute(const card_dispute& dispute) {
  if (!is_stripe_id(dispute.dispute_id)) return make_problem(problem_code::reference, text_dispute_no_id());
  const auto* currency = escrow::find_currency(dispute.currency);
  if (currency == nullptr) return make_problem(problem_code::currency, text_dispute_currency_unknown());
  if (dispute.amount_minor < 0) return make_problem(problem_code::amount, text_dispute_amount_negative());
  card_dispute d = dispute;
  d.currency = std::string(currency->code);
  if (!is_stripe_id(d.charge)) d.charge.clear();
  if (!is_stripe_id(d.payment_intent)) d.payment_intent.clear();
  const bool word = !d.reason.empty() && d.reason.size() <= max_dispute_reason_chars &&
                    d.reason.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") == std::string::npos;
  if (!word) d.reason = "unknown";
  return d;
}

result<bool> check_lift_note(std::string_view note) {
  if (note.empty()) return make_problem(problem_code::reason, text_lift_note_required());
  if (note.size() > bot::max_reason_chars || has_control_chars(note)) {
    return make_problem(problem_code::reason, text_lift_note_too_long());
  }
  return true;
}

}  // namespace bountybot::payments
