-- A card dispute (017) finds the payment it disputes by its payment intent.
CREATE INDEX card_payments_by_intent ON card_payments (payment_intent) WHERE payment_intent IS NOT NULL;
