#pragma once
/// The ledger's PostgreSQL store: applies transfers exactly once and checks the invariants.
#include "escrow/ledger.hpp"

#include <pqxx/pqxx>

#include <map>
#include <string>
#include <vector>

namespace bountybot::escrow {

/// The id of account (`name`, `currency`), created with a zero balance if missing.
std::int64_t ensure_account(pqxx::work& tx, const std::string& name, const std::string& currency);

/// Applies `t` in `tx`: inserts the transfer and moves the balances. A transfer whose
/// idempotency key is already stored is skipped (returns false): replaying a cause never moves
/// money twice. Both accounts are locked and their new balances checked by `balances_after`
/// first: a balance that would overflow, or a non-external account that would go negative,
/// throws `ledger_refusal` and nothing is written.
bool apply_transfer(pqxx::work& tx, const transfer& t, const std::string& reference = {});

/// Balance of one account in minor units (0 if it does not exist).
std::int64_t balance_of(pqxx::work& tx, const std::string& name, const std::string& currency);

/// Balances of one account name by currency.
std::map<std::string, std::int64_t> balances_by_currency(pqxx::work& tx, const std::string& name);

/// `balances_by_currency`, with the rows locked until the transaction ends: a decision made on
/// these balances cannot be overtaken by another transaction spending them.
std::map<std::string, std::int64_t> lock_balances_by_currency(pqxx::work& tx, const std::string& name);

/// Checks SPEC §3 invariants over the whole ledger, plus that every stored balance equals the
/// sum of its transfers. Returns one sentence per violation; empty means the ledger is sound.
std::vector<std::string> check_ledger(pqxx::work& tx);

}  // namespace bountybot::escrow
