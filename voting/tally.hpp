#pragma once
/// The two-thirds vote of SPEC §7, as pure functions over integer weights.
#include <cstdint>
#include <string_view>
#include <vector>

namespace bountybot::voting {

/// W = total eligible weight, A = approving weight, R = rejecting weight (minor units when
/// weight = amount, heads when weight = head). Invariant: A + R <= W, all >= 0.
struct tally {
  std::int64_t eligible_weight = 0;
  std::int64_t approve = 0;
  std::int64_t reject = 0;
};

enum class outcome { pending, approved, rejected };

/// What happens when no eligible weight voted at all by the close (SPEC §7: silence is consent).
enum class silence_rule { approve, reject };

/// Early decision while the vote is open: approved as soon as 3·A ≥ 2·W, rejected as soon as
/// 3·R > W, else pending. (128-bit arithmetic: no overflow for any int64 weights.)
outcome decide_early(const tally& t);

/// Decision at the close time: approved iff 3·A ≥ 2·(A + R); with no votes, `silence` decides.
outcome decide_at_close(const tally& t, silence_rule silence);

/// A voter's reactions on the vote comment: both 👍 and 👎 abstain, neither is no vote.
enum class ballot { none, approve, reject, abstain };
ballot ballot_from_reactions(bool thumbs_up, bool thumbs_down);
/// The stored name: "none", "approve", "reject", "abstain".
std::string_view to_string(ballot b);
/// The ballot stored as `name`; `none` for any other text (a voter who has not voted).
ballot ballot_from(std::string_view name);

/// One eligible voter: weight snapshotted when the vote opened, and the current ballot.
struct voter {
  std::int64_t weight = 0;
  ballot vote = ballot::none;
};

/// Sums voters into a tally.
tally count(const std::vector<voter>& voters);

}  // namespace bountybot::voting
