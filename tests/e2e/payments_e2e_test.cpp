// Money in by card (SPEC §14) against a fake Stripe: the funding page, the Checkout Session it
// creates, and the signed event that deposits the money and holds the awaiting pledge, once.
#include "tests/e2e/service_fixture.hpp"
#include "tests/e2e/web_client.hpp"

#include "tests/support/fake_stripe.hpp"
#include "webhooks/signature.hpp"

#include <regex>


namespace bountybot {
namespace {

const std::string webhook_secret = "whsec_test_current";

class Payments : public Service {
 protected:
  void start(std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> e{{"BOUNTYBOT_STRIPE_SECRET_KEY", "sk_test_fake_key"},
                                         // rotation: the old secret and the current one
                                         {"BOUNTYBOT_STRIPE_WEBHOOK_SECRET", "whsec_test_old, " + webhook_secret},
                                         {"BOUNTYBOT_STRIPE_API_URL", stripe.base_url()},
                                         {"BOUNTYBOT_CARD_FEE_BPS", "290"},
                                         {"BOUNTYBOT_CARD_FEE_FIXED", "30"}};
    for (auto& [k, v] : extra) e[k] = v;
    service = std::make_unique<testing::service_process>(env(e));
    stripe.set_webhook_url(service->base_url() + "/webhooks/stripe");
  }

  /// Codertocat pledges $50 without funds on issue 1; the id of the awaiting pledge.
  std::string pledge_without_funds() {
    EXPECT_EQ(deliver_github(testing::github_comment("/pledge $50", 21031067, "Codertocat", 1, 501), "g-1").status, 202u);
    EXPECT_TRUE(github.wait_for([](const auto& calls) {
      for (const auto& c : matching(calls, "POST", "/issues/1/comments"))
        if (c.body.find("https://bounty.example/fund/") != std::string::npos) return true;
      return false;
    }));
    return db.scalar("SELECT id FROM pledges WHERE state = 'awaiting_funds'");
  }

  /// Opens the funding page in a fresh browser and submits its form: the checkout answer (303 to Stripe).
  adapters::http_response checkout(const std::string& pledge, std::string* request_id = nullptr) {
    testing::browser b;
    return testing::submit_funding_form(b, *service, pledge, "", request_id);
  }

  /// What sign-in with GitHub needs, for tests that open /me.
  std::map<std::string, std::string> with_sign_in() {
    return {{"BOUNTYBOT_SECRET_KEY", std::string(64, 'd')},
            {"BOUNTYBOT_GITHUB_WEB_URL", github.base_url()},
            {"BOUNTYBOT_GITHUB_CLIENT_ID", "gh-client"},
            {"BOUNTYBOT_GITHUB_CLIENT_SECRET", "gh-client-secret"}};
  }

  /// Codertocat (the sponsor of pledge_without_funds), signed in with GitHub.
  testing::browser signed_in_sponsor() {
    github.set_oauth_user(21031067, "Codertocat");
    testing::browser b;
    EXPECT_EQ(testing::sign_in(b, *service, github, "github", "https://bounty.example").status, 303u);
    return b;
  }

  testing::fake_stripe stripe{webhook_secret};
};

TEST_F(Payments, TheFundingPageChargesWhatIsMissingPlusTheSurcharge) {
  start();
  ASSERT_EQ(deposit("github", 21031067, 1000, "wire-1").status, 201u);  // $10 of the $50 are there
  const auto pledge = pledge_without_funds();
  const auto page = service->request("GET", "/fund/" + pledge);
  ASSERT_EQ(page.status, 200u);
  EXPECT_NE(page.body.find("Codertocat"), std::string::npos);
  EXPECT_NE(page.body.find("github:Codertocat/Hello-World#1"), std::string::npos);
  EXPECT_NE(page.body.find("$40.00"), std::string::npos) << page.body;  // missing
  EXPECT_NE(page.body.find("$1.46"), std::string::npos);  // 2.9% of $40.00 rounded down, plus $0.30
  EXPECT_NE(page.body.find("Pay $41.46 by card"), std::string::npos);
  EXPECT_NE(page.header("content-security-policy").find("form-action 'self' https://checkout.stripe.com " + stripe.base_url()),
            std::string::npos);

  const auto r = checkout(pledge);
  ASSERT_EQ(r.status, 303u) << r.body;
  const auto calls = matching(stripe.calls(), "POST", "/v1/checkout/sessions");
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(r.header("location"), stripe.base_url() + "/c/pay/cs_test_1");
  const auto& body = calls[0].body;
  for (const auto* field : {"mode=payment", "line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=usd",
                            "line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=4146", "line_items%5B0%5D%5Bquantity%5D=1",
                            "metadata%5Baccount%5D=user%3Agithub%3A21031067", "metadata%5Bsurcharge%5D=146"}) {
    EXPECT_NE(body.find(field), std::string::npos) << field << " in " << body;
  }
  EXPECT_NE(body.find("metadata%5Bpledge_id%5D=" + pledge), std::string::npos);
  EXPECT_EQ(calls[0].headers.at("authorization"), "Bearer sk_test_fake_key");
  EXPECT_TRUE(calls[0].headers.at("idempotency-key").starts_with("checkout-" + pledge + "-"));
  EXPECT_EQ(calls[0].headers.at("content-type"), "application/x-www-form-urlencoded");
}

TEST_F(Payments, APaidSessionHoldsThePledgeOnceWhateverIsReplayed) {
  start();
  const auto pledge = pledge_without_funds();
  ASSERT_EQ(checkout(pledge).status, 303u);
  const auto event = stripe.completed_event("cs_test_1", "evt_test_100");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(stripe.send_event(event), 200u);  // the same event three times
  // and the same session under another event id (Stripe may send it again as a new event)
  EXPECT_EQ(stripe.send_event(stripe.completed_event("cs_test_1", "evt_test_101")), 200u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM inbox WHERE platform = 'stripe' AND processed_at IS NOT NULL") == "2"; }));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox WHERE platform = 'stripe'"), "2");
  EXPECT_EQ(db.scalar("SELECT string_agg(outcome, ',' ORDER BY id) FROM inbox WHERE platform = 'stripe'"), "done,duplicate");
  EXPECT_EQ(db.scalar("SELECT state FROM pledges WHERE id = " + pledge), "held");
  EXPECT_EQ(bounty("github/Codertocat/Hello-World/1").at("held").as_int64(), 5000);
  // $50 + 2.9% ($1.45) + $0.30 was charged: $50 deposited, $1.75 to platform:processing.
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'platform:processing'"), "175");
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'external:stripe'"), "-5175");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM card_payments"), "1");
  EXPECT_EQ(available("github", 21031067), 0);
  // The status comment shows the held money.
  ASSERT_TRUE(github.wait_for([](const auto& calls) {
    for (const auto& c : calls)
      if ((c.method == "PATCH" || c.method == "POST") && c.body.find("$50.00") != std::string::npos &&
          c.body.find("held") != std::string::npos)
        return true;
    return false;
  }));
  EXPECT_EQ(service->request("GET", "/fund/" + pledge).body.find("Pay "), std::string::npos);  // nothing more to pay
  EXPECT_NE(service->request("GET", "/fund/" + pledge).body.find("held in escrow"), std::string::npos);
}

TEST_F(Payments, ABadOrStaleSignatureStoresNothing) {
  start();
  const auto pledge = pledge_without_funds();
  ASSERT_EQ(checkout(pledge).status, 303u);
  const auto event = stripe.completed_event("cs_test_1", "evt_test_200");
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_EQ(stripe.send_event(event, now - 301), 400u);  // stale
  EXPECT_EQ(stripe.send_event(event, now + 301), 400u);  // from the future
  const auto forged = service->request("POST", "/webhooks/stripe", event,
                                       {{"Stripe-Signature", testing::stripe_signature("whsec_attacker", now, event)}});
  EXPECT_EQ(forged.status, 400u);
  auto changed = event;
  changed.replace(changed.find("\"amount_total\":5175"), 19, "\"amount_total\":9999");
  const auto tampered = service->request("POST", "/webhooks/stripe", changed,
                                         {{"Stripe-Signature", testing::stripe_signature(webhook_secret, now, event)}});
  EXPECT_EQ(tampered.status, 400u);
  EXPECT_EQ(service->request("POST", "/webhooks/stripe", event).status, 400u);  // unsigned
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox WHERE platform = 'stripe'"), "0");
  // The old secret of a rotation still verifies.
  const auto old = service->request("POST", "/webhooks/stripe", event,
                                    {{"Stripe-Signature", testing::stripe_signature("whsec_test_old", now, event)}});
  EXPECT_EQ(old.status, 200u);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox WHERE platform = 'stripe'"), "1");
}

TEST_F(Payments, ADoubleClickCreatesOneSessionAndAFailingStripeChargesNothing) {
  start();
  const auto pledge = pledge_without_funds();
  stripe.fail_next(1, 500);
  const auto failed = checkout(pledge);
  EXPECT_EQ(failed.status, 502u);
  EXPECT_NE(failed.body.find("nothing was charged"), std::string::npos);
  std::string request_id;
  testing::browser b;
  const auto first = testing::submit_funding_form(b, *service, pledge, "", &request_id);
  ASSERT_EQ(first.status, 303u);
  // The same form again (same request_id): the same Idempotency-Key, so Stripe gives the same session.
  const auto again = testing::submit_funding_form(b, *service, pledge, request_id);
  EXPECT_EQ(again.header("location"), first.header("location"));
  const auto calls = matching(stripe.calls(), "POST", "/v1/checkout/sessions");
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].headers.at("idempotency-key"), calls[1].headers.at("idempotency-key"));
  // Without the cookie's token the form is refused and Stripe is not called.
  EXPECT_EQ(service->request("POST", "/fund/" + pledge + "/checkout", "csrf=x&request_id=" + request_id,
                             {{"Content-Type", "application/x-www-form-urlencoded"}})
                .status,
            403u);
  EXPECT_EQ(matching(stripe.calls(), "POST", "/v1/checkout/sessions").size(), 2u);
}

TEST_F(Payments, ACardDisputeFreezesThePayerUntilTheOperatorLiftsIt) {
  start(with_sign_in());
  const auto pledge = pledge_without_funds();
  ASSERT_EQ(checkout(pledge).status, 303u);
  ASSERT_EQ(stripe.send_event(stripe.completed_event("cs_test_1", "evt_pay_1")), 200u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT state FROM pledges WHERE id = " + pledge) == "held"; }));
  // The card's owner disputes the payment; Stripe sends the event twice.
  const auto dispute = stripe.dispute_created_event("dp_test_1", "pi_test_1", 5175, "usd", "evt_dp_1");
  EXPECT_EQ(stripe.send_event(dispute), 200u);
  EXPECT_EQ(stripe.send_event(dispute), 200u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM inbox WHERE platform = 'stripe' AND processed_at IS NULL") == "0"; }));
  EXPECT_EQ(db.scalar("SELECT string_agg(outcome, ',' ORDER BY id) FROM inbox WHERE platform = 'stripe'"), "done,done");
  // The operator sees it, with whom it froze.
  const auto listed = service->request("GET", "/api/v1/admin/card-disputes", "", {{"Authorization", "Bearer " + admin_token}});
  ASSERT_EQ(listed.status, 200u) << listed.body;
  const auto disputes = json::parse(listed.body).at("disputes").as_array();
  ASSERT_EQ(disputes.size(), 1u);
  EXPECT_EQ(disputes[0].at("id").as_string(), "dp_test_1");
  EXPECT_EQ(disputes[0].at("platform").as_string(), "github");
  EXPECT_EQ(disputes[0].at("user_id").as_int64(), 21031067);
  EXPECT_EQ(disputes[0].at("amount").as_int64(), 5175);
  EXPECT_EQ(disputes[0].at("currency").as_string(), "USD");
  EXPECT_EQ(disputes[0].at("reason").as_string(), "fraudulent");
  EXPECT_EQ(service->request("GET", "/api/v1/admin/card-disputes").status, 401u);

  // Frozen: a money pledge is refused with the reason, and so is a withdrawal; /me says why.
  ASSERT_EQ(deposit("github", 21031067, 2000, "wire-2").status, 201u);  // money still comes in
  deliver_github(testing::github_comment("/pledge $5", 21031067, "Codertocat", 2, 502), "g-2");
  ASSERT_TRUE(github.wait_for([](const auto& calls) {
    for (const auto& c : matching(calls, "POST", "/issues/2/comments"))
      if (c.body.find("`/pledge $5`: your account is frozen after a card dispute") != std::string::npos) return true;
    return false;
  }));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges"), "1");
  auto b = signed_in_sponsor();
  const auto me = b.get(*service, "/me");
  EXPECT_NE(me.body.find("Your account is frozen after a dispute"), std::string::npos) << me.body;
  const auto withdrawal = b.post(*service, "/me/withdrawals", "currency=USD&amount=&csrf=" + testing::hidden_input(me.body, "csrf") +
                                                                  "&request_id=" + testing::hidden_input(me.body, "request_id"));
  EXPECT_EQ(withdrawal.status, 409u);
  EXPECT_NE(withdrawal.body.find("frozen after a card dispute"), std::string::npos) << withdrawal.body;
  EXPECT_EQ(db.scalar("SELECT count(*) FROM payouts"), "0");
  EXPECT_EQ(available("github", 21031067), 2000);

  // The operator lifts it (once); the sponsor may pledge again.
  const auto cli = [&](std::vector<std::string> args) { return testing::run_bountybot(args, {{"BOUNTYBOT_DATABASE_URL", db.url()}}); };
  const auto listed_cli = cli({"card-disputes", "list"});
  EXPECT_NE(listed_cli.output.find("dp_test_1\tuser:github:21031067\t$51.75\tfraudulent"), std::string::npos) << listed_cli.output;
  EXPECT_EQ(cli({"card-disputes", "lift", "dp_test_1", "--note", ""}).exit_code, 1);
  const auto lifted = cli({"card-disputes", "lift", "dp_test_1", "--note", "Stripe ruled for us"});
  EXPECT_EQ(lifted.exit_code, 0) << lifted.output;
  EXPECT_EQ(cli({"card-disputes", "lift", "dp_test_1", "--note", "again"}).exit_code, 1);
  const auto after = service->request("POST", "/api/v1/admin/card-disputes/dp_test_1/lift", R"({"note":"again"})",
                                      {{"Authorization", "Bearer " + admin_token}});
  EXPECT_EQ(after.status, 409u);
  EXPECT_EQ(json::parse(service->request("GET", "/api/v1/admin/card-disputes", "", {{"Authorization", "Bearer " + admin_token}}).body)
                .at("disputes").as_array().size(), 0u);
  deliver_github(testing::github_comment("/pledge $5", 21031067, "Codertocat", 2, 503), "g-3");
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'") == "2"; }));
  EXPECT_EQ(b.get(*service, "/me").body.find("Your account is frozen"), std::string::npos);
}

TEST_F(Payments, ADisputeThatArrivesBeforeItsPaymentFreezesThePayerOnceThePaymentArrives) {
  start();
  const auto pledge = pledge_without_funds();
  ASSERT_EQ(checkout(pledge).status, 303u);
  ASSERT_EQ(stripe.send_event(stripe.dispute_created_event("dp_early", "pi_test_1", 5175, "usd", "evt_dp_early")), 200u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM card_disputes") == "1"; }));
  EXPECT_EQ(db.scalar("SELECT coalesce(user_id::text, 'nobody') FROM card_disputes"), "nobody");
  ASSERT_EQ(stripe.send_event(stripe.completed_event("cs_test_1", "evt_pay_late")), 200u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM card_payments") == "1"; }));
  EXPECT_EQ(db.scalar("SELECT user_id FROM card_disputes"), "21031067");
  EXPECT_EQ(db.scalar("SELECT frozen_since IS NOT NULL FROM users WHERE platform_id = 21031067"), "t");
}

TEST_F(Payments, AUserTopsUpTheirBalanceByCardAndReadsItInTheirLedger) {
  auto e = with_sign_in();
  e["BOUNTYBOT_MAX_DEPOSIT"] = "1000";
  start(e);
  const auto pledge = pledge_without_funds();  // $50 waiting for funds
  auto b = signed_in_sponsor();
  EXPECT_NE(b.get(*service, "/me").body.find("href=\"/me/deposit\""), std::string::npos);
  const auto page = b.get(*service, "/me/deposit");
  ASSERT_EQ(page.status, 200u) << page.body;
  EXPECT_NE(page.body.find("2.90% of the amount plus 30"), std::string::npos) << page.body;
  const auto form = [&](const std::string& amount, const std::string& request_id) {
    return "currency=USD&amount=" + amount + "&csrf=" + testing::hidden_input(page.body, "csrf") + "&request_id=" + request_id;
  };
  // Refused before Stripe is called: above BOUNTYBOT_MAX_DEPOSIT, not an amount, no CSRF token.
  const auto too_much = b.post(*service, "/me/deposit", form("1000.01", testing::hidden_input(page.body, "request_id")));
  EXPECT_EQ(too_much.status, 409u);
  EXPECT_NE(too_much.body.find("1000"), std::string::npos) << too_much.body;
  EXPECT_EQ(b.post(*service, "/me/deposit", form("fifty", testing::hidden_input(page.body, "request_id"))).status, 409u);
  EXPECT_EQ(b.post(*service, "/me/deposit", "currency=USD&amount=60&request_id=" + testing::hidden_input(page.body, "request_id")).status,
            403u);
  EXPECT_TRUE(matching(stripe.calls(), "POST", "/v1/checkout/sessions").empty());

  const auto r = b.post(*service, "/me/deposit", form("60", testing::hidden_input(page.body, "request_id")));
  ASSERT_EQ(r.status, 303u) << r.body;
  EXPECT_EQ(r.header("location"), stripe.base_url() + "/c/pay/cs_test_1");
  const auto calls = matching(stripe.calls(), "POST", "/v1/checkout/sessions");
  ASSERT_EQ(calls.size(), 1u);
  // $60 + 2.9% ($1.74) + $0.30 to the card; the account is the user's own.
  for (const auto* field : {"line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=6204", "metadata%5Bsurcharge%5D=204",
                            "metadata%5Baccount%5D=user%3Agithub%3A21031067", "success_url=https%3A%2F%2Fbounty.example%2Fme%3Fdeposited%3D1"}) {
    EXPECT_NE(calls[0].body.find(field), std::string::npos) << field << " in " << calls[0].body;
  }
  EXPECT_TRUE(calls[0].headers.at("idempotency-key").starts_with("deposit-user:github:21031067-"));
  ASSERT_EQ(stripe.send_event(stripe.completed_event("cs_test_1", "evt_top_1")), 200u);
  // The deposit holds the waiting pledge; the rest is on the balance.
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT state FROM pledges WHERE id = " + pledge) == "held"; }));
  EXPECT_EQ(available("github", 21031067), 1000);
  EXPECT_NE(b.get(*service, "/me?deposited=1").body.find("Stripe is confirming the payment"), std::string::npos);

  // The user's ledger through their API token, a page at a time.
  const auto tokens = b.get(*service, "/me/tokens");
  const auto created = b.post(*service, "/me/tokens", "name=books&csrf=" + testing::hidden_input(tokens.body, "csrf"));
  std::smatch m;
  ASSERT_TRUE(std::regex_search(created.body, m, std::regex("id=\"new-token\">(bbt_[A-Za-z0-9_-]{43})<")));
  const std::map<std::string, std::string> auth{{"Authorization", "Bearer " + m[1].str()}};
  const auto first = service->request("GET", "/api/v1/me/ledger?limit=1", "", auth);
  ASSERT_EQ(first.status, 200u) << first.body;
  const auto page1 = json::parse(first.body);
  ASSERT_EQ(page1.at("transfers").as_array().size(), 1u);
  const auto& hold = page1.at("transfers").as_array()[0];
  EXPECT_EQ(hold.at("kind").as_string(), "pledge_hold");
  EXPECT_EQ(hold.at("from").as_string(), "user:github:21031067:available");
  EXPECT_EQ(hold.at("amount").as_int64(), 5000);
  ASSERT_TRUE(page1.at("next").is_string());
  const auto second = json::parse(service->request("GET", std::string(page1.at("next").as_string()), "", auth).body);
  ASSERT_EQ(second.at("transfers").as_array().size(), 1u);
  const auto& dep = second.at("transfers").as_array()[0];
  EXPECT_EQ(dep.at("kind").as_string(), "deposit");
  EXPECT_EQ(dep.at("from").as_string(), "external:stripe");
  EXPECT_EQ(dep.at("to").as_string(), "user:github:21031067:available");
  EXPECT_EQ(dep.at("amount").as_int64(), 6000);
  EXPECT_EQ(dep.at("currency").as_string(), "USD");
  const auto third = json::parse(service->request("GET", std::string(second.at("next").as_string()), "", auth).body);
  EXPECT_TRUE(third.at("transfers").as_array().empty());
  EXPECT_TRUE(third.at("next").is_null());
  EXPECT_EQ(json::parse(service->request("GET", "/api/v1/me/ledger", "", auth).body).at("transfers").as_array().size(), 2u);
  EXPECT_EQ(service->request("GET", "/api/v1/me/ledger").status, 401u);
  EXPECT_EQ(service->request("GET", "/api/v1/me/ledger?limit=201", "", auth).status, 400u);
  EXPECT_EQ(service->request("GET", "/api/v1/me/ledger?before=x", "", auth).status, 400u);
  for (const auto* q : {"limit=0", "limit=-1", "before=0", "before=-5", "limit=1e3"}) {
    EXPECT_EQ(service->request("GET", std::string("/api/v1/me/ledger?") + q, "", auth).status, 400u) << q;
  }
}

TEST_F(Payments, WithoutStripeTheFundingPageExplainsHowToPayTheOperator) {
  service = std::make_unique<testing::service_process>(env());
  const auto pledge = pledge_without_funds();
  const auto page = service->request("GET", "/fund/" + pledge);
  ASSERT_EQ(page.status, 200u);
  EXPECT_NE(page.body.find("Card payments are not set up on this service"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("record a deposit of $50.00 for Codertocat (github user id\n21031067)"), std::string::npos);
  EXPECT_EQ(page.body.find("<form method=\"post\" action=\"/fund/"), std::string::npos);
  EXPECT_EQ(service->request("GET", "/fund/999999").status, 404u);
  EXPECT_EQ(service->request("POST", "/webhooks/stripe", "{}").status, 404u);  // no Stripe intake without a secret
}

}  // namespace
}  // namespace bountybot

namespace bountybot {
namespace {

// Our verifier against the signing of Stripe's own library (npm `stripe`, pinned in
// tests/fixtures): the header it makes for a real-shaped event verifies, under the right secret only.
TEST(StripeSignature, MatchesStripesOwnLibrary) {
  const std::string body = R"({"id":"evt_lib","object":"event","type":"checkout.session.completed"})";
  const std::int64_t t = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string command = "cd '" BOUNTYBOT_SOURCE_DIR "/tests/fixtures' && printf '%s' '" + body +
                              "' | node stripe_signature.mjs whsec_from_library " + std::to_string(t);
  std::string header;
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe) != nullptr) header += buf;
  ASSERT_EQ(::pclose(pipe), 0) << header;
  EXPECT_TRUE(header.starts_with("t=" + std::to_string(t) + ",v1=")) << header;
  EXPECT_TRUE(webhooks::verify_stripe_signature({"whsec_from_library"}, body, header, t));
  EXPECT_FALSE(webhooks::verify_stripe_signature({"whsec_other"}, body, header, t));
  EXPECT_EQ(header, testing::stripe_signature("whsec_from_library", t, body));  // and the fake signs alike
}

}  // namespace
}  // namespace bountybot
