// libFuzzer target: Stripe event payloads (SPEC §14) as the worker reads them. Whatever the
// JSON, reading it either refuses it (payload_error) or gives a payment whose deposit, if
// accepted, is positive and less than what was charged, or a dispute whose checked ids and
// reason are plain Stripe ids and words.
#include "adapters/json_util.hpp"
#include "adapters/stripe/stripe.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bountybot;
  boost::system::error_code ec;
  const auto event = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec) return 0;
  for (const char* type : {"checkout.session.completed", "checkout.session.async_payment_succeeded"}) {
    try {
      const auto p = stripe::card_payment_of(type, event);
      if (!p) continue;
      const auto d = payments::decide_card_payment(*p);
      if (!d) continue;
      if (d->net.amount_minor() <= 0 || d->surcharge.amount_minor() < 0 || d->net.amount_minor() > p->amount_total) std::abort();
    } catch (const adapters::payload_error&) {
    }
  }
  try {
    if (const auto dispute = stripe::card_dispute_of("charge.dispute.created", event)) {
      if (const auto d = payments::decide_card_dispute(*dispute)) {
        const auto plain = [](std::string_view s, std::string_view allowed) { return s.find_first_not_of(allowed) == std::string_view::npos; };
        constexpr std::string_view id_chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_";
        if (d->dispute_id.empty() || !plain(d->dispute_id, id_chars) || !plain(d->payment_intent, id_chars) ||
            !plain(d->charge, id_chars) || !plain(d->reason, "abcdefghijklmnopqrstuvwxyz_") || d->amount_minor < 0 ||
            d->currency.size() != 3) {
          std::abort();
        }
      }
    }
  } catch (const adapters::payload_error&) {
  }
  return 0;
}
