#pragma once
/// Every SQL statement of the ledger's store, named. Amounts are minor units; accounts are
/// (name, currency) rows; transfers are immutable (the database refuses UPDATE and DELETE).
namespace bountybot::escrow::sql {

// The no-op update locks an existing row, so the balance returned stays true until commit.
inline constexpr const char* upsert_account =
    "INSERT INTO accounts (name, currency) VALUES ($1, $2) "
    "ON CONFLICT (name, currency) DO UPDATE SET name = EXCLUDED.name RETURNING id, balance_minor";
inline constexpr const char* insert_transfer =
    "INSERT INTO transfers (idempotency_key, kind, debit_account, credit_account, amount_minor, currency, "
    "pledge_id, reference) VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, 0), NULLIF($8, '')) "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";
inline constexpr const char* set_balance = "UPDATE accounts SET balance_minor = $2 WHERE id = $1";
inline constexpr const char* account_balances = "SELECT currency, balance_minor FROM accounts WHERE name = $1";
inline constexpr const char* lock_balances = "SELECT currency, balance_minor FROM accounts WHERE name = $1 FOR UPDATE";
inline constexpr const char* balances = "SELECT name, currency, balance_minor FROM accounts ORDER BY id";
inline constexpr const char* transfer_sums =
    "SELECT a.name, a.currency, a.balance_minor, "
    "  coalesce((SELECT sum(amount_minor) FROM transfers WHERE credit_account = a.id), 0) "
    "- coalesce((SELECT sum(amount_minor) FROM transfers WHERE debit_account = a.id), 0) "
    "FROM accounts a WHERE a.balance_minor <> "
    "  coalesce((SELECT sum(amount_minor) FROM transfers WHERE credit_account = a.id), 0) "
    "- coalesce((SELECT sum(amount_minor) FROM transfers WHERE debit_account = a.id), 0)";
inline constexpr const char* escrow_expectations =
    "SELECT b.id, b.currency, coalesce(a.balance_minor, 0), "
    "  coalesce((SELECT sum(p.amount_minor - p.released_minor) FROM pledges p "
    "            WHERE p.bounty_id = b.id AND p.state = 'held'), 0) "
    "FROM bounties b LEFT JOIN accounts a ON a.name = 'bounty:' || b.id || ':escrow' AND a.currency = b.currency";
inline constexpr const char* balance = "SELECT balance_minor FROM accounts WHERE name = $1 AND currency = $2";

}  // namespace bountybot::escrow::sql
