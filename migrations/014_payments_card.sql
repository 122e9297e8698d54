-- Card payments (SPEC §14): each paid Checkout Session once, with the payment intent that a
-- withdrawal refunds later. The money itself is in `deposits` and `transfers`.
CREATE TABLE card_payments (
  session_id      text        PRIMARY KEY,   -- cs_...; also the deposit's reference
  payment_intent  text,                      -- pi_...
  platform        text        NOT NULL,
  user_id         bigint      NOT NULL,
  net_minor       bigint      NOT NULL CHECK (net_minor > 0),
  surcharge_minor bigint      NOT NULL CHECK (surcharge_minor >= 0),
  currency        char(3)     NOT NULL,
  paid_at         timestamptz NOT NULL
);
CREATE INDEX card_payments_by_user ON card_payments (platform, user_id, paid_at DESC);
