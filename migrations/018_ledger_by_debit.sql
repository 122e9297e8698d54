-- A user's ledger (SPEC §14 `GET /api/v1/me/ledger`) lists transfers out of their accounts too
-- (pledges held, payouts, withdrawals); transfers_credit (013) serves the ones into them.
CREATE INDEX transfers_debit ON transfers (debit_account, id);
