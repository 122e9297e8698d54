#include "escrow/store/store.hpp"

#include "escrow/store/sql.hpp"

namespace bountybot::escrow {

namespace {
struct locked_account {
  std::int64_t id;
  std::int64_t balance_minor;
};
locked_account lock_account(pqxx::work& tx, const std::string& name, const std::string& currency) {
  const auto row = tx.exec_params1(sql::upsert_account, name, currency);
  return {row[0].as<std::int64_t>(), row[1].as<std::int64_t>()};
}
}  // namespace

std::int64_t ensure_account(pqxx::work& tx, const std::string& name, const std::string& currency) {
  return lock_account(tx, name, currency).id;
}

bool apply_transfer(pqxx::work& tx, const transfer& t, const std::string& reference) {
  // The two accounts are locked in name order, whichever way the money goes, so that a transfer
  // and its reversal (payout and payout_reversal) cannot deadlock each other.
  const bool debit_first = t.debit < t.credit;
  const auto first = lock_account(tx, debit_first ? t.debit : t.credit, t.amount.currency());
  const auto second = lock_account(tx, debit_first ? t.credit : t.debit, t.amount.currency());
  const auto& debit = debit_first ? first : second;
  const auto& credit = debit_first ? second : first;
  const auto after = balances_after(t, debit.balance_minor, credit.balance_minor);
  const auto inserted = tx.exec_params(sql::insert_transfer, t.idempotency_key, std::string(to_string(t.kind)), debit.id,
                                       credit.id, t.amount.amount_minor(), t.amount.currency(), t.pledge_id, reference);
  if (inserted.empty()) return false;  // applied before: nothing moves, whatever the balances are now
  if (!after) throw ledger_refusal(after.error());
  tx.exec_params0(sql::set_balance, debit.id, after->debit_minor);
  tx.exec_params0(sql::set_balance, credit.id, after->credit_minor);
  return true;
}

std::int64_t balance_of(pqxx::work& tx, const std::string& name, const std::string& currency) {
  const auto r = tx.exec_params(sql::balance, name, currency);
  return r.empty() ? 0 : r[0][0].as<std::int64_t>();
}

namespace {
// Currency -> balance of account `name`, read with `sql` ($1 = name; currency, balance_minor).
std::map<std::string, std::int64_t> read_balances(pqxx::work& tx, const std::string& name, const char* sql) {
  std::map<std::string, std::int64_t> out;
  for (const auto& row : tx.exec_params(sql, name)) out[row[0].as<std::string>()] = row[1].as<std::int64_t>();
  return out;
}
}  // namespace

std::map<std::string, std::int64_t> balances_by_currency(pqxx::work& tx, const std::string& name) {
  return read_balances(tx, name, sql::account_balances);
}

std::map<std::string, std::int64_t> lock_balances_by_currency(pqxx::work& tx, const std::string& name) {
  return read_balances(tx, name, sql::lock_balances);
}

std::vector<std::string> check_ledger(pqxx::work& tx) {
  std::vector<balance> balances;
  for (const auto& row : tx.exec(sql::balances)) {
    balances.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int64_t>()});
  }
  std::vector<escrow_expectation> escrows;
  for (const auto& row : tx.exec(sql::escrow_expectations)) {
    escrows.push_back({row[0].as<std::int64_t>(), row[1].is_null() ? std::string() : row[1].as<std::string>(),
                       row[2].as<std::int64_t>(), row[3].as<std::int64_t>()});
  }
  auto problems = check_invariants(balances, escrows);
  for (const auto& row : tx.exec(sql::transfer_sums)) {
    problems.push_back("account " + row[0].as<std::string>() + " (" + row[1].as<std::string>() + ") stores " +
                       row[2].as<std::string>() + " but its transfers sum to " + row[3].as<std::string>());
  }
  return problems;
}

}  // namespace bountybot::escrow
