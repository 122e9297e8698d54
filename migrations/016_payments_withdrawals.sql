-- Withdrawals (SPEC §14): unspent available money returned to the user. They share the payouts
-- table and its sender: with Stripe, one row per refunded card payment (destination = the
-- payment intent), paid by `POST /v1/refunds`; without, one manual request for the operator.
ALTER TABLE payouts ADD COLUMN kind text NOT NULL DEFAULT 'payout' CHECK (kind IN ('payout', 'withdrawal'));
ALTER TABLE payouts DROP CONSTRAINT payouts_platform_user_id_request_id_key;
ALTER TABLE payouts ADD COLUMN part int NOT NULL DEFAULT 0;  -- the refund's place among the form's parts
ALTER TABLE payouts ADD CONSTRAINT payouts_request_part UNIQUE (platform, user_id, request_id, part);
CREATE INDEX payouts_refunds ON payouts (destination) WHERE kind = 'withdrawal' AND state <> 'failed';
