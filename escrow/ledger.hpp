#pragma once
/// The double-entry ledger's rules (SPEC §3), as values: account names, transfer kinds,
/// idempotency keys, and the invariants. No I/O; `escrow/store/store.hpp` persists them.
#include "escrow/money.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bountybot::escrow {

/// Kinds of transfer (SPEC §3).
enum class transfer_kind { deposit, pledge_hold, release, fee, refund, withdrawal, payout, payout_reversal };
std::string_view to_string(transfer_kind k);

/// `user:<platform>:<id>:available` — funds a user can pledge or withdraw.
std::string available_account(std::string_view platform, std::int64_t user_id);
/// `user:<platform>:<id>:payable` — earned, awaiting payout.
std::string payable_account(std::string_view platform, std::int64_t user_id);
/// `bounty:<id>:escrow`.
std::string escrow_account(std::int64_t bounty_id);
/// `external:<provider>` — the world; the only account allowed below zero.
std::string external_account(std::string_view provider);
/// `platform:processing` — card surcharges (SPEC §14).
inline std::string processing_account() { return "platform:processing"; }
/// `platform:fees` — the platform's fee on releases (SPEC §7, BOUNTYBOT_PLATFORM_FEE_BPS).
inline std::string platform_fees_account() { return "platform:fees"; }
/// `project:<platform>:<repository path>:fees` — a project's fee on releases (BOUNTYBOT_PROJECT_FEE_BPS).
inline std::string project_fees_account(std::string_view platform, std::string_view repository_path) {
  return "project:" + std::string(platform) + ":" + std::string(repository_path) + ":fees";
}
/// True for `external:*` accounts.
bool may_go_negative(std::string_view account);

/// One immutable movement of `amount` (> 0) from `debit` to `credit`.
/// `idempotency_key` is unique ledger-wide and derived from the cause, so replaying the cause
/// never moves money twice (TigerBeetle: the transfer id is the idempotency key).
struct transfer {
  std::string idempotency_key;
  transfer_kind kind;
  std::string debit;   // account the money leaves
  std::string credit;  // account the money enters
  money amount;
  std::int64_t pledge_id = 0;  // 0 when the transfer is not about one pledge
};

/// Idempotency keys. Deposits are keyed by the operator's reference; holds and refunds by the
/// pledge they move (a pledge is held at most once and refunded at most once).
std::string deposit_key(std::string_view provider, std::string_view reference);
std::string hold_key(std::int64_t pledge_id);
std::string refund_key(std::int64_t pledge_id);

/// The two balances a transfer leaves: its debit account's and its credit account's (minor units).
struct balances_after_transfer {
  std::int64_t debit_minor = 0;
  std::int64_t credit_minor = 0;
};

/// The balances after `t` moves `t.amount` from a debit account holding `debit_minor` to a
/// credit account holding `credit_minor`. Refusals (`problem` codes): `amount` (not positive),
/// `insufficient` (the debit account may not go negative, SPEC §3 invariant 2, and would),
/// `overflow` (a balance would leave the signed 64-bit range; the message names the account).
/// Every balance change goes through it before the store writes one.
result<balances_after_transfer> balances_after(const transfer& t, std::int64_t debit_minor, std::int64_t credit_minor);

/// A transfer the ledger refused (`balances_after`): thrown by the store so that the whole
/// transaction is undone; callers answer 409 with `reason.message`, never 500.
struct ledger_refusal : problem_error {
  explicit ledger_refusal(problem p) : problem_error(p), reason(std::move(p)) {}
  problem reason;
};

/// A balance as stored: account, currency, minor units.
struct balance {
  std::string account;
  std::string currency;
  std::int64_t amount_minor;
};

/// A bounty's escrow as stored, and the sum of its pledges' held-and-unreleased amounts.
struct escrow_expectation {
  std::int64_t bounty_id;
  std::string currency;
  std::int64_t escrow_minor;
  std::int64_t pledged_unreleased_minor;
};

/// Checks SPEC §3 invariants 1-3 over a snapshot; returns one sentence per violation (empty = ok).
/// (4, immutability, is enforced by the database: transfers reject UPDATE and DELETE.)
std::vector<std::string> check_invariants(const std::vector<balance>& balances,
                                          const std::vector<escrow_expectation>& escrows);

}  // namespace bountybot::escrow
