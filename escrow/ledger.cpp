#include "escrow/ledger.hpp"

#include <map>

namespace bountybot::escrow {

std::string_view to_string(transfer_kind k) {
  switch (k) {
    case transfer_kind::deposit: return "deposit";
    case transfer_kind::pledge_hold: return "pledge_hold";
    case transfer_kind::release: return "release";
    case transfer_kind::fee: return "fee";
    case transfer_kind::refund: return "refund";
    case transfer_kind::withdrawal: return "withdrawal";
    case transfer_kind::payout: return "payout";
    case transfer_kind::payout_reversal: return "payout_reversal";
  }
  return "unknown";
}

std::string available_account(std::string_view platform, std::int64_t user_id) {
  return "user:" + std::string(platform) + ":" + std::to_string(user_id) + ":available";
}
std::string payable_account(std::string_view platform, std::int64_t user_id) {
  return "user:" + std::string(platform) + ":" + std::to_string(user_id) + ":payable";
}
std::string escrow_account(std::int64_t bounty_id) { return "bounty:" + std::to_string(bounty_id) + ":escrow"; }
std::string external_account(std::string_view provider) { return "external:" + std::string(provider); }
bool may_go_negative(std::string_view account) { return account.starts_with("external:"); }

std::string deposit_key(std::string_view provider, std::string_view reference) {
  return "deposit:" + std::string(provider) + ":" + std::string(reference);
}
std::string hold_key(std::int64_t pledge_id) { return "pledge_hold:" + std::to_string(pledge_id); }
std::string refund_key(std::int64_t pledge_id) { return "refund:" + std::to_string(pledge_id); }

result<balances_after_transfer> balances_after(const transfer& t, std::int64_t debit_minor, std::int64_t credit_minor) {
  if (t.amount.amount_minor() <= 0) return make_problem(problem_code::amount, "a transfer moves a positive amount");
  std::int64_t debit = 0, credit = 0;
  const bool debit_overflows = __builtin_sub_overflow(debit_minor, t.amount.amount_minor(), &debit);
  const bool credit_overflows = __builtin_add_overflow(credit_minor, t.amount.amount_minor(), &credit);
  if (debit_overflows || credit_overflows) {
    const auto& account = credit_overflows ? t.credit : t.debit;
    return make_problem(problem_code::overflow, "this would take the balance of " + account + " (" + t.amount.currency() +
                                        ") beyond what the ledger can hold");
  }
  if (debit < 0 && !may_go_negative(t.debit)) {
    return make_problem(problem_code::insufficient, "the balance of " + t.debit + " (" + t.amount.currency() + ") does not cover " +
                                            std::to_string(t.amount.amount_minor()) + " minor units");
  }
  return balances_after_transfer{debit, credit};
}

std::vector<std::string> check_invariants(const std::vector<balance>& balances,
                                          const std::vector<escrow_expectation>& escrows) {
  std::vector<std::string> problems;
  std::map<std::string, int128> sums;
  for (const auto& b : balances) {
    sums[b.currency] += b.amount_minor;
    if (b.amount_minor < 0 && !may_go_negative(b.account)) {
      problems.push_back("account " + b.account + " (" + b.currency + ") is negative: " +
                         std::to_string(b.amount_minor));
    }
  }
  for (const auto& [currency, sum] : sums) {
    if (sum != 0) {
      problems.push_back("balances in " + currency + " sum to " + std::to_string(static_cast<long long>(sum)) +
                         ", not 0");
    }
  }
  for (const auto& e : escrows) {
    if (e.escrow_minor != e.pledged_unreleased_minor) {
      problems.push_back("bounty " + std::to_string(e.bounty_id) + " escrow holds " +
                         std::to_string(e.escrow_minor) + " " + e.currency + " but its held pledges sum to " +
                         std::to_string(e.pledged_unreleased_minor));
    }
  }
  return problems;
}

}  // namespace bountybot::escrow
