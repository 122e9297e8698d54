-- Card disputes (SPEC §14): Stripe's charge.dispute.created freezes the user who paid (no money
-- pledges, payouts or withdrawals) until the operator lifts it. Each dispute is listed for the
-- operator; `users.frozen_since` is set while any dispute of the user is open.
ALTER TABLE users ADD COLUMN frozen_since timestamptz;

CREATE TABLE card_disputes (
  dispute_id      text        PRIMARY KEY,  -- dp_...
  charge          text,                     -- ch_...
  payment_intent  text,                     -- pi_...: the card payment it disputes
  platform        text,                     -- the user who paid, when the payment is one of card_payments
  user_id         bigint,
  amount_minor    bigint      NOT NULL CHECK (amount_minor >= 0),
  currency        char(3)     NOT NULL,
  reason          text        NOT NULL,     -- Stripe's: fraudulent, duplicate, ...
  opened_at       timestamptz NOT NULL,
  lifted_at       timestamptz,              -- the operator lifted the freeze
  lift_note       text
);
CREATE INDEX card_disputes_open ON card_disputes (opened_at, dispute_id) WHERE lifted_at IS NULL;
CREATE INDEX card_disputes_open_by_user ON card_disputes (platform, user_id) WHERE lifted_at IS NULL;
