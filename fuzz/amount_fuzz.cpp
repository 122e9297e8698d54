// libFuzzer target: the amount grammar (SPEC §2). Whatever the text, a parsed amount converts to
// a non-negative integer of minor units no larger than the maximum, and formats back.
#include "escrow/money.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bountybot::escrow;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto parsed = parse_amount(text);
  if (!parsed) return 0;
  for (const char* code : {"USD", "JPY", "KWD"}) {
    const auto* c = find_currency(code);
    const auto m = to_money(*parsed, c->code, default_max_pledge_units);
    if (!m) continue;
    if (m->amount_minor() < 0 || m->amount_minor() > default_max_pledge_minor(*find_currency(m->currency()))) std::abort();
    if (format_money(*m).empty()) std::abort();
  }
  return 0;
}
