#include "voting/tally.hpp"

namespace bountybot::voting {
namespace {
__extension__ using int128 = __int128;  // 3·W for any int64 weight fits
}  // namespace

outcome decide_early(const tally& t) {
  const int128 w = t.eligible_weight, a = t.approve, r = t.reject;
  if (3 * a >= 2 * w) return outcome::approved;
  if (3 * r > w) return outcome::rejected;
  return outcome::pending;
}

outcome decide_at_close(const tally& t, silence_rule silence) {
  const int128 a = t.approve, r = t.reject;
  if (a + r == 0) return silence == silence_rule::approve ? outcome::approved : outcome::rejected;
  return 3 * a >= 2 * (a + r) ? outcome::approved : outcome::rejected;
}

std::string_view to_string(ballot b) {
  switch (b) {
    case ballot::none: return "none";
    case ballot::approve: return "approve";
    case ballot::reject: return "reject";
    case ballot::abstain: return "abstain";
  }
  return "none";
}

ballot ballot_from(std::string_view name) {
  for (auto b : {ballot::approve, ballot::reject, ballot::abstain}) {
    if (to_string(b) == name) return b;
  }
  return ballot::none;
}

ballot ballot_from_reactions(bool thumbs_up, bool thumbs_down) {
  if (thumbs_up && thumbs_down) return ballot::abstain;
  if (thumbs_up) return ballot::approve;
  if (thumbs_down) return ballot::reject;
  return ballot::none;
}

tally count(const std::vector<voter>& voters) {
  tally t;
  for (const auto& v : voters) {
    t.eligible_weight += v.weight;
    if (v.vote == ballot::approve) t.approve += v.weight;
    if (v.vote == ballot::reject) t.reject += v.weight;
  }
  return t;
}

}  // namespace bountybot::voting
