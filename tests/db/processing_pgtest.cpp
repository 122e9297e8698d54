// Inbox processing and the outbox on a real PostgreSQL, with a fake platform API.
#include "adapters/github/client.hpp"
#include "adapters/outbox_sender.hpp"
#include "app/db.hpp"
#include "bot/store.hpp"
#include "escrow/store.hpp"
#include "tests/support/fake_platform.hpp"
#include "tests/support/payloads.hpp"
#include "tests/support/test_db.hpp"
#include "webhooks/inbox.hpp"
#include "webhooks/worker.hpp"

#include <gtest/gtest.h>

namespace bountybot {
namespace {

class Processing : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(db.ledger_problems(), std::vector<std::string>{}); }

  bool store(const std::string& id, const std::string& payload, const std::string& platform = "github",
             const std::string& event = "issue_comment") {
    bool stored = false;
    std::unique_ptr<pqxx::connection> conn;
    db::transact(conn, db.url(), [&](pqxx::work& tx) { stored = webhooks::store_delivery(tx, {platform, id, event, payload}); });
    return stored;
  }

  int process() {
    webhooks::worker_settings s;
    s.store.public_url = "https://bounty.example";
    webhooks::inbox_worker w(db.url(), s);
    return w.drain();
  }

  void deposit(std::int64_t user, std::int64_t amount, const std::string& reference) {
    std::unique_ptr<pqxx::connection> conn;
    db::transact(conn, db.url(), [&](pqxx::work& tx) {
      ASSERT_TRUE(bot::record_deposit(tx, {"github", user, "Codertocat", amount, "USD", reference},
                                      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now())));
    });
  }

  int send(testing::fake_platform& api) {
    adapters::outbox_sender sender(db.url(), {{"github", std::make_shared<github::client>(api.base_url(), "t0ken")}},
                                   {.max_attempts = 3, .first_backoff = std::chrono::seconds(0)});
    return sender.drain();
  }

  std::string held() {
    return db.scalar("SELECT coalesce(sum(amount_minor), 0) FROM pledges WHERE state = 'held'");
  }

  testing::test_database db;
};

TEST_F(Processing, PledgeAfterADepositIsHeldInEscrow) {
  deposit(21031067, 10000, "wire-1");
  ASSERT_TRUE(store("d-1", testing::github_comment("/pledge $50")));
  EXPECT_EQ(process(), 1);
  EXPECT_EQ(held(), "5000");
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name LIKE 'bounty:%:escrow'"), "5000");
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'user:github:21031067:available'"), "5000");
  EXPECT_EQ(db.scalar("SELECT outcome FROM inbox WHERE delivery_id = 'd-1'"), "done");
}

TEST_F(Processing, ARedeliveryHasNoEffect) {
  deposit(21031067, 10000, "wire-1");
  ASSERT_TRUE(store("d-1", testing::github_comment("/pledge $50")));
  process();
  EXPECT_FALSE(store("d-1", testing::github_comment("/pledge $50")));
  EXPECT_EQ(process(), 0);
  EXPECT_EQ(held(), "5000");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers"), "2");
}

TEST_F(Processing, AnUnfundedPledgeAwaitsAndIsHeldWhenTheDepositArrives) {
  ASSERT_TRUE(store("d-1", testing::github_comment("/pledge $50")));
  process();
  EXPECT_EQ(held(), "0");
  EXPECT_EQ(db.scalar("SELECT state FROM pledges"), "awaiting_funds");
  const auto reply = db.scalar("SELECT body FROM outbox WHERE kind = 'reply'");
  EXPECT_NE(reply.find("$50.00 short"), std::string::npos) << reply;
  EXPECT_NE(reply.find("https://bounty.example/fund/" + db.scalar("SELECT id FROM pledges")), std::string::npos) << reply;
  deposit(21031067, 5000, "wire-1");
  EXPECT_EQ(db.scalar("SELECT state FROM pledges"), "held");
  EXPECT_EQ(held(), "5000");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM outbox WHERE kind = 'status'"), "2");
}

TEST_F(Processing, UnpledgeRefundsToAvailable) {
  deposit(21031067, 10000, "wire-1");
  store("d-1", testing::github_comment("/pledge $50"));
  store("d-2", testing::github_comment("/unpledge", 21031067, "Codertocat", 1, 2));
  EXPECT_EQ(process(), 2);
  EXPECT_EQ(held(), "0");
  EXPECT_EQ(db.scalar("SELECT state FROM pledges"), "refunded");
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'user:github:21031067:available'"), "10000");
}

TEST_F(Processing, AMalformedPayloadFailsAndChangesNothing) {
  auto broken = boost::json::parse(testing::github_comment("/pledge $50"));
  broken.as_object()["comment"].as_object().erase("user");
  store("d-1", boost::json::serialize(broken));
  EXPECT_EQ(process(), 1);
  EXPECT_EQ(db.scalar("SELECT outcome FROM inbox"), "failed");
  EXPECT_NE(db.scalar("SELECT last_error FROM inbox").find("comment.user.id"), std::string::npos);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges"), "0");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM outbox"), "0");
}

TEST_F(Processing, ADeliveryStoredBeforeACrashIsProcessedByTheNextWorker) {
  ASSERT_TRUE(store("d-1", testing::github_comment("/support")));
  // No worker ran: this is the state a crash right after the 202 leaves behind.
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox WHERE processed_at IS NULL"), "1");
  EXPECT_EQ(process(), 1);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges"), "1");
}

TEST_F(Processing, BotCommentsAndPlainCommentsChangeNothing) {
  store("d-1", testing::github_comment("<!-- bountybot -->\n/pledge $50"));
  store("d-2", testing::github_comment("Looks good to me"));
  EXPECT_EQ(process(), 2);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM bounties"), "0");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM outbox"), "0");
}

TEST_F(Processing, OutboxCreatesOneStatusCommentThenEditsIt) {
  deposit(21031067, 10000, "wire-1");
  store("d-1", testing::github_comment("/pledge $50", 21031067, "Codertocat", 1, 11));
  process();
  testing::fake_platform api;
  EXPECT_EQ(send(api), 3);  // status comment, `bounty` label, reaction
  store("d-2", testing::github_comment("/pledge $10", 21031067, "Codertocat", 1, 12));
  process();
  send(api);
  const auto calls = api.calls();
  const auto created = testing::matching(calls, "POST", "/repos/Codertocat/Hello-World/issues/1/comments");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_NE(created[0].body.find("$50.00"), std::string::npos);
  EXPECT_EQ(created[0].headers.at("authorization"), "Bearer t0ken");
  EXPECT_EQ(created[0].headers.at("x-github-api-version"), "2022-11-28");
  const auto edited = testing::matching(calls, "PATCH", "/repos/Codertocat/Hello-World/issues/comments/9000");
  ASSERT_EQ(edited.size(), 1u);
  EXPECT_NE(edited[0].body.find("$60.00"), std::string::npos);
  const auto reactions = testing::matching(calls, "POST", "/reactions");
  ASSERT_EQ(reactions.size(), 2u);
  EXPECT_NE(reactions[0].target.find("/issues/comments/11/reactions"), std::string::npos);
  EXPECT_NE(reactions[0].body.find("\"+1\""), std::string::npos);
}

TEST_F(Processing, RefusedCommandGetsConfusedAndAReplySayingWhy) {
  store("d-1", testing::github_comment("/pledge 1e3", 21031067, "Codertocat", 1, 11));
  process();
  testing::fake_platform api;
  send(api);
  const auto calls = api.calls();
  const auto reactions = testing::matching(calls, "POST", "/issues/comments/11/reactions");
  ASSERT_EQ(reactions.size(), 1u);
  EXPECT_NE(reactions[0].body.find("confused"), std::string::npos);
  const auto replies = testing::matching(calls, "POST", "/issues/1/comments");
  ASSERT_EQ(replies.size(), 1u);
  EXPECT_NE(replies[0].body.find("exponents"), std::string::npos);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM bounties"), "0");
}

TEST_F(Processing, OutboxRetriesServerErrorsAndParksClientErrors) {
  store("d-1", testing::github_comment("/bounty help", 21031067, "Codertocat", 1, 11));
  process();
  testing::fake_platform api;
  api.fail_next(1, 502);
  send(api);  // first attempt fails; rescheduled with no backoff (first_backoff 0) plus jitter 0
  send(api);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL"), "0");
  EXPECT_EQ(testing::matching(api.calls(), "POST", "/issues/1/comments").size(), 1u);

  store("d-2", testing::github_comment("/bounty help", 21031067, "Codertocat", 1, 12));
  process();
  api.fail_next(5, 404);
  send(api);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM outbox WHERE dead"), "2");  // the reply and the reaction
}

}  // namespace
}  // namespace bountybot
