// The whole service over loopback: the real binary, a real PostgreSQL, fake GitHub and GitLab
// APIs that record what the bot sends, and deliveries signed the way the platforms sign them.
#include "tests/e2e/service_fixture.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <thread>

namespace bountybot {
namespace {

TEST_F(Service, PledgeOnAGitHubIssueIsHeldInEscrowAndShownInOneStatusComment) {
  service = std::make_unique<testing::service_process>(env());
  ASSERT_EQ(deposit("github", 21031067, 10000, "wire-1").status, 201u);

  const auto body = testing::github_comment("Happy to help!\n/pledge $50", 21031067, "Codertocat", 1, 501);
  const auto res = deliver_github(body, "f0a1c6e0-0001");
  EXPECT_EQ(res.status, 202u) << res.body;

  ASSERT_TRUE(github.wait_for([](const auto& calls) {
    return has_reaction(calls, 501, "+1") && !matching(calls, "POST", "/issues/1/comments").empty();
  })) << "no status comment and reaction";
  const auto status = matching(github.calls(), "POST", "/repos/Codertocat/Hello-World/issues/1/comments");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_NE(status[0].body.find("$50.00"), std::string::npos) << status[0].body;

  const auto b = bounty("github/Codertocat/Hello-World/1");
  EXPECT_EQ(b.at("state").as_string(), "open");
  EXPECT_EQ(b.at("currency").as_string(), "USD");
  EXPECT_EQ(b.at("held").as_int64(), 5000);
  EXPECT_EQ(b.at("sponsors").as_int64(), 1);
  EXPECT_EQ(b.at("issue").at("url").as_string(), "https://github.com/Codertocat/Hello-World/issues/1");

  // A second pledge edits the same status comment instead of posting another.
  deliver_github(testing::github_comment("/pledge 10", 21031067, "Codertocat", 1, 502), "f0a1c6e0-0002");
  ASSERT_TRUE(github.wait_for([](const auto& calls) { return !matching(calls, "PATCH", "/issues/comments/9000").empty(); }));
  EXPECT_EQ(matching(github.calls(), "POST", "/issues/1/comments").size(), 1u);
  EXPECT_EQ(bounty("github/Codertocat/Hello-World/1").at("held").as_int64(), 6000);

  const auto metrics = service->request("GET", "/metrics").body;
  EXPECT_NE(metrics.find(R"(bountybot_deliveries_total{platform="github",event="issue_comment",outcome="accepted"} 2)"),
            std::string::npos) << metrics;
  EXPECT_NE(metrics.find(R"(bountybot_held_minor{currency="USD"} 6000)"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("bountybot_open_bounties 1"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find(R"(bountybot_inbox_processed_total{platform="github",outcome="done"} 2)"), std::string::npos)
      << metrics;

  const auto account = service->request("GET", "/api/v1/admin/accounts/github/21031067", "",
                                        {{"Authorization", "Bearer " + admin_token}});
  EXPECT_EQ(json::parse(account.body).at("balances").at("USD").at("available").as_int64(), 4000);
}

TEST_F(Service, ARedeliveredDeliveryChangesNothing) {
  service = std::make_unique<testing::service_process>(env());
  deposit("github", 21031067, 10000, "wire-1");
  const auto body = testing::github_comment("/pledge $50", 21031067, "Codertocat", 1, 501);
  EXPECT_EQ(deliver_github(body, "dup-1").status, 202u);
  ASSERT_TRUE(github.wait_for([](const auto& calls) { return has_reaction(calls, 501, "+1"); }));
  EXPECT_EQ(deliver_github(body, "dup-1").status, 200u);
  EXPECT_EQ(bounty("github/Codertocat/Hello-World/1").at("held").as_int64(), 5000);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox"), "1");
}

TEST_F(Service, TheOperatorCanReadAStoredDeliveryAsItWasReceived) {
  service = std::make_unique<testing::service_process>(env());
  const auto body = testing::github_comment("/pledge $50", 21031067, "Codertocat", 1, 502);
  EXPECT_EQ(deliver_github(body, "shown-1").status, 202u);
  const auto shown = testing::run_bountybot({"inbox", "show", "github:shown-1"}, {{"BOUNTYBOT_DATABASE_URL", db.url()}});
  EXPECT_EQ(shown.exit_code, 0) << shown.output;
  EXPECT_NE(shown.output.find("event issue_comment"), std::string::npos) << shown.output;
  EXPECT_NE(shown.output.find(body + "\n"), std::string::npos) << "the body, byte for byte";
  const auto missing = testing::run_bountybot({"inbox", "show", "github:no-such"}, {{"BOUNTYBOT_DATABASE_URL", db.url()}});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.output.find("no delivery github:no-such"), std::string::npos) << missing.output;
}

TEST_F(Service, TwoInstancesOnOneDatabaseTakeTheSameDeliveryOnce) {
  service = std::make_unique<testing::service_process>(env());
  testing::service_process other(env());
  deposit("github", 21031067, 10000, "wire-1");
  const auto body = testing::github_comment("/pledge $30", 21031067, "Codertocat", 1, 601);
  const auto headers = std::map<std::string, std::string>{{"X-GitHub-Event", "issue_comment"},
                                                          {"X-GitHub-Delivery", "both-1"},
                                                          {"X-Hub-Signature-256", testing::github_signature(github_secret, body)}};
  adapters::http_response a, b;
  std::thread t1([&] { a = service->request("POST", "/webhooks/github", body, headers); });
  std::thread t2([&] { b = other.request("POST", "/webhooks/github", body, headers); });
  t1.join();
  t2.join();
  EXPECT_EQ(std::min(a.status, b.status), 200u);
  EXPECT_EQ(std::max(a.status, b.status), 202u);
  ASSERT_TRUE(github.wait_for([](const auto& calls) { return has_reaction(calls, 601, "+1"); }));
  EXPECT_EQ(bounty("github/Codertocat/Hello-World/1").at("held").as_int64(), 3000);
  EXPECT_EQ(matching(github.calls(), "POST", "/comments/601/reactions").size(), 1u);
}

TEST_F(Service, GitHubAppInstallationTokensAuthenticateCallsAndMissedDeliveriesAreRedelivered) {
  // An App key, and a delivery history in which one event never reached the service.
  const std::string key_file = ::testing::TempDir() + "/app-key.pem";
  ASSERT_EQ(std::system(("openssl genrsa -out " + key_file + " 2048 2>/dev/null").c_str()), 0);
  github.set_hook_deliveries(R"([
    {"id": 11, "guid": "g-ok", "delivered_at": "2099-01-01T00:00:00Z", "status_code": 202, "event": "issues"},
    {"id": 12, "guid": "g-missed", "delivered_at": "2099-01-01T00:00:00Z", "status_code": 502, "event": "issue_comment"},
    {"id": 13, "guid": "g-missed", "delivered_at": "2099-01-01T00:00:01Z", "status_code": 0, "event": "issue_comment"},
    {"id": 14, "guid": "g-stored", "delivered_at": "2099-01-01T00:00:00Z", "status_code": 500, "event": "issues"}])");
  {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    tx.exec("INSERT INTO inbox (platform, delivery_id, event, payload, processed_at, outcome) "
            "VALUES ('github', 'g-stored', 'issues', '{}', now(), 'ignored')");
    tx.commit();
  }
  auto e = env({{"BOUNTYBOT_GITHUB_APP_ID", "123"}, {"BOUNTYBOT_GITHUB_PRIVATE_KEY_FILE", key_file}});
  e.erase("BOUNTYBOT_GITHUB_TOKEN");
  service = std::make_unique<testing::service_process>(e);
  ASSERT_TRUE(github.wait_for([](const auto& c) { return !matching(c, "POST", "/app/hook/deliveries/").empty(); }));
  const auto asked = matching(github.calls(), "POST", "/app/hook/deliveries/");
  ASSERT_EQ(asked.size(), 1u);
  EXPECT_EQ(asked[0].target, "/app/hook/deliveries/13/attempts");

  deposit("github", 21031067, 10000, "wire-1");
  deliver_github(testing::github_comment("/pledge $10", 21031067, "Codertocat", 1, 701), "app-1");
  deliver_github(testing::github_comment("/pledge $10", 21031067, "Codertocat", 1, 702), "app-2");
  ASSERT_TRUE(github.wait_for([](const auto& c) { return has_reaction(c, 701, "+1") && has_reaction(c, 702, "+1"); }));
  const auto calls = github.calls();
  for (const auto& c : matching(calls, "POST", "/reactions")) {
    EXPECT_EQ(c.headers.at("authorization"), "Bearer ghs_installation_token");
  }
  const auto minted = matching(calls, "POST", "/app/installations/4242/access_tokens");
  ASSERT_EQ(minted.size(), 1u) << "the installation token is cached";
  const auto& jwt = minted[0].headers.at("authorization");
  EXPECT_EQ(std::count(jwt.begin(), jwt.end(), '.'), 2) << jwt;

  // installation events are recorded.
  auto install = testing::github_example("installation", "created");
  EXPECT_EQ(deliver_github(json::serialize(install), "inst-1", "installation").status, 202u);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT last_action FROM github_installations") == "installation.created"; }));
}

TEST_F(Service, ADeadCallIsListedAndSentOnceRetriedByTheOperator) {
  github.fail_next(100, 404);  // every call fails for good: parked as dead
  service = std::make_unique<testing::service_process>(env());
  deliver_github(testing::github_comment("/bounty help", 21031067, "Codertocat", 1, 801), "dead-1");
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM outbox WHERE dead") == "2"; }));
  const auto listed = testing::run_bountybot({"outbox", "list", "--dead"}, {{"BOUNTYBOT_DATABASE_URL", db.url()}});
  EXPECT_NE(listed.output.find("2 call(s) not sent"), std::string::npos) << listed.output;
  EXPECT_NE(listed.output.find("answered 404"), std::string::npos) << listed.output;
  github.fail_next(0, 404);
  const auto retried = testing::run_bountybot({"outbox", "retry"}, {{"BOUNTYBOT_DATABASE_URL", db.url()}});
  EXPECT_NE(retried.output.find("2 dead call(s) queued again"), std::string::npos) << retried.output;
  ASSERT_TRUE(github.wait_for([](const auto& c) { return has_reaction(c, 801, "+1"); }));
  EXPECT_EQ(matching(github.calls(), "POST", "/issues/1/comments").size(), 1u);
}

TEST_F(Service, IntakeAnswersEveryStatusCodeOfTheSpec) {
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_MAX_BODY_BYTES", "65536"}}));
  const auto body = testing::github_comment("/pledge $50");
  // 401: bad and missing signatures.
  EXPECT_EQ(service->request("POST", "/webhooks/github", body,
                             {{"X-GitHub-Event", "issue_comment"}, {"X-GitHub-Delivery", "a"},
                              {"X-Hub-Signature-256", testing::github_signature("wrong", body)}}).status, 401u);
  EXPECT_EQ(service->request("POST", "/webhooks/github", body,
                             {{"X-GitHub-Event", "issue_comment"}, {"X-GitHub-Delivery", "a"}}).status, 401u);
  // 400: missing headers, malformed JSON.
  EXPECT_EQ(service->request("POST", "/webhooks/github", body,
                             {{"X-GitHub-Delivery", "a"}, {"X-Hub-Signature-256", testing::github_signature(github_secret, body)}}).status, 400u);
  EXPECT_EQ(deliver_github("{\"action\":", "b").status, 400u);
  // 200: ping and ignored event types.
  EXPECT_EQ(deliver_github(json::serialize(testing::github_example("ping", "")), "c", "ping").status, 200u);
  EXPECT_EQ(deliver_github("{\"action\":\"started\"}", "d", "watch").status, 200u);
  // 413: over the body limit.
  const std::string big = "{\"x\":\"" + std::string(70000, 'a') + "\"}";
  EXPECT_EQ(deliver_github(big, "e").status, 413u);
  // 405 / 404.
  EXPECT_EQ(service->request("GET", "/webhooks/github").status, 405u);
  EXPECT_EQ(service->request("GET", "/nowhere").status, 404u);
  EXPECT_EQ(service->request("GET", "/api/v1/bounties/github/Codertocat/Hello-World/99").status, 404u);
  // GitLab: 401 / 400.
  EXPECT_EQ(service->request("POST", "/webhooks/gitlab", "{}", {{"X-Gitlab-Event", "Note Hook"}, {"X-Gitlab-Token", "no"},
                                                              {"X-Gitlab-Event-UUID", "u"}}).status, 401u);
  EXPECT_EQ(service->request("POST", "/webhooks/gitlab", "{}", {{"X-Gitlab-Token", gitlab_token}}).status, 400u);
  // Nothing was stored for any rejected request.
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox"), "0");
  // Health.
  EXPECT_EQ(service->request("GET", "/healthz").status, 200u);
  EXPECT_EQ(service->request("GET", "/readyz").status, 200u);
}

TEST_F(Service, AdminRoutesNeedTheBearerTokenAndAmountsMustBeIntegers) {
  service = std::make_unique<testing::service_process>(env());
  const std::string body = R"({"platform":"github","user_id":1,"amount":5000,"currency":"USD","reference":"r"})";
  EXPECT_EQ(service->request("POST", "/api/v1/admin/deposits", body).status, 401u);
  EXPECT_EQ(service->request("POST", "/api/v1/admin/deposits", body, {{"Authorization", "Bearer nope"}}).status, 401u);
  const std::string floaty = R"({"platform":"github","user_id":1,"amount":50.0,"currency":"USD","reference":"r"})";
  EXPECT_EQ(service->request("POST", "/api/v1/admin/deposits", floaty, {{"Authorization", "Bearer " + admin_token}}).status, 400u);
  EXPECT_EQ(deposit("github", 1, 5000, "r").status, 201u);
  EXPECT_EQ(deposit("github", 1, 5000, "r").status, 200u);
  EXPECT_EQ(deposit("github", 1, 7000, "r").status, 409u);
  EXPECT_EQ(deposit("github", 1, 7000, "x", "XYZ").status, 400u);
}

// Deposits near INT64_MAX once answered 500 and pinned external:manual for everyone; NUL bytes
// were cut off, so `n\0two` became the reference `n`. Both get a 400 with the reason now.
TEST_F(Service, ADepositOverTheBoundOrWithControlCharactersIs400AndChangesNothing) {
  service = std::make_unique<testing::service_process>(env());
  const auto huge = deposit("github", 1, INT64_MAX - 1, "huge");
  EXPECT_EQ(huge.status, 400u);
  EXPECT_NE(huge.body.find("at most $1,000,000.00"), std::string::npos) << huge.body;
  const auto nul = service->request(
      "POST", "/api/v1/admin/deposits",
      R"({"platform":"github","user_id":1,"amount":5000,"currency":"USD","reference":"n\u0000two"})",
      {{"Authorization", "Bearer " + admin_token}});
  EXPECT_EQ(nul.status, 400u) << nul.body;
  EXPECT_NE(nul.body.find("control characters"), std::string::npos) << nul.body;
  EXPECT_EQ(deposit("github", 1, 5000, "n").status, 201u);  // `n` was never taken by the NUL one
  EXPECT_EQ(available("github", 1), 5000);
  // A lower bound set by the operator.
  service.reset();
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_MAX_DEPOSIT", "100"}}));
  EXPECT_EQ(deposit("github", 1, 10001, "over").status, 400u);
  EXPECT_EQ(deposit("github", 1, 10000, "at").status, 201u);
}

// Anyone who sees a delivery (repository admins can, in GitHub's delivery log) could resend its
// signed body under fresh delivery ids: 200 copies of one `/pledge $10` made 200 held pledges.
TEST_F(Service, OneSignedCommentResentUnder50DeliveryIdsToTwoInstancesMakesOnePledge) {
  service = std::make_unique<testing::service_process>(env());
  testing::service_process other(env());
  deposit("github", 21031067, 100000, "wire-1");
  const auto body = testing::github_comment("/pledge $10", 21031067, "Codertocat", 1, 8080);
  std::vector<unsigned> statuses(50);
  std::vector<std::thread> senders;
  for (int i = 0; i < 50; ++i) {
    senders.emplace_back([&, i] {
      auto& to = i % 2 == 0 ? *service : other;
      statuses[static_cast<std::size_t>(i)] =
          to.request("POST", "/webhooks/github", body,
                     {{"X-GitHub-Event", "issue_comment"},
                      {"X-GitHub-Delivery", "resent-" + std::to_string(i)},
                      {"X-Hub-Signature-256", testing::github_signature(github_secret, body)}})
              .status;
    });
  }
  for (auto& t : senders) t.join();
  for (auto s : statuses) EXPECT_EQ(s, 202u);  // each is a new delivery id, stored
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM inbox WHERE processed_at IS NOT NULL") == "50"; }));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges"), "1");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'pledge_hold'"), "1");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox WHERE outcome = 'duplicate'"), "49");
  EXPECT_EQ(bounty("github/Codertocat/Hello-World/1").at("held").as_int64(), 1000);
  EXPECT_EQ(available("github", 21031067), 99000);
  ASSERT_TRUE(github.wait_for([](const auto& calls) { return has_reaction(calls, 8080, "+1"); }));
  EXPECT_EQ(matching(github.calls(), "POST", "/comments/8080/reactions").size(), 1u);
}

TEST_F(Service, PledgeWithoutFundsAsksForThemAndIsHeldAfterTheDeposit) {
  service = std::make_unique<testing::service_process>(env());
  deliver_github(testing::github_comment("/pledge $50", 21031067, "Codertocat", 1, 501), "g-1");
  ASSERT_TRUE(github.wait_for([](const auto& calls) {
    for (const auto& c : matching(calls, "POST", "/issues/1/comments"))
      if (c.body.find("https://bounty.example/fund/") != std::string::npos) return true;
    return false;
  }));
  EXPECT_EQ(bounty("github/Codertocat/Hello-World/1").at("held").as_int64(), 0);
  const auto r = deposit("github", 21031067, 5000, "wire-9");
  ASSERT_EQ(r.status, 201u);
  EXPECT_EQ(json::parse(r.body).at("held_pledges").as_array().size(), 1u);
  EXPECT_EQ(bounty("github/Codertocat/Hello-World/1").at("held").as_int64(), 5000);
}

TEST_F(Service, GitLabNotesWorkTheSameWay) {
  service = std::make_unique<testing::service_process>(env());
  deposit("gitlab", 7, 20000, "wire-1", "EUR");
  EXPECT_EQ(deliver_gitlab(testing::gitlab_note("/pledge 150 EUR", 7, "alice", 17, 1241), "uuid-1").status, 202u);
  ASSERT_TRUE(gitlab.wait_for([](const auto& calls) {
    return !matching(calls, "POST", "/api/v4/projects/5/issues/17/notes/1241/award_emoji").empty() &&
           !matching(calls, "POST", "/api/v4/projects/5/issues/17/notes").empty();
  }));
  const auto calls = gitlab.calls();
  EXPECT_EQ(matching(calls, "POST", "/award_emoji")[0].body, R"({"name":"thumbsup"})");
  EXPECT_EQ(matching(calls, "POST", "/award_emoji")[0].headers.at("private-token"), "glpat-test");
  const auto b = bounty("gitlab/gitlab-org/gitlab-test/17");
  EXPECT_EQ(b.at("currency").as_string(), "EUR");
  EXPECT_EQ(b.at("held").as_int64(), 15000);
  // A pledge in another currency is refused with a reply naming the bounty's.
  deliver_gitlab(testing::gitlab_note("/pledge $5", 7, "alice", 17, 1242), "uuid-2");
  ASSERT_TRUE(gitlab.wait_for([](const auto& calls) {
    for (const auto& c : matching(calls, "POST", "/issues/17/notes"))
      if (c.body.find("this bounty is in EUR") != std::string::npos) return true;
    return false;
  }));
  EXPECT_TRUE(gitlab.wait_for([](const auto& calls) {
    for (const auto& c : matching(calls, "POST", "/notes/1242/award_emoji"))
      if (c.body.find("confused") != std::string::npos) return true;
    return false;
  }));
}

TEST_F(Service, ACrashAfterTheAcknowledgementLosesNothing) {
  // Workers off: the delivery is acknowledged and stored, then the process dies.
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_WORKERS", "0"}}));
  deposit("github", 21031067, 10000, "wire-1");
  EXPECT_EQ(deliver_github(testing::github_comment("/pledge $25", 21031067, "Codertocat", 1, 777), "crash-1").status, 202u);
  service->kill_hard();
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges"), "0");
  service = std::make_unique<testing::service_process>(env());
  ASSERT_TRUE(github.wait_for([](const auto& calls) { return has_reaction(calls, 777, "+1"); }));
  EXPECT_EQ(bounty("github/Codertocat/Hello-World/1").at("held").as_int64(), 2500);
}

TEST_F(Service, ReplayFeedsARecordedDeliveryThroughTheIntakeInDryRun) {
  service = std::make_unique<testing::service_process>(env());
  deposit("github", 21031067, 10000, "wire-1");
  service.reset();
  const std::string file = ::testing::TempDir() + "/delivery.json";
  {
    std::ofstream out(file);
    out << json::serialize(json::object{{"platform", "github"},
                                        {"event", "issue_comment"},
                                        {"payload", json::parse(testing::github_comment("/pledge $50"))}});
  }
  const auto r = testing::run_bountybot({"replay", file}, {{"BOUNTYBOT_DATABASE_URL", db.url()}, {"BOUNTYBOT_DRY_RUN", "1"}});
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("would post a comment"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("$50.00"), std::string::npos) << r.output;
  const auto again = testing::run_bountybot({"replay", file}, {{"BOUNTYBOT_DATABASE_URL", db.url()}, {"BOUNTYBOT_DRY_RUN", "1"}});
  EXPECT_NE(again.output.find("already received"), std::string::npos) << again.output;
  EXPECT_EQ(db.scalar("SELECT sum(amount_minor) FROM pledges WHERE state = 'held'"), "5000");
  EXPECT_TRUE(github.calls().empty()) << "dry run sends nothing";
}

// The route table's refusals, seen from outside: 400 and 404 as text; 405 in the route's format
// (text for health, metrics and intake, JSON for the API), before the admin API's 401.
TEST_F(Service, RoutesRefuseInTheFormatOfTheirRoute) {
  service = std::make_unique<testing::service_process>(env());
  const std::map<std::string, std::string> admin{{"Authorization", "Bearer " + admin_token}};
  struct expected {
    std::string method, target;
    std::map<std::string, std::string> headers;
    unsigned status;
    std::string body;
  };
  const std::vector<expected> cases = {
      {"POST", "/healthz", {}, 405, "method not allowed\n"},
      {"POST", "/metrics", {}, 405, "method not allowed\n"},
      {"PUT", "/readyz", {}, 405, "method not allowed\n"},
      {"GET", "/webhooks/gitlab", {}, 405, "method not allowed\n"},
      {"POST", "/./webhooks/github", {}, 405, "method not allowed\n"},  // intake matches the decoded path whole
      {"GET", "/healthz/", {}, 404, "not found\n"},
      {"GET", "/%zz", {}, 400, "bad request target\n"},
      {"POST", "/api/v1/bounties/github/Codertocat/Hello-World/1", {}, 405, "{\"error\":\"method not allowed\"}\n"},
      {"GET", "/api/v1/bounties/github/1", {}, 404, "not found\n"},
      {"GET", "/api/v1/bounties/github//Codertocat/Hello-World/x", {}, 404, "{\"error\":\"no such bounty\"}\n"},
      {"GET", "/api/v1/admin/deposits", {}, 405, "{\"error\":\"method not allowed\"}\n"},  // 405 before 401
      {"GET", "/api/v1/admin/bounties/github/o/r/1/resolve", {}, 405, "{\"error\":\"method not allowed\"}\n"},
      {"POST", "/api/v1/admin/bounties/github/o/r/1/resolve", {}, 401, "{\"error\":\"admin token required\"}\n"},
      {"GET", "/api/v1/admin/accounts/github/1", {{"Authorization", "bearer " + admin_token}}, 401,
       "{\"error\":\"admin token required\"}\n"},
      {"GET", "/api/v1/admin/accounts/github/x", admin, 404, "{\"error\":\"no such account\"}\n"},
      {"GET", "/api/v1/admin/accounts/github/1/", admin, 404, "not found\n"},
      {"POST", "/api/v1/admin/bounties/github/1/resolve", admin, 404, "not found\n"},
      {"GET", "/api/v1/admin/nothing", admin, 404, "not found\n"},
  };
  for (const auto& c : cases) {
    const auto r = service->request(c.method, c.target, c.method == "GET" ? "" : "{}", c.headers);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.target;
    EXPECT_EQ(r.body, c.body) << c.method << " " << c.target;
  }
}

// Without a webhook secret or an admin token, their routes do not exist: every method, and every
// path under /api/v1/admin/, is 404 as text.
TEST_F(Service, RoutesWithoutTheirSecretDoNotExist) {
  service = std::make_unique<testing::service_process>(env(
      {{"BOUNTYBOT_GITHUB_WEBHOOK_SECRET", ""}, {"BOUNTYBOT_GITLAB_WEBHOOK_TOKEN", ""}, {"BOUNTYBOT_ADMIN_TOKEN", ""}}));
  const std::map<std::string, std::string> admin{{"Authorization", "Bearer " + admin_token}};
  for (const std::string method : {"GET", "POST"}) {
    for (const std::string target : {"/webhooks/github", "/webhooks/gitlab", "/api/v1/admin/deposits",
                                     "/api/v1/admin/accounts/github/1", "/api/v1/admin/bounties/github/o/r/1/resolve",
                                     "/api/v1/admin/nothing"}) {
      const auto r = service->request(method, target, method == "GET" ? "" : "{}", admin);
      EXPECT_EQ(r.status, 404u) << method << " " << target;
      EXPECT_EQ(r.body, "not found\n") << method << " " << target;
    }
  }
  EXPECT_EQ(service->request("GET", "/healthz").status, 200u);
}

}  // namespace
}  // namespace bountybot
