// libFuzzer target: what a browser sends to the sign-in and funding pages (SPEC §13): `next`
// paths, Cookie headers, token names and form bodies. Whatever the bytes, `safe_next` gives a
// local path, and nothing a parser returns leaves its input's bounds.
#include "accounts/accounts.hpp"
#include "payments/payments.hpp"
#include "web/forms.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bountybot;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto next = accounts::safe_next(text);
  if (next.empty() || next[0] != '/' || (next.size() > 1 && (next[1] == '/' || next[1] == '\\'))) std::abort();
  for (unsigned char c : next) {
    if (c < 0x20 || c >= 0x7f || c == '\\' || c == ' ') std::abort();
  }
  if (const auto v = accounts::cookie_value(text, "bountybot_session"); v && v->size() > size) std::abort();
  if (const auto n = accounts::token_name(text); n && (n->empty() || n->size() > size)) std::abort();
  if (const auto p = payments::payer_from(text); p && p->user_id <= 0) std::abort();
  if (const auto f = web::parse_form(text); f && f->size() > web::max_form_fields) std::abort();
  web::query_of(text);
  return 0;
}
