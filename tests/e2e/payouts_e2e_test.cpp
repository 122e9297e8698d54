// Money out (SPEC §14): a solver whose milestone was released signs in, sets up payouts with the
// (fake) Stripe Connect, and is paid once by a transfer, whatever fails or is clicked twice; a
// reversed transfer brings the money back. Without Stripe, the operator's queue pays them.
#include "tests/e2e/service_fixture.hpp"
#include "tests/e2e/web_client.hpp"
#include "tests/support/fake_stripe.hpp"

namespace bountybot {
namespace {

using testing::browser;
using testing::hidden_input;

const std::string public_url = "https://bounty.example";

class Payouts : public Service {
 protected:
  void start(bool with_stripe) {
    std::map<std::string, std::string> e{{"BOUNTYBOT_SECRET_KEY", std::string(64, 'c')},
                                         {"BOUNTYBOT_GITHUB_WEB_URL", github.base_url()},
                                         {"BOUNTYBOT_GITHUB_CLIENT_ID", "gh-client"},
                                         {"BOUNTYBOT_GITHUB_CLIENT_SECRET", "gh-client-secret"},
                                         {"BOUNTYBOT_GITLAB_CLIENT_ID", "gl-client"},
                                         {"BOUNTYBOT_GITLAB_CLIENT_SECRET", "gl-client-secret"},
                                         {"BOUNTYBOT_VOTE_WINDOW", "2s"}};
    if (with_stripe) {
      e["BOUNTYBOT_STRIPE_SECRET_KEY"] = "sk_test_fake_key";
      e["BOUNTYBOT_STRIPE_WEBHOOK_SECRET"] = "whsec_payouts";
      e["BOUNTYBOT_STRIPE_API_URL"] = stripe.base_url();
    }
    service = std::make_unique<testing::service_process>(env(e));
    stripe.set_webhook_url(service->base_url() + "/webhooks/stripe");
  }

  /// A $100 bounty on issue 1 released to solver 40 ("solver") by a silent vote: $100 payable.
  void release_to_solver() {
    ASSERT_EQ(deposit("github", 11, 10000, "w-11").status, 201u);
    deliver_github(testing::github_comment("/pledge $100", 11, "sponsor1", 1, 101), "pledge-101");
    deliver_github(testing::github_label_event("labeled", "bounty: accepted", 21, "maint1"), "label-1", "issues");
    ASSERT_TRUE(eventually([&] { return db.scalar("SELECT state FROM bounties") == "accepted"; }));
    deliver_github(testing::github_comment_assigned("/bounty submit", 40, "solver", 300, {}), "sub-1");
    ASSERT_TRUE(eventually([&] { return payable("github", 40) == 10000; }, std::chrono::seconds(15)));
    // The release reply tells the solver where to collect.
    ASSERT_TRUE(github.wait_for([](const auto& calls) {
      for (const auto& c : matching(calls, "POST", "/issues/1/comments"))
        if (c.body.find("@solver: $100.00. Sign in at https://bounty.example/me/payouts to be paid out.") != std::string::npos)
          return true;
      return false;
    }));
  }

  browser signed_in_solver() {
    github.set_oauth_user(40, "solver");
    browser b;
    EXPECT_EQ(testing::sign_in(b, *service, github, "github", public_url).status, 303u);
    return b;
  }

  /// Opens /me/payouts and posts its payout form: the answer.
  adapters::http_response request_payout(browser& b, const std::string& amount = "", std::string request_id = "") {
    const auto page = b.get(*service, "/me/payouts");
    EXPECT_EQ(page.status, 200u) << page.body;
    if (request_id.empty()) request_id = hidden_input(page.body, "request_id");
    return b.post(*service, "/me/payouts",
                  "currency=USD&amount=" + amount + "&csrf=" + hidden_input(page.body, "csrf") + "&request_id=" + request_id);
  }

  /// Sets up payouts with the fake Stripe Connect from /me/payouts: the onboarding finishes and
  /// Stripe's account.updated enables them.
  void enable_payouts(browser& b) {
    const auto page = b.get(*service, "/me/payouts");
    ASSERT_EQ(b.post(*service, "/me/payouts/setup", "csrf=" + hidden_input(page.body, "csrf")).status, 303u);
    const adapters::http_client fake(stripe.base_url());
    EXPECT_EQ(fake.request("POST", "/connect/onboard/acct_test_1", "", {}).status, 303u);
    ASSERT_TRUE(eventually([&] { return db.scalar("SELECT payouts_enabled FROM payout_accounts") == "t"; }));
  }

  testing::fake_stripe stripe{"whsec_payouts"};
};

TEST_F(Payouts, ASolverSetsUpStripeAndIsPaidOnceEvenWhenStripeFailsFirst) {
  start(true);
  release_to_solver();
  auto b = signed_in_solver();
  // Before setting up, Stripe cannot pay them.
  const auto early = request_payout(b);
  EXPECT_EQ(early.status, 409u);
  EXPECT_NE(early.body.find("set up payouts first"), std::string::npos) << early.body;

  const auto page = b.get(*service, "/me/payouts");
  const auto setup = b.post(*service, "/me/payouts/setup", "csrf=" + hidden_input(page.body, "csrf"));
  ASSERT_EQ(setup.status, 303u) << setup.body;
  EXPECT_EQ(setup.header("location"), stripe.base_url() + "/connect/onboard/acct_test_1");
  const auto account_calls = matching(stripe.calls(), "POST", "/v1/accounts");
  ASSERT_EQ(account_calls.size(), 1u);
  EXPECT_NE(account_calls[0].body.find("type=express"), std::string::npos);
  EXPECT_NE(account_calls[0].body.find("capabilities%5Btransfers%5D%5Brequested%5D=true"), std::string::npos);
  EXPECT_FALSE(account_calls[0].headers.at("idempotency-key").empty());
  // The onboarding finishes at Stripe, which sends account.updated.
  const adapters::http_client fake(stripe.base_url());
  EXPECT_EQ(fake.request("POST", "/connect/onboard/acct_test_1", "", {}).status, 303u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT payouts_enabled FROM payout_accounts") == "t"; }));

  stripe.fail_next(1, 500);
  // Two payout forms (two tabs) sent in quick succession: the first books all $100, the second finds nothing left.
  const auto tab1 = b.get(*service, "/me/payouts").body, tab2 = b.get(*service, "/me/payouts").body;
  auto send = [&](const std::string& page) {
    return b.post(*service, "/me/payouts", "currency=USD&amount=&csrf=" + hidden_input(page, "csrf") +
                                               "&request_id=" + hidden_input(page, "request_id"));
  };
  const auto first = send(tab1);
  const auto second = send(tab2);
  EXPECT_EQ(first.status, 200u) << first.body;
  EXPECT_NE(first.body.find("is on its way through Stripe"), std::string::npos);
  EXPECT_EQ(second.status, 409u);
  EXPECT_NE(second.body.find("nothing to be paid out in USD"), std::string::npos) << second.body;
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT state FROM payouts") == "paid"; }, std::chrono::seconds(15)));
  const auto transfers = matching(stripe.calls(), "POST", "/v1/transfers");
  ASSERT_EQ(transfers.size(), 1u);  // the failed attempt was not taken; the retry was, under the same key
  const auto id = db.scalar("SELECT id FROM payouts");
  EXPECT_EQ(transfers[0].headers.at("idempotency-key"), "payout-" + id);
  EXPECT_NE(transfers[0].body.find("amount=10000"), std::string::npos);
  EXPECT_NE(transfers[0].body.find("currency=usd"), std::string::npos);
  EXPECT_NE(transfers[0].body.find("destination=acct_test_1"), std::string::npos);
  EXPECT_NE(transfers[0].body.find("metadata%5Bpayout_id%5D=" + id), std::string::npos);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM payouts"), "1");
  EXPECT_EQ(payable("github", 40), 0);
  EXPECT_EQ(db.scalar("SELECT attempts FROM payouts"), "1");

  // Stripe reverses the transfer: the money is payable again, once.
  const auto reference = db.scalar("SELECT reference FROM payouts");
  const auto reversal = stripe.transfer_reversed_event(reference, std::stoll(id), "evt_rev_1");
  EXPECT_EQ(stripe.send_event(reversal), 200u);
  EXPECT_EQ(stripe.send_event(stripe.transfer_reversed_event(reference, std::stoll(id), "evt_rev_2")), 200u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM inbox WHERE platform = 'stripe' AND processed_at IS NULL") == "0"; }));
  EXPECT_EQ(payable("github", 40), 10000);
  EXPECT_EQ(db.scalar("SELECT state FROM payouts"), "failed");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'payout_reversal'"), "1");
  EXPECT_NE(b.get(*service, "/me/payouts").body.find("reversed"), std::string::npos);
}

TEST_F(Payouts, AGitLabSolverSignsInWithGitLabAndIsPaidOnce) {
  start(true);
  // A 100 EUR bounty on GitLab issue 17, accepted by a maintainer and released to dev (31) by a silent vote.
  ASSERT_EQ(deposit("gitlab", 21, 10000, "w-21", "EUR").status, 201u);
  deliver_gitlab(testing::gitlab_note("/pledge 100 EUR", 21, "alice", 17, 2001), "n-1");
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'") == "1"; }));
  service->request("POST", "/webhooks/gitlab", testing::gitlab_labels(1001, "maint", 17, {}, {"bounty: accepted"}),
                   {{"X-Gitlab-Event", "Issue Hook"}, {"X-Gitlab-Token", gitlab_token}, {"X-Gitlab-Event-UUID", "l-1"}});
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT state FROM bounties") == "accepted"; }));
  deliver_gitlab(testing::gitlab_note("/bounty submit", 31, "dev", 17, 3001, {31}), "a-1");
  ASSERT_TRUE(eventually([&] { return payable("gitlab", 31, "EUR") == 10000; }, std::chrono::seconds(15)));

  gitlab.set_oauth_user(31, "dev");
  browser b;
  ASSERT_EQ(testing::sign_in(b, *service, gitlab, "gitlab", public_url).status, 303u);
  const auto page = b.get(*service, "/me/payouts");
  ASSERT_EQ(page.status, 200u);
  EXPECT_NE(page.body.find("€100.00"), std::string::npos) << page.body;
  enable_payouts(b);
  EXPECT_EQ(db.scalar("SELECT platform || ':' || platform_id FROM payout_accounts"), "gitlab:31");

  const auto form = b.get(*service, "/me/payouts").body;
  const auto body = "currency=EUR&amount=&csrf=" + hidden_input(form, "csrf") + "&request_id=" + hidden_input(form, "request_id");
  EXPECT_EQ(b.post(*service, "/me/payouts", body).status, 200u);
  EXPECT_EQ(b.post(*service, "/me/payouts", body).status, 200u);  // a double click: the same payout
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT state FROM payouts") == "paid"; }, std::chrono::seconds(15)));
  const auto transfers = matching(stripe.calls(), "POST", "/v1/transfers");
  ASSERT_EQ(transfers.size(), 1u);
  EXPECT_NE(transfers[0].body.find("amount=10000"), std::string::npos);
  EXPECT_NE(transfers[0].body.find("currency=eur"), std::string::npos);
  EXPECT_EQ(db.scalar("SELECT platform || ':' || user_id FROM payouts"), "gitlab:31");
  EXPECT_EQ(payable("gitlab", 31, "EUR"), 0);
}

TEST_F(Payouts, ARetryAfterStripeForgotTheKeyFindsTheEarlierTransferAndPaysOnce) {
  start(true);
  release_to_solver();
  auto b = signed_in_solver();
  enable_payouts(b);
  stripe.lose_next_answers(1);  // Stripe makes the transfer, but its answer never arrives
  ASSERT_EQ(request_payout(b).status, 200u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT attempts FROM payouts") == "1"; }));
  db.exec("UPDATE payouts SET next_attempt_at = now() + interval '1 hour'");  // hold the retry
  ASSERT_EQ(db.scalar("SELECT state FROM payouts"), "requested");
  // A day passes before the retry: Stripe has forgotten the Idempotency-Key by then.
  stripe.forget_idempotency_keys();
  db.exec("UPDATE payouts SET requested_at = requested_at - interval '25 hours', next_attempt_at = now(); NOTIFY bountybot_payouts");
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT state FROM payouts") == "paid"; }, std::chrono::seconds(15)));
  const auto transfers = matching(stripe.calls(), "POST", "/v1/transfers");
  ASSERT_EQ(transfers.size(), 1u);  // the lost one: the retry found it instead of paying again
  const auto id = db.scalar("SELECT id FROM payouts");
  EXPECT_NE(transfers[0].body.find("transfer_group=payout-" + id), std::string::npos) << transfers[0].body;
  ASSERT_EQ(matching(stripe.calls(), "GET", "/v1/transfers?transfer_group=payout-" + id).size(), 1u);
  EXPECT_TRUE(db.scalar("SELECT reference FROM payouts").starts_with("tr_test_"));
  EXPECT_EQ(payable("github", 40), 0);
}

TEST_F(Payouts, TheSameFormTwiceBooksOnePayout) {
  start(false);
  release_to_solver();
  auto b = signed_in_solver();
  const auto page = b.get(*service, "/me/payouts");
  const auto rid = hidden_input(page.body, "request_id");
  EXPECT_EQ(request_payout(b, "40", rid).status, 200u);
  EXPECT_EQ(request_payout(b, "40", rid).status, 200u);  // a double click: the same request_id
  EXPECT_EQ(db.scalar("SELECT count(*) FROM payouts"), "1");
  EXPECT_EQ(payable("github", 40), 6000);
  // Refusals change nothing.
  EXPECT_NE(request_payout(b, "5").body.find("the smallest payout is $10.00"), std::string::npos);
  EXPECT_NE(request_payout(b, "61").body.find("more than your payable balance of $60.00"), std::string::npos);
  EXPECT_NE(request_payout(b, "1.234").body.find("decimals"), std::string::npos);
  const auto no_csrf = b.post(*service, "/me/payouts", "currency=USD&request_id=" + rid);
  EXPECT_EQ(no_csrf.status, 403u);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM payouts"), "1");
  EXPECT_EQ(payable("github", 40), 6000);
}

TEST_F(Payouts, WithoutStripeTheOperatorsQueuePaysASolverEndToEnd) {
  start(false);
  release_to_solver();
  auto b = signed_in_solver();
  const auto r = request_payout(b);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("is requested: the operator pays it"), std::string::npos);
  EXPECT_EQ(payable("github", 40), 0);
  const auto listed = service->request("GET", "/api/v1/admin/payouts?state=requested", "", {{"Authorization", "Bearer " + admin_token}});
  ASSERT_EQ(listed.status, 200u);
  const auto payouts = json::parse(listed.body).at("payouts").as_array();
  ASSERT_EQ(payouts.size(), 1u);
  EXPECT_EQ(payouts[0].at("user_id").as_int64(), 40);
  EXPECT_EQ(payouts[0].at("amount").as_int64(), 10000);
  EXPECT_EQ(payouts[0].at("currency").as_string(), "USD");
  EXPECT_EQ(payouts[0].at("state").as_string(), "requested");
  const auto id = std::to_string(payouts[0].at("id").as_int64());
  const auto cli = testing::run_bountybot({"payouts", "list"}, {{"BOUNTYBOT_DATABASE_URL", db.url()}});
  EXPECT_EQ(cli.exit_code, 0);
  EXPECT_NE(cli.output.find(id + "\tpayout\tgithub:40\t$100.00\tmanual\trequested"), std::string::npos) << cli.output;

  const auto paid = service->request("POST", "/api/v1/admin/payouts/" + id + "/paid", R"({"reference":"SEPA-2026-12-03-1"})",
                                     {{"Authorization", "Bearer " + admin_token}});
  ASSERT_EQ(paid.status, 200u) << paid.body;
  EXPECT_EQ(json::parse(paid.body).at("state").as_string(), "paid");
  EXPECT_EQ(service->request("POST", "/api/v1/admin/payouts/" + id + "/paid", R"({"reference":"again"})",
                             {{"Authorization", "Bearer " + admin_token}}).status, 409u);
  EXPECT_EQ(service->request("POST", "/api/v1/admin/payouts/" + id + "/paid", R"({"reference":"x"})").status, 401u);
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'external:manual' AND currency = 'USD'"), "0");
  EXPECT_NE(b.get(*service, "/me/payouts").body.find("paid"), std::string::npos);
}

TEST_F(Payouts, AFailedManualPayoutIsPayableAgain) {
  start(false);
  release_to_solver();
  auto b = signed_in_solver();
  ASSERT_EQ(request_payout(b, "30").status, 200u);
  const auto id = db.scalar("SELECT id FROM payouts");
  const auto failed = testing::run_bountybot({"payouts", "failed", id, "--reason", "the IBAN was refused"},
                                             {{"BOUNTYBOT_DATABASE_URL", db.url()}});
  EXPECT_EQ(failed.exit_code, 0) << failed.output;
  EXPECT_EQ(payable("github", 40), 10000);
  EXPECT_EQ(testing::run_bountybot({"payouts", "failed", id, "--reason", "twice"}, {{"BOUNTYBOT_DATABASE_URL", db.url()}}).exit_code, 1);
  EXPECT_EQ(payable("github", 40), 10000);
  EXPECT_NE(b.get(*service, "/me/payouts").body.find("the IBAN was refused"), std::string::npos);
}

TEST_F(Payouts, UnspentCardMoneyIsWithdrawnAsARefundOfThatPayment) {
  start(true);
  // Codertocat pays $80 by card (the fake's paid session), then withdraws part of it.
  ASSERT_EQ(deliver_github(testing::github_comment("/pledge $80", 21031067, "Codertocat", 1, 501), "g-1").status, 202u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges") == "1"; }));
  const auto pledge = db.scalar("SELECT id FROM pledges");
  browser payer;
  ASSERT_EQ(testing::submit_funding_form(payer, *service, pledge).status, 303u);
  // The session charges $80 for the pledge; say the sponsor then cancels it: all $80 are available again.
  ASSERT_EQ(stripe.send_event(stripe.completed_event("cs_test_1", "evt_w_1")), 200u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT state FROM pledges") == "held"; }));
  deliver_github(testing::github_comment("/unpledge", 21031067, "Codertocat", 1, 502), "g-2");
  ASSERT_TRUE(eventually([&] { return available("github", 21031067) == 8000; }));
  ASSERT_EQ(deposit("github", 21031067, 1500, "wire-7").status, 201u);  // $15 that did not come by card

  github.set_oauth_user(21031067, "Codertocat");
  browser b;
  ASSERT_EQ(testing::sign_in(b, *service, github, "github", public_url).status, 303u);
  auto withdraw = [&](const std::string& amount) {
    const auto me = b.get(*service, "/me");
    return b.post(*service, "/me/withdrawals", "currency=USD&amount=" + amount + "&csrf=" + hidden_input(me.body, "csrf") +
                                                   "&request_id=" + hidden_input(me.body, "request_id"));
  };
  const auto too_much = withdraw("96");
  EXPECT_EQ(too_much.status, 409u);
  EXPECT_NE(too_much.body.find("more than your available balance of $95.00"), std::string::npos) << too_much.body;
  const auto ok = withdraw("20");
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_NE(ok.body.find("Withdrawal of $20.00 is being refunded to your card."), std::string::npos);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT state FROM payouts") == "paid"; }, std::chrono::seconds(15)));
  const auto refunds = matching(stripe.calls(), "POST", "/v1/refunds");
  ASSERT_EQ(refunds.size(), 1u);
  EXPECT_NE(refunds[0].body.find("payment_intent=pi_test_1"), std::string::npos) << refunds[0].body;
  EXPECT_NE(refunds[0].body.find("amount=2000"), std::string::npos);
  EXPECT_EQ(refunds[0].headers.at("idempotency-key"), "withdrawal-" + db.scalar("SELECT id FROM payouts"));
  EXPECT_EQ(available("github", 21031067), 7500);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'withdrawal'"), "1");
  EXPECT_NE(b.get(*service, "/me").body.find("withdrawal"), std::string::npos);
  // Beyond what came by card ($60 left of it), the rest is a request to the operator.
  const auto mixed = withdraw("70");
  ASSERT_EQ(mixed.status, 200u) << mixed.body;
  EXPECT_NE(mixed.body.find("Withdrawal of $70.00: $60.00 is being refunded to your card, and the operator returns the rest."),
            std::string::npos)
      << mixed.body;
  EXPECT_EQ(db.scalar("SELECT string_agg(provider || ':' || amount_minor, ',' ORDER BY part) FROM payouts WHERE id > "
                      "(SELECT min(id) FROM payouts)"),
            "stripe:6000,manual:1000");
  EXPECT_EQ(available("github", 21031067), 500);
  // The card cannot take the first refund after all: Stripe's refund.failed gives the $20 back, once.
  const auto first = db.scalar("SELECT min(id) FROM payouts");
  const auto refund = db.scalar("SELECT reference FROM payouts WHERE id = " + first);
  EXPECT_EQ(stripe.send_event(stripe.refund_failed_event(refund, std::stoll(first), "evt_rf_1")), 200u);
  EXPECT_EQ(stripe.send_event(stripe.refund_failed_event(refund, std::stoll(first), "evt_rf_2")), 200u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM inbox WHERE platform = 'stripe' AND processed_at IS NULL") == "0"; }));
  EXPECT_EQ(db.scalar("SELECT state || ':' || reason FROM payouts WHERE id = " + first),
            "failed:Stripe could not refund the card (expired_or_canceled_card)");
  EXPECT_EQ(available("github", 21031067), 2500);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'payout_reversal'"), "1");
}

TEST_F(Payouts, WithoutStripeAWithdrawalIsRequestedFromTheOperator) {
  start(false);
  ASSERT_EQ(deposit("github", 40, 3000, "wire-40").status, 201u);
  release_to_solver();
  auto b = signed_in_solver();
  const auto me = b.get(*service, "/me");
  const auto r = b.post(*service, "/me/withdrawals",
                        "currency=USD&amount=&csrf=" + hidden_input(me.body, "csrf") + "&request_id=" + hidden_input(me.body, "request_id"));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_NE(r.body.find("Withdrawal of $30.00 is requested: the operator returns it."), std::string::npos);
  EXPECT_EQ(available("github", 40), 0);
  EXPECT_EQ(payable("github", 40), 10000);  // earnings are paid out, not withdrawn
  const auto id = db.scalar("SELECT id FROM payouts WHERE kind = 'withdrawal'");
  const auto failed = service->request("POST", "/api/v1/admin/payouts/" + id + "/failed", R"({"reason":"no bank details"})",
                                       {{"Authorization", "Bearer " + admin_token}});
  ASSERT_EQ(failed.status, 200u) << failed.body;
  EXPECT_EQ(json::parse(failed.body).at("kind").as_string(), "withdrawal");
  EXPECT_EQ(available("github", 40), 3000);  // back where it came from
}

}  // namespace
}  // namespace bountybot
