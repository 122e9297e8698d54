#include "escrow/store/store.hpp"

namespace bountybot::escrow {
namespace {
// The no-op update locks an existing row, so the balance returned stays true until commit.
constexpr const char* upsert_account_sql =
    "INSERT INTO accounts (name, currency) VALUES ($1, $2) "
    "ON CONFLICT (name, currency) DO UPDATE SET name = EXCLUDED.name RETURNING id, balance_minor";
constexpr const char* insert_transfer_sql =
    "INSERT INTO transfers (idempotency_key, kind, debit_account, credit_account, amount_minor, currency, "
    "pledge_id, reference) VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, 0), NULLIF($8, '')) "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";
constexpr const char* set_balance_sql = "UPDATE accounts SET balance_minor = $2 WHERE id = $1";
constexpr const char* account_balances_sql = "SELECT currency, balance_minor FROM accounts WHERE name = $1";
constexpr const char* lock_balances_sql = "SELECT currency, balance_minor FROM accounts WHERE name = $1 FOR UPDATE";
constexpr const char* balances_sql = "SELECT name, currency, balance_minor FROM accounts ORDER BY id";
constexpr const char* transfer_sums_sql =
    "SELECT a.name, a.currency, a.balance_minor, "
    "  coalesce((SELECT sum(amount_minor) FROM transfers WHERE credit_account = a.id), 0) "
    "- coalesce((SELECT sum(amount_minor) FROM transfers WHERE debit_account = a.id), 0) "
    "FROM accounts a WHERE a.balance_minor <> "
    "  coalesce((SELECT sum(amount_minor) FROM transfers WHERE credit_account = a.id), 0) "
    "- coalesce((SELECT sum(amount_minor) FROM transfers WHERE debit_account = a.id), 0)";
constexpr const char* escrow_expectations_sql =
    "SELECT b.id, b.currency, coalesce(a.balance_minor, 0), "
    "  coalesce((SELECT sum(p.amount_minor - p.released_minor) FROM pledges p "
    "            WHERE p.bounty_id = b.id AND p.state = 'held'), 0) "
    "FROM bounties b LEFT JOIN accounts a ON a.name = 'bounty:' || b.id || ':escrow' AND a.currency = b.currency";
}  // namespace

namespace {
struct locked_account {
  std::int64_t id;
  std::int64_t balance_minor;
};
locked_account lock_account(pqxx::work& tx, const std::string& name, const std::string& currency) {
  const auto row = tx.exec_params1(upsert_account_sql, name, currency);
  return {row[0].as<std::int64_t>(), row[1].as<std::int64_t>()};
}
}  // namespace

std::int64_t ensure_account(pqxx::work& tx, const std::string& name, const std::string& currency) {
  return lock_account(tx, name, currency).id;
}

bool apply_transfer(pqxx::work& tx, const transfer& t, const std::string& reference) {
  const auto debit = lock_account(tx, t.debit, t.amount.currency());
  const auto credit = lock_account(tx, t.credit, t.amount.currency());
  const auto after = balances_after(t, debit.balance_minor, credit.balance_minor);
  const auto inserted = tx.exec_params(insert_transfer_sql, t.idempotency_key, std::string(to_string(t.kind)), debit.id,
                                       credit.id, t.amount.amount_minor(), t.amount.currency(), t.pledge_id, reference);
  if (inserted.empty()) return false;  // applied before: nothing moves, whatever the balances are now
  if (!after) throw ledger_refusal(after.error());
  tx.exec_params0(set_balance_sql, debit.id, after->debit_minor);
  tx.exec_params0(set_balance_sql, credit.id, after->credit_minor);
  return true;
}

std::int64_t balance_of(pqxx::work& tx, const std::string& name, const std::string& currency) {
  const auto r = tx.exec_params("SELECT balance_minor FROM accounts WHERE name = $1 AND currency = $2", name, currency);
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
  return read_balances(tx, name, account_balances_sql);
}

std::map<std::string, std::int64_t> lock_balances_by_currency(pqxx::work& tx, const std::string& name) {
  return read_balances(tx, name, lock_balances_sql);
}

std::vector<std::string> check_ledger(pqxx::work& tx) {
  std::vector<balance> balances;
  for (const auto& row : tx.exec(balances_sql)) {
    balances.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::int64_t>()});
  }
  std::vector<escrow_expectation> escrows;
  for (const auto& row : tx.exec(escrow_expectations_sql)) {
    escrows.push_back({row[0].as<std::int64_t>(), row[1].is_null() ? std::string() : row[1].as<std::string>(),
                       row[2].as<std::int64_t>(), row[3].as<std::int64_t>()});
  }
  auto problems = check_invariants(balances, escrows);
  for (const auto& row : tx.exec(transfer_sums_sql)) {
    problems.push_back("account " + row[0].as<std::string>() + " (" + row[1].as<std::string>() + ") stores " +
                       row[2].as<std::string>() + " but its transfers sum to " + row[3].as<std::string>());
  }
  return problems;
}

}  // namespace bountybot::escrow
