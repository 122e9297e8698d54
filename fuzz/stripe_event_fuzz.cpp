// libFuzzer target: Stripe event payloads (SPEC §14) as the worker reads them. Whatever the
// JSON, reading it either refuses it (payload_error) or gives a payment whose deposit, if
// accepted, is positive and less than what was charged.
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
  return 0;
}
