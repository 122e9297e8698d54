#include "escrow/money.hpp"

#include "escrow/inert.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <numeric>

namespace bountybot::escrow {
namespace {

// ISO 4217 active codes with their minor-unit exponent (ISO 4217 List One, "Minor unit").
// Symbols only where SPEC §2 maps one to the code; every other currency is shown by its code.
constexpr std::array currencies = {
    currency{"AED", 2, ""}, currency{"ARS", 2, ""}, currency{"AUD", 2, ""}, currency{"BDT", 2, ""},
    currency{"BGN", 2, ""}, currency{"BHD", 3, ""}, currency{"BIF", 0, ""}, currency{"BRL", 2, ""},
    currency{"CAD", 2, ""}, currency{"CHF", 2, ""}, currency{"CLP", 0, ""}, currency{"CNY", 2, ""},
    currency{"COP", 2, ""}, currency{"CZK", 2, ""}, currency{"DJF", 0, ""}, currency{"DKK", 2, ""},
    currency{"EGP", 2, ""}, currency{"EUR", 2, "€"}, currency{"GBP", 2, "£"}, currency{"GNF", 0, ""},
    currency{"HKD", 2, ""}, currency{"HUF", 2, ""}, currency{"IDR", 2, ""}, currency{"ILS", 2, ""},
    currency{"INR", 2, ""}, currency{"IQD", 3, ""}, currency{"ISK", 0, ""}, currency{"JOD", 3, ""},
    currency{"JPY", 0, "¥"}, currency{"KES", 2, ""}, currency{"KMF", 0, ""}, currency{"KRW", 0, ""},
    currency{"KWD", 3, ""}, currency{"LYD", 3, ""}, currency{"MXN", 2, ""}, currency{"MYR", 2, ""},
    currency{"NGN", 2, ""}, currency{"NOK", 2, ""}, currency{"NZD", 2, ""}, currency{"OMR", 3, ""},
    currency{"PEN", 2, ""}, currency{"PHP", 2, ""}, currency{"PKR", 2, ""}, currency{"PLN", 2, ""},
    currency{"PYG", 0, ""}, currency{"RON", 2, ""}, currency{"RWF", 0, ""}, currency{"SAR", 2, ""},
    currency{"SEK", 2, ""}, currency{"SGD", 2, ""}, currency{"THB", 2, ""}, currency{"TND", 3, ""},
    currency{"TRY", 2, ""}, currency{"TWD", 2, ""}, currency{"UAH", 2, ""}, currency{"UGX", 0, ""},
    currency{"USD", 2, "$"}, currency{"UYU", 2, ""}, currency{"VND", 0, ""}, currency{"VUV", 0, ""},
    currency{"XAF", 0, ""}, currency{"XOF", 0, ""}, currency{"XPF", 0, ""}, currency{"ZAR", 2, ""},
};

// The command symbols of SPEC §2, as UTF-8.
struct symbol_map {
  std::string_view symbol;
  std::string_view code;
};
constexpr std::array symbols = {symbol_map{"$", "USD"}, symbol_map{"\xE2\x82\xAC", "EUR"},
                                symbol_map{"\xC2\xA3", "GBP"}, symbol_map{"\xC2\xA5", "JPY"}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string to_upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), upper);
  return out;
}

bool is_code_token(std::string_view t) {
  return t.size() == 3 && std::all_of(t.begin(), t.end(), is_alpha);
}

problem amount_problem(std::string message) { return make_problem(problem_code::amount, std::move(message)); }

std::optional<std::string_view> strip_symbol(std::string_view& s) {
  for (const auto& m : symbols) {
    if (s.starts_with(m.symbol)) {
      s.remove_prefix(m.symbol.size());
      return m.code;
    }
  }
  return std::nullopt;
}

bool strip_minus(std::string_view& s) {
  constexpr std::string_view unicode_minus = "\xE2\x88\x92";
  if (s.starts_with('-')) {
    s.remove_prefix(1);
    return true;
  }
  if (s.starts_with(unicode_minus)) {
    s.remove_prefix(unicode_minus.size());
    return true;
  }
  return false;
}

// Validates "1000", "1,000", "1,000.50", "0.5"; fills the digit strings. False when malformed.
bool split_number(std::string_view number, amount_text& out) {
  const auto dot = number.find('.');
  std::string_view whole = number.substr(0, dot);
  std::string_view frac = dot == std::string_view::npos ? std::string_view{} : number.substr(dot + 1);
  if (whole.empty()) return false;
  if (dot != std::string_view::npos && (frac.empty() || !std::all_of(frac.begin(), frac.end(), is_digit)))
    return false;
  std::string digits;
  if (whole.find(',') != std::string_view::npos) {
    // Thousands groups: 1 to 3 digits, then groups of exactly three.
    std::size_t pos = 0;
    std::size_t first = whole.find(',');
    if (first == 0 || first > 3) return false;
    for (;;) {
      const auto comma = whole.find(',', pos);
      const auto group = whole.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
      if (!std::all_of(group.begin(), group.end(), is_digit) || group.empty()) return false;
      if (pos != 0 && group.size() != 3) return false;
      digits += group;
      if (comma == std::string_view::npos) break;
      pos = comma + 1;
    }
  } else {
    if (!std::all_of(whole.begin(), whole.end(), is_digit)) return false;
    digits = whole;
  }
  const auto nz = digits.find_first_not_of('0');
  out.integer_digits = nz == std::string::npos ? "0" : digits.substr(nz);
  out.fraction_digits = std::string(frac);
  return true;
}

// One token: [-][symbol][-]number[code]. Returns the code named by symbol and/or suffix.
result<amount_text> parse_token(std::string_view token) {
  std::string_view s = token;
  bool negative = strip_minus(s);
  auto symbol_code = strip_symbol(s);
  negative = strip_minus(s) || negative;
  std::size_t end = 0;
  while (end < s.size() && (is_digit(s[end]) || s[end] == ',' || s[end] == '.')) ++end;
  std::string_view number = s.substr(0, end);
  std::string_view suffix = s.substr(end);
  if (number.empty()) {
    return amount_problem(inline_code(token) + " is not an amount; write it like `50`, `$50` or `50 EUR`");
  }
  if (!suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E') &&
      (suffix.size() == 1 || is_digit(suffix[1]) || suffix[1] == '+' || suffix[1] == '-')) {
    return amount_problem("exponents like " + inline_code(token) + " are not accepted; write the amount in full");
  }
  if (negative) return amount_problem("negative amounts are not allowed");
  amount_text out;
  if (!split_number(number, out)) {
    return amount_problem(inline_code(token) + " is not a well-formed number; write it like `1000`, `1,000` or `1000.50`");
  }
  std::optional<std::string> suffix_code;
  if (!suffix.empty()) {
    if (!is_code_token(suffix)) {
      return amount_problem(inline_code(token) + " is not an amount; write it like `50`, `$50` or `50 EUR`");
    }
    suffix_code = to_upper(suffix);
  }
  if (symbol_code && suffix_code && *symbol_code != *suffix_code) {
    return amount_problem("the symbol says " + std::string(*symbol_code) + " but the code says " + *suffix_code +
                          "; use one currency");
  }
  if (suffix_code) out.currency_code = suffix_code;
  else if (symbol_code) out.currency_code = std::string(*symbol_code);
  return out;
}

result<amount_text> merge_code(amount_text text, std::string_view code_token) {
  const std::string code = to_upper(code_token);
  if (text.currency_code && *text.currency_code != code) {
    return amount_problem("the amount says " + *text.currency_code + " but the code says " + code +
                          "; use one currency");
  }
  text.currency_code = code;
  return text;
}

result<amount_text> check_known(result<amount_text> r) {
  if (r && r->currency_code && find_currency(*r->currency_code) == nullptr) {
    return amount_problem(inline_code(*r->currency_code) + " is not an ISO 4217 currency code this service knows");
  }
  return r;
}

}  // namespace

const currency* find_currency(std::string_view code) {
  if (code.size() != 3) return nullptr;
  const std::string up = to_upper(code);
  for (const auto& c : currencies) {
    if (c.code == up) return &c;
  }
  return nullptr;
}

std::int64_t minor_per_unit(const currency& c) {
  std::int64_t f = 1;
  for (int i = 0; i < c.exponent; ++i) f *= 10;
  return f;
}

std::string format_money(std::int64_t amount_minor, std::string_view currency_code) {
  const currency* c = find_currency(currency_code);
  assert(c != nullptr);
  const std::int64_t per = minor_per_unit(*c);
  const bool negative = amount_minor < 0;
  const auto magnitude = negative ? -static_cast<uint128>(amount_minor)
                                  : static_cast<uint128>(amount_minor);
  const auto whole = static_cast<std::uint64_t>(magnitude / per);
  const auto frac = static_cast<std::uint64_t>(magnitude % per);
  std::string digits = std::to_string(whole);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  if (c->exponent > 0) {
    std::string f = std::to_string(frac);
    grouped += '.' + std::string(static_cast<std::size_t>(c->exponent) - f.size(), '0') + f;
  }
  std::string out = negative ? "-" : "";
  if (!c->symbol.empty()) return out + std::string(c->symbol) + grouped;
  return out + grouped + " " + std::string(c->code);
}

bool amount_text::is_zero() const {
  return integer_digits == "0" && fraction_digits.find_first_not_of('0') == std::string::npos;
}

result<amount_text> parse_amount(std::span<const std::string_view> tokens, std::size_t& consumed) {
  consumed = 0;
  if (tokens.empty()) return amount_problem("an amount is missing; write it like `50`, `$50` or `50 EUR`");
  if (is_code_token(tokens[0]) && tokens.size() > 1) {
    auto r = parse_token(tokens[1]);
    if (!r) return r;
    consumed = 2;
    return check_known(merge_code(std::move(*r), tokens[0]));
  }
  auto r = parse_token(tokens[0]);
  if (!r) return r;
  consumed = 1;
  if (!r->currency_code && tokens.size() > 1 && is_code_token(tokens[1])) {
    consumed = 2;
    return check_known(merge_code(std::move(*r), tokens[1]));
  }
  if (r->currency_code && tokens.size() > 1 && is_code_token(tokens[1]) && find_currency(tokens[1])) {
    // "$50 EUR": a symbol and a second code.
    consumed = 2;
    return check_known(merge_code(std::move(*r), tokens[1]));
  }
  return check_known(std::move(r));
}

result<amount_text> parse_amount(std::string_view text) {
  std::vector<std::string_view> tokens;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
    std::size_t end = pos;
    while (end < text.size() && text[end] != ' ' && text[end] != '\t') ++end;
    if (end > pos) tokens.push_back(text.substr(pos, end - pos));
    pos = end;
  }
  std::size_t consumed = 0;
  auto r = parse_amount(tokens, consumed);
  if (r && consumed != tokens.size()) return amount_problem("unexpected text after the amount");
  return r;
}

result<money> to_money(const amount_text& text, std::string_view currency_code, std::int64_t max_units) {
  const currency* c = find_currency(text.currency_code ? std::string_view(*text.currency_code) : currency_code);
  if (c == nullptr) return amount_problem(inline_code(currency_code) + " is not a currency this service knows");
  if (text.fraction_digits.size() > static_cast<std::size_t>(c->exponent)) {
    const std::string has = c->exponent == 0 ? "no decimals" : std::to_string(c->exponent) + " decimals";
    return amount_problem(std::string(c->code) + " has " + has + "; " + inline_code(text.integer_digits + "." +
                          text.fraction_digits) + " has " + std::to_string(text.fraction_digits.size()));
  }
  const std::int64_t most = max_minor(*c, max_units);
  const std::string limit = format_money(most, c->code);
  if (text.integer_digits.size() > 18) return amount_problem("the most one pledge can be is " + limit);
  uint128 minor = 0;
  for (char d : text.integer_digits) minor = minor * 10 + static_cast<unsigned>(d - '0');
  std::string frac = text.fraction_digits;
  frac.resize(static_cast<std::size_t>(c->exponent), '0');
  for (char d : frac) minor = minor * 10 + static_cast<unsigned>(d - '0');
  if (minor > static_cast<uint128>(most)) return amount_problem("the most one pledge can be is " + limit);
  return money(static_cast<std::int64_t>(minor), std::string(c->code));
}

std::int64_t max_minor(const currency& c, std::int64_t max_units) {
  const std::int64_t per = minor_per_unit(c);
  return max_units > INT64_MAX / per ? INT64_MAX : max_units * per;
}

std::int64_t default_max_pledge_minor(const currency& c) { return default_max_pledge_units * minor_per_unit(c); }

std::vector<std::int64_t> split_largest_remainder(std::int64_t total, std::span<const std::int64_t> weights) {
  assert(total >= 0);
  std::vector<std::int64_t> parts(weights.size(), 0);
  int128 weight_sum = 0;
  for (auto w : weights) {
    assert(w >= 0);
    weight_sum += w;
  }
  if (total == 0 || weights.empty()) return parts;
  assert(weight_sum > 0);
  std::vector<int128> remainders(weights.size());
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const int128 product = static_cast<int128>(total) * weights[i];
    parts[i] = static_cast<std::int64_t>(product / weight_sum);
    remainders[i] = product % weight_sum;
    assigned += parts[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  for (std::size_t k = 0; assigned < total; ++k, ++assigned) ++parts[order[k % order.size()]];
  return parts;
}

result<money> checked_add(const money& a, const money& b) {
  if (a.currency() != b.currency()) {
    return make_problem(problem_code::currency, "cannot add " + b.currency() + " to " + a.currency());
  }
  std::int64_t sum = 0;
  if (__builtin_add_overflow(a.amount_minor(), b.amount_minor(), &sum)) {
    return make_problem(problem_code::overflow, "the sum leaves the range of 64-bit minor units");
  }
  return money(sum, a.currency());
}

result<money> checked_sub(const money& a, const money& b) {
  if (a.currency() != b.currency()) {
    return make_problem(problem_code::currency, "cannot subtract " + b.currency() + " from " + a.currency());
  }
  std::int64_t difference = 0;
  if (__builtin_sub_overflow(a.amount_minor(), b.amount_minor(), &difference)) {
    return make_problem(problem_code::overflow, "the difference leaves the range of 64-bit minor units");
  }
  return money(difference, a.currency());
}

std::int64_t basis_points_rounded_down(std::int64_t total_minor, int bps) {
  return static_cast<std::int64_t>(static_cast<int128>(total_minor) * bps / 10000);
}

}  // namespace bountybot::escrow

namespace bountybot {

std::string_view to_string(problem_code c) {
  switch (c) {
    case problem_code::action: return "action";
    case problem_code::amount: return "amount";
    case problem_code::config: return "config";
    case problem_code::conflict: return "conflict";
    case problem_code::currency: return "currency";
    case problem_code::cursor: return "cursor";
    case problem_code::date: return "date";
    case problem_code::duration: return "duration";
    case problem_code::insufficient: return "insufficient";
    case problem_code::ledger: return "ledger";
    case problem_code::limit: return "limit";
    case problem_code::login: return "login";
    case problem_code::no_vote: return "no_vote";
    case problem_code::none: return "none";
    case problem_code::not_disputed: return "not_disputed";
    case problem_code::not_found: return "not_found";
    case problem_code::overflow: return "overflow";
    case problem_code::platform: return "platform";
    case problem_code::reason: return "reason";
    case problem_code::reference: return "reference";
    case problem_code::repo: return "repo";
    case problem_code::sort: return "sort";
    case problem_code::state: return "state";
    case problem_code::submit: return "submit";
    case problem_code::usage: return "usage";
    case problem_code::user: return "user";
  }
  return "none";
}

}  // namespace bountybot
