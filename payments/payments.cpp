#include "payments/payments.hpp"

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

result<funding_offer> decide_funding(const funding_view& view, const card_fee& fee, bot::utc_time now) {
  const auto& currency = view.pledged.currency();
  funding_offer offer{funding_state::ended, escrow::money(0, currency), escrow::money(0, currency), escrow::money(0, currency)};
  if (view.pledge_state == "held") {
    offer.state = funding_state::held;
    return offer;
  }
  const bool expired = view.funds_expire_at && *view.funds_expire_at <= now;
  if (view.pledge_state != "awaiting_funds" || expired) return offer;
  // A deposit holds the oldest awaiting pledge first: what the older ones need comes before this one.
  const auto needed = view.pledged.amount_minor() + view.awaiting_before_minor;
  const auto missing = needed - std::min(view.available_minor, needed);
  if (missing <= 0) {
    offer.state = funding_state::covered;
    return offer;
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

result<card_deposit> decide_card_payment(const card_payment& payment) {
  if (!is_stripe_id(payment.session_id)) return make_problem(problem_code::reference, "the session has no usable id");
  const auto to = payer_from(payment.account);
  if (!to) return make_problem(problem_code::user, "the session's metadata[account] names no account of this service");
  const auto* currency = escrow::find_currency(payment.currency);
  if (currency == nullptr) return make_problem(problem_code::currency, "the session's currency is unknown");
  if (payment.amount_total <= 0 || payment.surcharge_minor < 0 || payment.surcharge_minor >= payment.amount_total) {
    return make_problem(problem_code::amount, "the session's amount_total and metadata[surcharge] do not fit together");
  }
  const std::string code(currency->code);
  return card_deposit{*to, escrow::money(payment.amount_total - payment.surcharge_minor, code),
                      escrow::money(payment.surcharge_minor, code), payment.session_id,
                      is_stripe_id(payment.payment_intent) ? payment.payment_intent : std::string()};
}

}  // namespace bountybot::payments
