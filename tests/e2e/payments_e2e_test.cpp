// Money in by card (SPEC §14) against a fake Stripe: the funding page, the Checkout Session it
// creates, and the signed event that deposits the money and holds the awaiting pledge, once.
#include "tests/e2e/service_fixture.hpp"
#include "tests/e2e/web_client.hpp"

#include "tests/support/fake_stripe.hpp"
#include "webhooks/signature.hpp"


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
