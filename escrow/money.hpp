#pragma once
/// Money: integer minor units plus an ISO 4217 currency code. Never a float.
#include "escrow/result.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bountybot::escrow {

/// 128-bit intermediates for exact money arithmetic (products of two int64 values); a GCC/Clang
/// extension, named once here.
__extension__ using int128 = __int128;
__extension__ using uint128 = unsigned __int128;

/// One ISO 4217 currency: its code, minor-unit exponent (USD 2, JPY 0, KWD 3) and display symbol
/// (empty when the code is shown instead). Source: ISO 4217 "List one", minor unit column.
struct currency {
  std::string_view code;
  int exponent;
  std::string_view symbol;
};

/// The currency for a three-letter code, case-insensitive; nullptr for an unknown code.
const currency* find_currency(std::string_view code);

/// 10^exponent for exponents 0..3.
std::int64_t minor_per_unit(const currency& c);

/// An amount: a signed count of minor units of one currency (an upper-case ISO 4217 code), the
/// one type in which money crosses a module boundary. Built only explicitly (no conversion from a
/// bare number), read through `amount_minor()` and `currency()`; arithmetic only between amounts
/// of the same currency, checked (`checked_add`, `checked_sub`). Never a float.
class money {
 public:
  /// `amount_minor` minor units of `currency`. Precondition: an upper-case ISO 4217 code (from
  /// `find_currency`, a parsed amount or a stored row), or empty for zero-value support.
  explicit money(std::int64_t amount_minor, std::string currency)
      : amount_minor_(amount_minor), currency_(std::move(currency)) {}
  std::int64_t amount_minor() const { return amount_minor_; }
  const std::string& currency() const { return currency_; }
  friend bool operator==(const money&, const money&) = default;

 private:
  std::int64_t amount_minor_;
  std::string currency_;
};

/// `a + b`. Refusals (`problem` codes): `currency` (the currencies differ), `overflow` (the sum
/// leaves the signed 64-bit range).
[[nodiscard]] result<money> checked_add(const money& a, const money& b);
/// `a - b`, refused as `checked_add` is.
[[nodiscard]] result<money> checked_sub(const money& a, const money& b);

/// `bps` basis points (1/10,000; 0 <= bps <= 10,000) of `total_minor`, rounded down (toward zero):
/// the one rule for fees (SPEC §10 `platform_fee_bps`, `project_fee_bps`). 128-bit intermediate,
/// so exact for every int64 total. Splits that must sum exactly use `split_largest_remainder`.
[[nodiscard]] std::int64_t basis_points_rounded_down(std::int64_t total_minor, int bps);

/// "$1,234.50", "€50.00", "£3.00", "¥500", "12.500 KWD". Precondition: a known currency code.
std::string format_money(std::int64_t amount_minor, std::string_view currency_code);
inline std::string format_money(const money& m) { return format_money(m.amount_minor(), m.currency()); }

/// An amount as a user wrote it, before the currency that gives it minor units is known:
/// `integer_digits` (no separators, no leading zeros but "0"), `fraction_digits` (possibly empty),
/// and the currency code the text named (upper case), if any.
struct amount_text {
  std::string integer_digits;
  std::string fraction_digits;
  std::optional<std::string> currency_code;
  bool is_zero() const;
};

/// Parses the amount grammar of SPEC §2 from the tokens of a command: `50`, `50.5`, `1,000`,
/// `$50`, `€50`, `£50`, `¥500`, `50 USD`, `USD 50`, `50usd`. Consumes one or two tokens from
/// `tokens` and stores how many in `consumed`. Refusals (as `problem` with code `amount`):
/// negative, exponent, malformed numbers, unknown currency codes, a symbol with a different code.
result<amount_text> parse_amount(std::span<const std::string_view> tokens, std::size_t& consumed);

/// Convenience: the whole string is one amount (`"50 USD"`); trailing text is an error.
result<amount_text> parse_amount(std::string_view text);

/// Converts to minor units of `currency_code` (the text's own code wins if it named one; the
/// caller checks that separately). Refusals: more decimals than the currency has, more than
/// `max_units` whole units of the resulting currency (the per-pledge maximum), an unknown currency.
/// The maximum is in whole units so that it means the same whichever currency the text names.
result<money> to_money(const amount_text& text, std::string_view currency_code, std::int64_t max_units);

/// `max_units` whole units of `c` in minor units, saturated at INT64_MAX: the one reading of a
/// maximum given in whole units (per pledge, BOUNTYBOT_MAX_DEPOSIT), so that it means the same in
/// every currency. Precondition: max_units >= 0.
[[nodiscard]] std::int64_t max_minor(const currency& c, std::int64_t max_units);

/// The default per-pledge maximum: 100,000 units of the currency (SPEC §2).
inline constexpr std::int64_t default_max_pledge_units = 100'000;

/// The per-pledge maximum in minor units of `c`.
std::int64_t default_max_pledge_minor(const currency& c);

/// Splits `total` into parts proportional to `weights` by the largest-remainder method: parts sum
/// exactly to `total`; leftover minor units go to the largest remainders, ties to the lowest index
/// (the earliest pledge / first solver). Preconditions: total >= 0, weights >= 0, and at least one
/// positive weight unless total is 0. Uses 128-bit intermediates, so no overflow for int64 inputs.
std::vector<std::int64_t> split_largest_remainder(std::int64_t total,
                                                  std::span<const std::int64_t> weights);

}  // namespace bountybot::escrow
