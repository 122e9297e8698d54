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
/// money twice. A debit that would make a non-external account negative raises
/// `pqxx::check_violation` (the core must not ask for it).
bool apply_transfer(pqxx::work& tx, const transfer& t, const std::string& reference = {});

/// Balance of one account in minor units (0 if it does not exist).
std::int64_t balance_of(pqxx::work& tx, const std::string& name, const std::string& currency);

/// Balances of one account name by currency.
std::map<std::string, std::int64_t> balances_by_currency(pqxx::work& tx, const std::string& name);

/// Checks SPEC §3 invariants over the whole ledger, plus that every stored balance equals the
/// sum of its transfers. Returns one sentence per violation; empty means the ledger is sound.
std::vector<std::string> check_ledger(pqxx::work& tx);

}  // namespace bountybot::escrow
