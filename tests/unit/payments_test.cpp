// Money in by card (SPEC §14), pure: the surcharge, the funding page's offer, what a paid
// session deposits, Stripe's signature scheme and the events the service reads.
#include "adapters/json_util.hpp"
#include "adapters/stripe/stripe.hpp"
#include "payments/payments.hpp"
#include "payments/payouts.hpp"
#include "webhooks/intake.hpp"
#include "webhooks/signature.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace bountybot {
namespace {

using escrow::money;
using payments::funding_state;

const bot::utc_time now = *bot::parse_deadline("2026-12-03T12:00:00Z");
constexpr std::int64_t max_deposit = 1'000'000;  // whole units (BOUNTYBOT_MAX_DEPOSIT's default)

TEST(CardSurcharge, IsBasisPointsRoundedDownPlusTheFixedPart) {
  const struct {
    std::int64_t amount;
    int bps;
    std::int64_t fixed;
    std::int64_t want;
  } table[] = {{5000, 290, 30, 175}, {4000, 290, 30, 146}, {1, 290, 30, 30}, {0, 290, 0, 0},
               {9999, 10000, 0, 9999}, {123, 0, 0, 0}, {34, 290, 0, 0}, {35, 290, 0, 1}};
  for (const auto& row : table) {
    const auto s = payments::card_surcharge(money(row.amount, "USD"), {row.bps, row.fixed});
    ASSERT_TRUE(s);
    EXPECT_EQ(s->amount_minor(), row.want) << row.amount << " at " << row.bps << " bps + " << row.fixed;
    EXPECT_EQ(s->currency(), "USD");
  }
  EXPECT_FALSE(payments::card_surcharge(money(INT64_MAX, "USD"), {10000, 1}));  // overflow refused
}

TEST(Payer, RoundTripsOnlyWhatTheServiceWrites) {
  const payments::payer p{bot::platform::gitlab, 42};
  EXPECT_EQ(payments::account_ref(p), "user:gitlab:42");
  EXPECT_EQ(payments::payer_from("user:gitlab:42"), p);
  for (const auto* bad : {"", "user:", "user:github:", "user:github:0", "user:github:-3", "user:bitbucket:4",
                          "org:github:4", "user:github:4x", "user:github:4:available"}) {
    EXPECT_EQ(payments::payer_from(bad), std::nullopt) << bad;
  }
}

payments::funding_view view(const std::string& state, std::int64_t pledged, std::int64_t available) {
  payments::funding_view v;
  v.pledge_id = 7;
  v.state = bot::pledge_state_from(state);
  v.pledged = money(pledged, "EUR");
  v.available = money(available, "EUR");
  v.awaiting_before = money(0, "EUR");
  v.funds_expire_at = now + std::chrono::days{7};
  return v;
}

TEST(DecideFunding, OffersWhatIsMissingOfAnAwaitingPledge) {
  const payments::card_fee fee{290, 30};
  const struct {
    std::string state;
    std::int64_t pledged, available;
    funding_state want;
    std::int64_t missing, total;
  } table[] = {
      {"awaiting_funds", 5000, 0, funding_state::payable, 5000, 5175},
      {"awaiting_funds", 5000, 1000, funding_state::payable, 4000, 4146},
      {"awaiting_funds", 5000, 5000, funding_state::covered, 0, 0},
      {"awaiting_funds", 5000, 9000, funding_state::covered, 0, 0},
      {"held", 5000, 0, funding_state::held, 0, 0},
      {"refunded", 5000, 0, funding_state::ended, 0, 0},
      {"cancelled", 5000, 0, funding_state::ended, 0, 0},
  };
  for (const auto& row : table) {
    const auto o = payments::decide_funding(view(row.state, row.pledged, row.available), fee, now, max_deposit);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->state, row.want) << row.state << " " << row.available;
    EXPECT_EQ(o->missing.amount_minor(), row.missing) << row.state << " " << row.available;
    EXPECT_EQ(o->total.amount_minor(), row.total) << row.state << " " << row.available;
    EXPECT_EQ(o->total.currency(), "EUR");
  }
  auto late = view("awaiting_funds", 5000, 0);
  late.funds_expire_at = now;
  EXPECT_EQ(payments::decide_funding(late, fee, now, max_deposit)->state, funding_state::ended);  // its funds came too late
}

payments::card_payment paid(std::int64_t total = 5175, std::int64_t surcharge = 175) {
  return {"cs_test_1", "pi_test_1", "user:github:21031067", "usd", total, surcharge};
}

TEST(DecideFunding, AlsoCoversTheOlderPledgesADepositHoldsFirst) {
  auto v = view("awaiting_funds", 3000, 1000);
  v.awaiting_before = money(10000, "EUR");  // an older $100 pledge waits too: the deposit holds it first
  const auto o = payments::decide_funding(v, {0, 0}, now, max_deposit);
  ASSERT_TRUE(o);
  EXPECT_EQ(o->state, funding_state::payable);
  EXPECT_EQ(o->missing.amount_minor(), 12000);
  v.available = money(13000, "EUR");
  EXPECT_EQ(payments::decide_funding(v, {0, 0}, now, max_deposit)->state, funding_state::covered);
}

TEST(DecideFunding, ChargesNoCardForMoreThanOneDepositMayBring) {
  auto v = view("awaiting_funds", 3000, 0);
  v.awaiting_before = money(10000, "EUR");  // EUR 130 missing in all
  EXPECT_TRUE(payments::decide_funding(v, {0, 0}, now, 130));
  const auto r = payments::decide_funding(v, {0, 0}, now, 129);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, problem_code::amount);
}

TEST(CardCurrencies, AreThoseWhoseStripeUnitIsTheIsoMinorUnit) {
  for (const auto* ok : {"USD", "EUR", "JPY", "GBP", "CHF", "KRW"}) EXPECT_TRUE(payments::card_currency_supported(ok)) << ok;
  for (const auto* no : {"KWD", "BHD", "JOD", "OMR", "TND", "IQD", "LYD", "ISK", "UGX", "XXX", ""}) {
    EXPECT_FALSE(payments::card_currency_supported(no)) << no;
  }
}

TEST(DecideCardPayment, DepositsTheTotalLessTheSurcharge) {
  const auto d = payments::decide_card_payment(paid());
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->to, (payments::payer{bot::platform::github, 21031067}));
  EXPECT_EQ(d->net, money(5000, "USD"));
  EXPECT_EQ(d->surcharge, money(175, "USD"));
  EXPECT_EQ(d->reference, "cs_test_1");
  EXPECT_EQ(d->payment_intent, "pi_test_1");
}

TEST(DecideCardPayment, RefusesSessionsThisServiceDidNotMake) {
  auto no_id = paid();
  no_id.session_id = "";
  auto odd_id = paid();
  odd_id.session_id = "cs_test'; DROP";
  auto foreign = paid();
  foreign.account = "acct_123";
  auto currency = paid();
  currency.currency = "xxx";
  const std::pair<payments::card_payment, problem_code> table[] = {
      {no_id, problem_code::reference}, {odd_id, problem_code::reference},      {foreign, problem_code::user},
      {currency, problem_code::currency}, {paid(0, 0), problem_code::amount},    {paid(100, 100), problem_code::amount},
      {paid(100, -1), problem_code::amount}, {paid(-5, 0), problem_code::amount},
  };
  for (const auto& [payment, code] : table) {
    const auto d = payments::decide_card_payment(payment);
    ASSERT_FALSE(d) << payment.session_id << " " << payment.amount_total;
    EXPECT_EQ(d.error().code, code) << d.error().message;
  }
}

TEST(StripeSignature, AcceptsAnyListedSignatureUnderAnySecretWithinTolerance) {
  const std::string body = R"({"id":"evt_1","type":"checkout.session.completed"})";
  const std::int64_t t = 1'800'000'000;
  const auto sig = webhooks::hmac_sha256_hex("whsec_b", std::to_string(t) + "." + body);
  const auto header = "t=" + std::to_string(t) + ",v1=" + sig;
  EXPECT_TRUE(webhooks::verify_stripe_signature({"whsec_b"}, body, header, t));
  EXPECT_TRUE(webhooks::verify_stripe_signature({"whsec_a", "whsec_b"}, body, header, t + 300));
  EXPECT_TRUE(webhooks::verify_stripe_signature({"whsec_b"}, body, "t=" + std::to_string(t) + ",v1=00ff,v0=x,v1=" + sig, t));
  EXPECT_FALSE(webhooks::verify_stripe_signature({"whsec_b"}, body, header, t + 301));
  EXPECT_FALSE(webhooks::verify_stripe_signature({"whsec_b"}, body, header, t - 301));
  EXPECT_FALSE(webhooks::verify_stripe_signature({"whsec_a"}, body, header, t));
  EXPECT_FALSE(webhooks::verify_stripe_signature({"whsec_b"}, body + " ", header, t));
  EXPECT_FALSE(webhooks::verify_stripe_signature({"whsec_b"}, body, "v1=" + sig, t));
  EXPECT_FALSE(webhooks::verify_stripe_signature({"whsec_b"}, body, "t=abc,v1=" + sig, t));
  EXPECT_FALSE(webhooks::verify_stripe_signature({}, body, header, t));
  EXPECT_FALSE(webhooks::verify_stripe_signature({""}, body, "t=" + std::to_string(t) + ",v1=" +
                                                 webhooks::hmac_sha256_hex("", std::to_string(t) + "." + body), t));
}

std::map<std::string, std::string> signed_headers(const std::string& body, std::int64_t t) {
  return {{"stripe-signature", "t=" + std::to_string(t) + ",v1=" + webhooks::hmac_sha256_hex("s", std::to_string(t) + "." + body)}};
}

TEST(StripeIntake, StoresOnlyHandledEventsWithTheirId) {
  const std::int64_t t = 1'800'000'000;
  const std::string completed = R"({"id":"evt_9","type":"checkout.session.completed","data":{"object":{}}})";
  const auto d = webhooks::decide_stripe({"s"}, signed_headers(completed, t), completed, t);
  ASSERT_TRUE(d.store);
  EXPECT_EQ(d.status, 200u);
  EXPECT_EQ(d.store->platform, "stripe");
  EXPECT_EQ(d.store->delivery_id, "evt_9");
  EXPECT_EQ(d.store->event, "checkout.session.completed");
  const std::string other = R"({"id":"evt_10","type":"customer.created"})";
  const auto ignored = webhooks::decide_stripe({"s"}, signed_headers(other, t), other, t);
  EXPECT_EQ(ignored.status, 200u);
  EXPECT_FALSE(ignored.store);
  for (const std::string& bad : {std::string(R"({"type":"checkout.session.completed"})"), std::string("[1]"),
                                std::string("not json"), std::string(R"({"id":"","type":"x"})")}) {
    const auto r = webhooks::decide_stripe({"s"}, signed_headers(bad, t), bad, t);
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_FALSE(r.store);
  }
  EXPECT_EQ(webhooks::decide_stripe({"s"}, {}, completed, t).status, 400u);
}

TEST(StripeEvents, ReadAPaidSessionAndWaitForAnAsyncOne) {
  const auto event = boost::json::parse(R"({"id":"evt_1","type":"checkout.session.completed","data":{"object":{
    "id":"cs_test_a1","object":"checkout.session","amount_total":5175,"currency":"usd","payment_status":"paid",
    "payment_intent":"pi_3","metadata":{"account":"user:github:1","pledge_id":"4","surcharge":"175"}}}})");
  const auto p = stripe::card_payment_of("checkout.session.completed", event);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->session_id, "cs_test_a1");
  EXPECT_EQ(p->amount_total, 5175);
  EXPECT_EQ(p->surcharge_minor, 175);
  EXPECT_EQ(p->account, "user:github:1");
  EXPECT_EQ(p->payment_intent, "pi_3");
  auto unpaid = event;
  unpaid.at_pointer("/data/object").as_object()["payment_status"] = "unpaid";
  EXPECT_FALSE(stripe::card_payment_of("checkout.session.completed", unpaid));
  EXPECT_TRUE(stripe::card_payment_of("checkout.session.async_payment_succeeded", event));
  EXPECT_FALSE(stripe::card_payment_of("charge.succeeded", event));
  auto wrong = event;
  wrong.at_pointer("/data/object").as_object()["object"] = "payment_intent";
  EXPECT_THROW(stripe::card_payment_of("checkout.session.completed", wrong), adapters::payload_error);
  auto bad_surcharge = event;
  bad_surcharge.at_pointer("/data/object/metadata").as_object()["surcharge"] = "1.75";
  EXPECT_THROW(stripe::card_payment_of("checkout.session.completed", bad_surcharge), adapters::payload_error);
  EXPECT_THROW(stripe::card_payment_of("checkout.session.completed", boost::json::parse(R"({"id":"e"})")),
               adapters::payload_error);
}

// Stripe's documented dispute object (https://docs.stripe.com/api/disputes/object), in its event.
TEST(StripeEvents, ReadADispute) {
  const auto event = boost::json::parse(R"({"id":"evt_2","object":"event","type":"charge.dispute.created","data":{"object":{
    "id":"du_1MtJUT2eZvKYlo2CNaw2HvEv","object":"dispute","amount":1000,"balance_transactions":[],
    "charge":"ch_1AZtxr2eZvKYlo2CJDX8whov","created":1680651737,"currency":"usd","evidence":{},
    "is_charge_refundable":true,"livemode":false,"metadata":{},"payment_intent":"pi_3","reason":"general",
    "status":"warning_needs_response"}}})");
  EXPECT_TRUE(stripe::is_handled_event("charge.dispute.created"));
  const auto d = stripe::card_dispute_of("charge.dispute.created", event);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->dispute_id, "du_1MtJUT2eZvKYlo2CNaw2HvEv");
  EXPECT_EQ(d->charge, "ch_1AZtxr2eZvKYlo2CJDX8whov");
  EXPECT_EQ(d->payment_intent, "pi_3");
  EXPECT_EQ(d->amount_minor, 1000);
  EXPECT_EQ(d->reason, "general");
  EXPECT_FALSE(stripe::card_dispute_of("charge.dispute.closed", event));
  auto no_intent = event;
  no_intent.at_pointer("/data/object").as_object()["payment_intent"] = nullptr;
  EXPECT_EQ(stripe::card_dispute_of("charge.dispute.created", no_intent)->payment_intent, "");
  auto wrong = event;
  wrong.at_pointer("/data/object").as_object()["object"] = "charge";
  EXPECT_THROW(stripe::card_dispute_of("charge.dispute.created", wrong), adapters::payload_error);
}

TEST(DecideCardDispute, KeepsWhatFreezesAndDropsWhatCannotBeTrusted) {
  const payments::card_dispute d{"dp_1", "ch_1", "pi_1", "usd", 5175, "fraudulent"};
  const auto ok = payments::decide_card_dispute(d);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->currency, "USD");
  EXPECT_EQ(ok->reason, "fraudulent");
  auto odd = d;
  odd.payment_intent = "pi_1' OR 1=1";
  odd.reason = "<script>";
  const auto cleaned = payments::decide_card_dispute(odd);
  ASSERT_TRUE(cleaned);
  EXPECT_EQ(cleaned->payment_intent, "");  // matches no payment: listed, freezes nobody
  EXPECT_EQ(cleaned->reason, "unknown");
  const struct {
    payments::card_dispute in;
    problem_code code;
  } refused[] = {
      {{"", "ch_1", "pi_1", "usd", 1, "general"}, problem_code::reference},
      {{"dp 1", "ch_1", "pi_1", "usd", 1, "general"}, problem_code::reference},
      {{"dp_1", "ch_1", "pi_1", "xyz", 1, "general"}, problem_code::currency},
      {{"dp_1", "ch_1", "pi_1", "usd", -1, "general"}, problem_code::amount},
  };
  for (const auto& row : refused) {
    const auto r = payments::decide_card_dispute(row.in);
    ASSERT_FALSE(r) << row.in.dispute_id;
    EXPECT_EQ(r.error().code, row.code) << row.in.dispute_id;
  }
  EXPECT_TRUE(payments::check_lift_note("Stripe ruled for us"));
  EXPECT_EQ(payments::check_lift_note("").error().code, problem_code::reason);
  EXPECT_EQ(payments::check_lift_note("two\nlines").error().code, problem_code::reason);
  EXPECT_EQ(payments::check_lift_note(std::string(1001, 'x')).error().code, problem_code::reason);
}

TEST(DecideFunding, TakesNoCardMoneyForAFrozenSponsor) {
  auto v = view("awaiting_funds", 5000, 0);
  v.sponsor_frozen = true;
  EXPECT_EQ(payments::decide_funding(v, {0, 0}, now, max_deposit)->state, funding_state::frozen);
  auto held = view("held", 5000, 0);
  held.sponsor_frozen = true;
  EXPECT_EQ(payments::decide_funding(held, {0, 0}, now, max_deposit)->state, funding_state::held);
}

TEST(DecideTopUp, ChargesTheAmountPlusTheSurchargeOrSaysWhyNot) {
  const payments::card_fee fee{290, 30};
  const auto ok = payments::decide_top_up({"USD", "50"}, fee, 1000, false);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->amount.amount_minor(), 5000);
  EXPECT_EQ(ok->surcharge.amount_minor(), 175);
  EXPECT_EQ(ok->total.amount_minor(), 5175);
  EXPECT_EQ(payments::decide_top_up({"JPY", "5000"}, {0, 0}, 100000, false)->total.amount_minor(), 5000);
  const struct {
    payments::top_up_form form;
    bool frozen;
    problem_code code;
  } refused[] = {
      {{"USD", "50"}, true, problem_code::conflict},     {{"XYZ", "50"}, false, problem_code::currency},
      {{"KWD", "50"}, false, problem_code::currency},    {{"USD", "0"}, false, problem_code::amount},
      {{"USD", "-5"}, false, problem_code::amount},      {{"USD", "5.555"}, false, problem_code::amount},
      {{"USD", "1000.01"}, false, problem_code::amount}, {{"USD", "50 EUR"}, false, problem_code::amount},
      {{"USD", ""}, false, problem_code::amount},
  };
  for (const auto& row : refused) {
    const auto r = payments::decide_top_up(row.form, fee, 1000, row.frozen);
    ASSERT_FALSE(r) << row.form.currency << " " << row.form.amount;
    EXPECT_EQ(r.error().code, row.code) << row.form.currency << " " << row.form.amount << ": " << r.error().message;
  }
}

TEST(CheckoutForm, NamesTheFieldsStripeDocuments) {
  stripe::checkout_request r;
  r.amount = money(4146, "EUR");
  r.product = "Pledge #3 on github:o/r#1";
  r.account = "user:github:5";
  r.pledge_id = 3;
  r.surcharge_minor = 146;
  r.success_url = "https://b.example/fund/3?paid=1";
  r.cancel_url = "https://b.example/fund/3";
  EXPECT_EQ(stripe::checkout_form(r),
            "mode=payment&line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=eur"
            "&line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=4146"
            "&line_items%5B0%5D%5Bprice_data%5D%5Bproduct_data%5D%5Bname%5D=Pledge%20%233%20on%20github%3Ao%2Fr%231"
            "&line_items%5B0%5D%5Bquantity%5D=1&metadata%5Bpledge_id%5D=3&metadata%5Baccount%5D=user%3Agithub%3A5"
            "&metadata%5Bsurcharge%5D=146&success_url=https%3A%2F%2Fb.example%2Ffund%2F3%3Fpaid%3D1"
            "&cancel_url=https%3A%2F%2Fb.example%2Ffund%2F3");
}

}  // namespace
}  // namespace bountybot

namespace bountybot {
namespace {

using payments::payout_provider;

payments::payout_view payout_view(bool stripe, bool enabled = true) {
  payments::payout_view v;
  v.who = {bot::platform::github, 40};
  v.payable = {{"USD", 10000}, {"KWD", 50000}};
  v.stripe = stripe;
  if (stripe) v.account = payments::payout_account{"acct_1", enabled};
  return v;
}

TEST(DecidePayout, PaysWhatIsAskedThroughTheProviderThatCan) {
  const auto all = payments::decide_payout(payout_view(true), {"usd", ""});
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->amount, money(10000, "USD"));
  EXPECT_EQ(all->provider, payout_provider::stripe);
  EXPECT_EQ(all->destination, "acct_1");
  const auto part = payments::decide_payout(payout_view(false), {"USD", "40.50"});
  ASSERT_TRUE(part);
  EXPECT_EQ(part->amount, money(4050, "USD"));
  EXPECT_EQ(part->provider, payout_provider::manual);
  // Stripe takes KWD in other units: the operator pays it.
  EXPECT_EQ(payments::decide_payout(payout_view(true), {"KWD", ""})->provider, payout_provider::manual);
}

TEST(DecidePayout, RefusesWithTheReason) {
  auto frozen = payout_view(false);
  frozen.frozen = true;
  auto no_account = payout_view(true);
  no_account.account.reset();
  const struct {
    payments::payout_view view;
    payments::payout_form form;
    problem_code code;
    const char* says;
  } table[] = {
      {payout_view(false), {"XXX", ""}, problem_code::currency, "choose a currency"},
      {payout_view(false), {"EUR", ""}, problem_code::currency, "nothing to be paid out in EUR"},
      {payout_view(false), {"USD", "9.99"}, problem_code::amount, "the smallest payout is $10.00"},
      {payout_view(false), {"USD", "100.01"}, problem_code::amount, "more than your payable balance of $100.00"},
      {payout_view(false), {"USD", "1.234"}, problem_code::amount, "decimals"},
      {payout_view(false), {"USD", "-5"}, problem_code::amount, ""},
      {payout_view(false), {"USD", "0"}, problem_code::amount, "more than zero"},
      {payout_view(false), {"USD", "50 EUR"}, problem_code::amount, "another currency"},
      {frozen, {"USD", ""}, problem_code::conflict, "frozen"},
      {no_account, {"USD", ""}, problem_code::conflict, "set up payouts first"},
      {payout_view(true, false), {"USD", ""}, problem_code::conflict, "finish its onboarding"},
  };
  for (const auto& row : table) {
    const auto r = payments::decide_payout(row.view, row.form);
    ASSERT_FALSE(r) << row.form.currency << " " << row.form.amount;
    EXPECT_EQ(r.error().code, row.code) << r.error().message;
    EXPECT_NE(r.error().message.find(row.says), std::string::npos) << r.error().message;
  }
}

TEST(DecideSettlement, PaysOnceFailsOnceAndLeavesStripesToStripe) {
  using payments::payout_kind;
  using payments::payout_provider;
  using payments::payout_state;
  using payments::settled_by;
  using payments::settlement;
  const struct {
    payout_kind kind;
    payout_provider provider;
    payout_state state;
    settlement what;
    settled_by by;
    bool ok;
    payout_state next;
    bool reverse, to_available;
  } table[] = {
      {payout_kind::payout, payout_provider::stripe, payout_state::requested, settlement::paid, settled_by::provider, true, payout_state::paid, false, false},
      {payout_kind::payout, payout_provider::stripe, payout_state::paid, settlement::paid, settled_by::provider, false, {}, false, false},
      {payout_kind::payout, payout_provider::stripe, payout_state::paid, settlement::failed, settled_by::provider, true, payout_state::failed, true, false},
      {payout_kind::payout, payout_provider::stripe, payout_state::requested, settlement::failed, settled_by::provider, true, payout_state::failed, true, false},
      {payout_kind::payout, payout_provider::stripe, payout_state::failed, settlement::failed, settled_by::provider, false, {}, false, false},
      {payout_kind::withdrawal, payout_provider::stripe, payout_state::paid, settlement::failed, settled_by::provider, true, payout_state::failed, true, true},
      {payout_kind::payout, payout_provider::stripe, payout_state::requested, settlement::paid, settled_by::operator_hand, false, {}, false, false},
      {payout_kind::payout, payout_provider::stripe, payout_state::paid, settlement::failed, settled_by::operator_hand, false, {}, false, false},
      {payout_kind::payout, payout_provider::manual, payout_state::requested, settlement::paid, settled_by::operator_hand, true, payout_state::paid, false, false},
      {payout_kind::withdrawal, payout_provider::manual, payout_state::requested, settlement::failed, settled_by::operator_hand, true, payout_state::failed, true, true},
      {payout_kind::payout, payout_provider::manual, payout_state::paid, settlement::paid, settled_by::operator_hand, false, {}, false, false},
  };
  int row = 0;
  for (const auto& t : table) {
    const auto r = payments::decide_settlement(7, t.kind, t.provider, t.state, t.what, t.by);
    ASSERT_EQ(r.has_value(), t.ok) << "row " << row;
    if (r) {
      EXPECT_EQ(r->next, t.next) << "row " << row;
      EXPECT_EQ(r->reverse, t.reverse) << "row " << row;
      EXPECT_EQ(r->to_available, t.to_available) << "row " << row;
    } else {
      EXPECT_EQ(r.error().code, problem_code::conflict) << "row " << row;
    }
    ++row;
  }
}

TEST(PayoutNames, RoundTrip) {
  for (auto s : {payments::payout_state::requested, payments::payout_state::paid, payments::payout_state::failed}) {
    EXPECT_EQ(payments::payout_state_from(payments::to_string(s)), s);
  }
  EXPECT_EQ(payments::payout_state_from("sent"), std::nullopt);
  EXPECT_EQ(payments::payout_provider_from("stripe"), payout_provider::stripe);
  EXPECT_EQ(payments::payout_provider_from("paypal"), std::nullopt);
}

}  // namespace
}  // namespace bountybot

namespace bountybot {
namespace {

TEST(DecideWithdrawal, RefundsCardPaymentsNewestFirstAndLeavesTheRestToTheOperator) {
  payments::withdrawal_view v;
  v.who = {bot::platform::github, 7};
  v.available = {{"USD", 9500}};
  v.stripe = true;
  v.card_payments["USD"] = {{"pi_new", 3000}, {"pi_spent", 0}, {"pi_old", 5000}};
  const auto parts = payments::decide_withdrawal(v, {"USD", "90"});
  ASSERT_TRUE(parts) << parts.error().message;
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0].destination, "pi_new");
  EXPECT_EQ((*parts)[0].amount, money(3000, "USD"));
  EXPECT_EQ((*parts)[1].destination, "pi_old");
  EXPECT_EQ((*parts)[1].amount, money(5000, "USD"));
  EXPECT_EQ((*parts)[2].provider, payments::payout_provider::manual);
  EXPECT_EQ((*parts)[2].amount, money(1000, "USD"));
  const auto small = payments::decide_withdrawal(v, {"USD", "20"});
  ASSERT_EQ(small->size(), 1u);
  EXPECT_EQ((*small)[0].destination, "pi_new");
  v.stripe = false;
  const auto manual = payments::decide_withdrawal(v, {"USD", ""});
  ASSERT_EQ(manual->size(), 1u);
  EXPECT_EQ((*manual)[0].amount, money(9500, "USD"));
  EXPECT_EQ((*manual)[0].provider, payments::payout_provider::manual);
  EXPECT_FALSE(payments::decide_withdrawal(v, {"USD", "95.01"}));
  v.frozen = true;
  EXPECT_EQ(payments::decide_withdrawal(v, {"USD", ""}).error().code, problem_code::conflict);
}

}  // namespace
}  // namespace bountybot
