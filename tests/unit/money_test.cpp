// Amount grammar and money arithmetic (SPEC §2).
#include "escrow/ledger.hpp"
#include "escrow/money.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace bountybot::escrow {
namespace {

// Parses `text` as a pledge amount in a bounty whose currency is `bounty_currency`.
result<money> pledge_amount(std::string_view text, std::string_view bounty_currency = "USD") {
  auto t = parse_amount(text);
  if (!t) return t.error();
  const auto* c = find_currency(t->currency_code ? std::string_view(*t->currency_code) : bounty_currency);
  if (c == nullptr) return make_problem(problem_code::amount, "unknown");
  return to_money(*t, c->code, default_max_pledge_units);
}

struct accepted_case {
  const char* text;
  std::int64_t minor;
  const char* currency;
};

class AmountAccepted : public ::testing::TestWithParam<accepted_case> {};

TEST_P(AmountAccepted, ParsesToMinorUnits) {
  const auto& c = GetParam();
  const auto m = pledge_amount(c.text);
  ASSERT_TRUE(m) << c.text << ": " << m.error().message;
  EXPECT_EQ(m->amount_minor(), c.minor) << c.text;
  EXPECT_EQ(m->currency(), c.currency) << c.text;
}

INSTANTIATE_TEST_SUITE_P(Spec, AmountAccepted,
                         ::testing::Values(accepted_case{"50", 5000, "USD"}, accepted_case{"50.5", 5050, "USD"},
                                           accepted_case{"50.50", 5050, "USD"}, accepted_case{"1,000", 100000, "USD"},
                                           accepted_case{"1000.00", 100000, "USD"}, accepted_case{"$50", 5000, "USD"},
                                           accepted_case{"€50", 5000, "EUR"}, accepted_case{"£50", 5000, "GBP"},
                                           accepted_case{"¥500", 500, "JPY"}, accepted_case{"50 USD", 5000, "USD"},
                                           accepted_case{"USD 50", 5000, "USD"}, accepted_case{"50usd", 5000, "USD"},
                                           accepted_case{"50 eur", 5000, "EUR"}, accepted_case{"$50 USD", 5000, "USD"},
                                           accepted_case{"12,345.67", 1234567, "USD"},
                                           accepted_case{"0.01", 1, "USD"}, accepted_case{"007", 700, "USD"},
                                           accepted_case{"12.345 KWD", 12345, "KWD"},
                                           accepted_case{"100,000.00", 10000000, "USD"},
                                           accepted_case{"0", 0, "USD"}));

struct refused_case {
  const char* text;
  const char* why;  // a fragment of the message the user sees
};

class AmountRefused : public ::testing::TestWithParam<refused_case> {};

TEST_P(AmountRefused, SaysWhy) {
  const auto& c = GetParam();
  const auto m = pledge_amount(c.text);
  ASSERT_FALSE(m) << c.text << " was accepted as " << m->amount_minor();
  EXPECT_NE(m.error().message.find(c.why), std::string::npos) << c.text << ": " << m.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Spec, AmountRefused,
    ::testing::Values(refused_case{"-50", "negative"}, refused_case{"$-50", "negative"}, refused_case{"-$50", "negative"},
                      refused_case{"50.505", "has 2 decimals"}, refused_case{"¥500.5", "no decimals"},
                      refused_case{"1e3", "exponent"}, refused_case{"1E3", "exponent"}, refused_case{"5e-2", "exponent"},
                      refused_case{"$50 EUR", "use one currency"}, refused_case{"€50 USD", "use one currency"},
                      refused_case{"100,000.01", "the most one pledge can be"},
                      refused_case{"1000000", "the most one pledge can be"},
                      refused_case{"99999999999999999999999", "the most one pledge can be"},
                      refused_case{"1,00", "well-formed"}, refused_case{"1,0000", "well-formed"},
                      refused_case{",100", "well-formed"}, refused_case{"50.", "well-formed"},
                      refused_case{"5.0.0", "well-formed"}, refused_case{"abc", "not an amount"},
                      refused_case{"50 XYZ", "not an ISO 4217"}, refused_case{"50xyz", "not an ISO 4217"},
                      refused_case{"$", "not an amount"},
                      refused_case{"£452533", "the most one pledge can be"}, refused_case{"50dollars", "not an amount"},
                      refused_case{".5", "well-formed"}));

TEST(Money, MaximumFollowsTheCurrencyTheTextNames) {
  // Found by fuzzing: with a maximum in minor units of the bounty's currency (KWD, 3 decimals),
  // "£452533" slipped through at 45,253,300 pence, over GBP's 100,000.00.
  const auto text = parse_amount("£452533");
  ASSERT_TRUE(text);
  EXPECT_FALSE(to_money(*text, "KWD", default_max_pledge_units));
  EXPECT_TRUE(to_money(*parse_amount("£99999.99"), "KWD", default_max_pledge_units));
}

TEST(Money, FormatsWithSymbolsAndGrouping) {
  EXPECT_EQ(format_money(123456789, "USD"), "$1,234,567.89");
  EXPECT_EQ(format_money(5000, "EUR"), "€50.00");
  EXPECT_EQ(format_money(500, "JPY"), "¥500");
  EXPECT_EQ(format_money(1005, "CHF"), "10.05 CHF");
  EXPECT_EQ(format_money(12345, "KWD"), "12.345 KWD");
  EXPECT_EQ(format_money(-1, "USD"), "-$0.01");
}

TEST(Money, UnknownCurrencyIsAnError) {
  EXPECT_EQ(find_currency("XYZ"), nullptr);
  EXPECT_EQ(find_currency("usd")->exponent, 2);
  EXPECT_EQ(find_currency("JPY")->exponent, 0);
}

TEST(LargestRemainder, PartsSumToTheWholeWithEarliestTieBreak) {
  const std::vector<std::int64_t> thirds{1, 1, 1};
  EXPECT_EQ(split_largest_remainder(100, thirds), (std::vector<std::int64_t>{34, 33, 33}));
  const std::vector<std::int64_t> shares{20, 60, 20};
  EXPECT_EQ(split_largest_remainder(1001, shares), (std::vector<std::int64_t>{200, 601, 200}));
  const std::vector<std::int64_t> zero_weight{0, 5};
  EXPECT_EQ(split_largest_remainder(7, zero_weight), (std::vector<std::int64_t>{0, 7}));
}

TEST(LargestRemainder, PropertyPartsAlwaysSumToTheWhole) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 5000; ++round) {
    const std::int64_t total = std::uniform_int_distribution<std::int64_t>(0, round % 2 ? 1'000'000'000'000 : 1000)(rng);
    std::vector<std::int64_t> weights(std::uniform_int_distribution<std::size_t>(1, 12)(rng));
    for (auto& w : weights) w = std::uniform_int_distribution<std::int64_t>(0, round % 3 ? 100 : INT64_MAX / 16)(rng);
    weights[0] += 1;
    const auto parts = split_largest_remainder(total, weights);
    ASSERT_EQ(std::accumulate(parts.begin(), parts.end(), std::int64_t{0}), total);
    for (auto p : parts) ASSERT_GE(p, 0);
  }
}

// Every balance change is checked in the core before the store writes it (SPEC §3 invariant 2,
// and the int64 range of the stored balances).
TEST(Ledger, BalancesAfterATransferAreCheckedForOverflowAndNegativeBalances) {
  const transfer deposit{"k", transfer_kind::deposit, "external:manual", "user:github:7:available", money(100, "JPY")};
  const auto ok = balances_after(deposit, -50, 20);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->debit_minor, -150);
  EXPECT_EQ(ok->credit_minor, 120);
  EXPECT_EQ(balances_after(deposit, 0, INT64_MAX - 99).error().code, problem_code::overflow);
  EXPECT_NE(balances_after(deposit, 0, INT64_MAX - 99).error().message.find("user:github:7:available"), std::string::npos);
  EXPECT_EQ(balances_after(deposit, INT64_MIN + 99, 0).error().code, problem_code::overflow);
  EXPECT_TRUE(balances_after(deposit, INT64_MIN + 100, INT64_MAX - 100));
  const transfer hold{"h", transfer_kind::pledge_hold, "user:github:7:available", "bounty:1:escrow", money(100, "USD")};
  EXPECT_EQ(balances_after(hold, 99, 0).error().code, problem_code::insufficient);
  EXPECT_TRUE(balances_after(hold, 100, 0));
  transfer zero = hold;
  zero.amount = money(0, "USD");
  EXPECT_EQ(balances_after(zero, 100, 0).error().code, problem_code::amount);
}

// Amounts of one currency add and subtract, checked; fees are basis points rounded down.
TEST(Money, ArithmeticIsCheckedAndStaysInOneCurrency) {
  EXPECT_EQ(*checked_add(money(150, "USD"), money(250, "USD")), money(400, "USD"));
  EXPECT_EQ(*checked_sub(money(150, "USD"), money(250, "USD")), money(-100, "USD"));
  EXPECT_EQ(checked_add(money(1, "USD"), money(1, "EUR")).error().code, problem_code::currency);
  EXPECT_EQ(checked_sub(money(1, "JPY"), money(1, "USD")).error().code, problem_code::currency);
  EXPECT_EQ(checked_add(money(INT64_MAX, "USD"), money(1, "USD")).error().code, problem_code::overflow);
  EXPECT_EQ(checked_sub(money(INT64_MIN, "USD"), money(1, "USD")).error().code, problem_code::overflow);
  EXPECT_NE(money(1, "USD"), money(1, "EUR"));
  static_assert(!std::is_convertible_v<std::int64_t, money>, "no implicit conversion from a number");
}

TEST(Money, BasisPointsRoundDownAndStayExactAtTheInt64Limit) {
  EXPECT_EQ(basis_points_rounded_down(7500, 500), 375);
  EXPECT_EQ(basis_points_rounded_down(199, 100), 1);  // 1.99 rounds down to 1
  EXPECT_EQ(basis_points_rounded_down(9999, 1), 0);
  EXPECT_EQ(basis_points_rounded_down(10000, 10000), 10000);
  EXPECT_EQ(basis_points_rounded_down(INT64_MAX, 10000), INT64_MAX);
  EXPECT_EQ(basis_points_rounded_down(INT64_MAX, 5000), INT64_MAX / 2);
}

}  // namespace
}  // namespace bountybot::escrow
