// The two-thirds rule of SPEC §7, checked exhaustively on small weights against a brute-force
// reference written from the spec's sentences.
#include "voting/tally.hpp"

#include <gtest/gtest.h>

namespace bountybot::voting {
namespace {

TEST(Tally, ApprovedEarlyAsSoonAsTwoThirdsOfAllEligibleWeightApproves) {
  EXPECT_EQ(decide_early({3, 2, 0}), outcome::approved);
  EXPECT_EQ(decide_early({4, 2, 0}), outcome::pending);
  EXPECT_EQ(decide_early({300, 200, 0}), outcome::approved);
}

TEST(Tally, RejectedEarlyAsSoonAsMoreThanOneThirdRejects) {
  EXPECT_EQ(decide_early({3, 0, 1}), outcome::pending);
  EXPECT_EQ(decide_early({3, 0, 2}), outcome::rejected);
  EXPECT_EQ(decide_early({10, 0, 4}), outcome::rejected);
}

TEST(Tally, AtCloseTwoThirdsOfTheWeightThatVoted) {
  EXPECT_EQ(decide_at_close({10, 2, 1}, silence_rule::approve), outcome::approved);
  EXPECT_EQ(decide_at_close({10, 1, 1}, silence_rule::approve), outcome::rejected);
}

TEST(Tally, SilenceIsConsentUnlessTheRepositorySaysReject) {
  EXPECT_EQ(decide_at_close({10, 0, 0}, silence_rule::approve), outcome::approved);
  EXPECT_EQ(decide_at_close({10, 0, 0}, silence_rule::reject), outcome::rejected);
}

TEST(Tally, BothReactionsAbstainAndNoneIsNoVote) {
  EXPECT_EQ(ballot_from_reactions(true, true), ballot::abstain);
  EXPECT_EQ(ballot_from_reactions(true, false), ballot::approve);
  EXPECT_EQ(ballot_from_reactions(false, true), ballot::reject);
  EXPECT_EQ(ballot_from_reactions(false, false), ballot::none);
  const auto t = count({{5, ballot::approve}, {3, ballot::abstain}, {2, ballot::reject}, {1, ballot::none}});
  EXPECT_EQ(t.eligible_weight, 11);
  EXPECT_EQ(t.approve, 5);
  EXPECT_EQ(t.reject, 2);
}

TEST(Tally, ExhaustiveAgainstReference) {
  for (std::int64_t w = 0; w <= 30; ++w) {
    for (std::int64_t a = 0; a <= w; ++a) {
      for (std::int64_t r = 0; a + r <= w; ++r) {
        // Reference: fractions compared in rationals by cross-multiplication.
        const bool early_yes = a * 3 >= w * 2;
        const bool early_no = r * 3 > w;
        const outcome early = early_yes ? outcome::approved : early_no ? outcome::rejected : outcome::pending;
        ASSERT_EQ(decide_early({w, a, r}), early) << w << " " << a << " " << r;
        const bool close_yes = (a + r == 0) || (a * 3 >= (a + r) * 2);
        ASSERT_EQ(decide_at_close({w, a, r}, silence_rule::approve), close_yes ? outcome::approved : outcome::rejected);
      }
    }
  }
}

TEST(Tally, NoOverflowWithHugeWeights) {
  const std::int64_t big = INT64_MAX / 2;
  EXPECT_EQ(decide_early({big, big, 0}), outcome::approved);
  EXPECT_EQ(decide_at_close({big, big / 3, big / 2}, silence_rule::approve), outcome::rejected);
}

}  // namespace
}  // namespace bountybot::voting
