// Inbox processing and the outbox on a real PostgreSQL, with a fake platform API.
#include "adapters/github/client.hpp"
#include "adapters/gitlab/events.hpp"
#include "jobs/outbox_sender.hpp"
#include "db/db.hpp"
#include "bot/store/store.hpp"
#include "escrow/store/store.hpp"
#include "tests/support/fake_platform.hpp"
#include "tests/support/payloads.hpp"
#include "tests/support/test_db.hpp"
#include "webhooks/inbox.hpp"
#include "jobs/inbox_worker.hpp"

#include <gtest/gtest.h>

#include <functional>

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
    jobs::worker_settings s;
    s.store.public_url = "https://bounty.example";
    jobs::inbox_worker w(db.url(), s);
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
    jobs::outbox_sender sender(db.url(), {{"github", std::make_shared<github::client>(api.base_url(), "t0ken")}},
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

TEST_F(Processing, ADeliveryStoredAsTextBeforeCompressionIsProcessed) {
  // Rows stored before migration 008 keep their body in the text column.
  deposit(21031067, 10000, "wire-1");
  {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    tx.exec_params0("INSERT INTO inbox (platform, delivery_id, event, payload) VALUES ('github', 'd-old', 'issue_comment', $1)",
                    testing::github_comment("/pledge $50"));
    tx.commit();
  }
  EXPECT_EQ(process(), 1);
  EXPECT_EQ(held(), "5000");
  EXPECT_EQ(db.scalar("SELECT outcome FROM inbox WHERE delivery_id = 'd-old'"), "done");
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

// A pledge and its withdrawal in one comment: the withdrawal names the pledge the same
// decision added, so the store maps it to the stored row before refunding or cancelling it.
TEST_F(Processing, APledgeWithdrawnInTheSameCommentIsRefundedAndSupportCancelled) {
  deposit(21031067, 10000, "wire-1");
  ASSERT_TRUE(store("d-1", testing::github_comment("/pledge $50\n/unpledge")));
  EXPECT_EQ(process(), 1);
  EXPECT_EQ(db.scalar("SELECT outcome FROM inbox WHERE delivery_id = 'd-1'"), "done");
  EXPECT_EQ(db.scalar("SELECT state FROM pledges"), "refunded");
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'user:github:21031067:available'"), "10000");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'refund'"), "1");
  ASSERT_TRUE(store("d-2", testing::github_comment("/support\n/unpledge", 21031067, "Codertocat", 2)));
  EXPECT_EQ(process(), 1);
  EXPECT_EQ(db.scalar("SELECT string_agg(state, ',' ORDER BY id) FROM pledges"), "refunded,cancelled");
}

// The delivery id is a header the signature does not cover: anyone who saw a delivery could
// resend its signed body under fresh ids. The event has effect once.
TEST_F(Processing, TheSameCommentUnderNewDeliveryIdsMovesMoneyOnce) {
  deposit(21031067, 10000, "wire-1");
  const auto body = testing::github_comment("/pledge $10", 21031067, "Codertocat", 1, 5150);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(store("replay-" + std::to_string(i), body));
  EXPECT_EQ(process(), 20);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges"), "1");
  EXPECT_EQ(held(), "1000");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox WHERE outcome = 'duplicate'"), "19");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM outbox WHERE kind = 'reaction'"), "1");
  EXPECT_EQ(db.scalar("SELECT delivery FROM event_causes WHERE cause = 'github:comment:5150'"), "github:replay-0");
}

TEST_F(Processing, AGitLabNoteAndAnAwardReplayedUnderNewIdsHaveEffectOnce) {
  std::unique_ptr<pqxx::connection> conn;
  db::transact(conn, db.url(), [&](pqxx::work& tx) {
    ASSERT_TRUE(bot::record_deposit(tx, {"gitlab", 7, "alice", 10000, "EUR", "w-7"}, bot::utc_time{}));
  });
  const auto note = testing::gitlab_note("/pledge 10 EUR", 7, "alice", 17, 6160);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store("uuid-" + std::to_string(i), note, "gitlab", "Note Hook"));
  EXPECT_EQ(process(), 5);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges"), "1");
  EXPECT_EQ(held(), "1000");
  // An award, its revocation, then the award's body again under a new id: the ballot stays revoked.
  auto award = boost::json::parse(testing::gitlab_emoji(7, "alice", 17, 6160, "thumbsup", true));
  award.as_object()["object_attributes"].as_object()["id"] = 31;
  auto revoke = award;
  revoke.as_object()["event_type"] = "revoke";
  const auto cause_of = [](const boost::json::value& v) {
    return std::get<bot::reaction_changed>(gitlab::translate("Emoji Hook", v, {})).cause;
  };
  EXPECT_EQ(cause_of(award), "gitlab:award:31:award");
  EXPECT_EQ(cause_of(revoke), "gitlab:award:31:revoke");
  std::unique_ptr<pqxx::connection> c2;
  db::transact(c2, db.url(), [&](pqxx::work& tx) {
    EXPECT_TRUE(bot::claim_cause(tx, cause_of(award)));
    EXPECT_FALSE(bot::claim_cause(tx, cause_of(award)));
    EXPECT_TRUE(bot::claim_cause(tx, cause_of(revoke)));
  });
}

// A close processed while the issue had no bounty did nothing; resent after sponsors pledged, it
// must still be that close, not a cancellation that refunds everyone.
TEST_F(Processing, ACloseReplayedAfterABountyAppearedDoesNotCancelIt) {
  const auto close = testing::github_issue_closed("not_planned", {});
  ASSERT_TRUE(store("close-1", close, "github", "issues"));
  process();
  deposit(21031067, 10000, "wire-1");
  ASSERT_TRUE(store("p-1", testing::github_comment("/pledge $50")));
  process();
  ASSERT_TRUE(store("close-again", close, "github", "issues"));
  process();
  EXPECT_EQ(db.scalar("SELECT outcome FROM inbox WHERE delivery_id = 'close-again'"), "duplicate");
  EXPECT_EQ(db.scalar("SELECT state FROM bounties"), "open");
  EXPECT_EQ(held(), "5000");
}

// Deliveries processed before causes were recorded get theirs from the stored payloads, so a body
// processed before the upgrade and resent after it has no second effect either.
TEST_F(Processing, DeliveriesProcessedBeforeTheUpgradeGetTheirCausesAndAreNotReplayable) {
  deposit(21031067, 10000, "wire-1");
  const auto body = testing::github_comment("/pledge $10", 21031067, "Codertocat", 1, 9191);
  ASSERT_TRUE(store("before-upgrade", body));
  process();
  // The state an older version left: the delivery processed, no cause recorded, the marker set.
  db.exec("DELETE FROM event_causes");
  db.exec("INSERT INTO event_cause_backfill (through_inbox_id) SELECT max(id) FROM inbox");
  jobs::inbox_worker w(db.url(), {});
  EXPECT_EQ(w.backfill_causes(), 1);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM event_cause_backfill"), "0");
  EXPECT_EQ(db.scalar("SELECT delivery FROM event_causes WHERE cause = 'github:comment:9191'"), "github:before-upgrade");
  EXPECT_EQ(w.backfill_causes(), 0);  // done once
  ASSERT_TRUE(store("after-upgrade", body));
  process();
  EXPECT_EQ(db.scalar("SELECT outcome FROM inbox WHERE delivery_id = 'after-upgrade'"), "duplicate");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges"), "1");
}

TEST_F(Processing, AGoalIsNotBypassedWhenAnAwaitingPledgeIsFundedLater) {
  // Goal $100, held $60 by a maintainer-free path: 21031067 pledges $60 (held), 555 pledges $100
  // (awaiting), then 555's deposit arrives: only the $40 of room is held, and 555 is told.
  deposit(21031067, 6000, "wire-1");
  ASSERT_TRUE(store("g-1", testing::github_comment("/pledge $60", 21031067, "Codertocat", 1, 7001)));
  ASSERT_TRUE(store("g-2", testing::github_comment("/pledge $100", 555, "latecomer", 1, 7002)));
  ASSERT_TRUE(store("g-3", testing::github_comment("/pledge $10", 556, "third", 1, 7003)));
  process();
  db.exec("UPDATE bounties SET goal_minor = 10000");
  std::unique_ptr<pqxx::connection> conn;
  db::transact(conn, db.url(), [&](pqxx::work& tx) {
    const auto r = bot::record_deposit(tx, {"github", 555, "latecomer", 10000, "USD", "wire-555"}, bot::utc_time{});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->held_pledges.size(), 1u);
  });
  EXPECT_EQ(held(), "10000");
  EXPECT_EQ(db.scalar("SELECT amount_minor FROM pledges WHERE user_id = 555"), "4000");
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'user:github:555:available'"), "6000");
  const auto reply = db.scalar("SELECT body FROM outbox WHERE kind = 'reply' AND body LIKE '%had room for%'");
  EXPECT_NE(reply.find("@latecomer"), std::string::npos) << reply;
  EXPECT_NE(reply.find("$40.00"), std::string::npos) << reply;
  // The third sponsor's awaiting pledge, on the bounty that is full now, is refused when its funds come.
  db::transact(conn, db.url(), [&](pqxx::work& tx) {
    const auto r = bot::record_deposit(tx, {"github", 556, "third", 1000, "USD", "wire-556"}, bot::utc_time{});
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->held_pledges.empty());
  });
  EXPECT_EQ(held(), "10000");
  EXPECT_EQ(db.scalar("SELECT state FROM pledges WHERE user_id = 556"), "cancelled");
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'user:github:556:available'"), "1000");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM outbox WHERE kind = 'reply' AND body LIKE '%@third%reached its goal%'"), "1");
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

TEST_F(Processing, DeliveriesOfOneIssueAreProcessedInTheOrderTheyArrived) {
  deposit(21031067, 10000, "wire-1");
  ASSERT_TRUE(store("o-1", testing::github_comment("/pledge $30", 21031067, "Codertocat", 1, 901)));
  ASSERT_TRUE(store("o-2", testing::github_comment("/unpledge", 21031067, "Codertocat", 1, 902)));
  ASSERT_TRUE(store("o-3", testing::github_comment("/pledge $20", 21031067, "Codertocat", 2, 903)));
  jobs::worker_settings s;
  s.store.public_url = "https://bounty.example";
  jobs::inbox_worker w(db.url(), s);
  EXPECT_EQ(w.key_pending(), 3);
  EXPECT_EQ(db.scalar("SELECT issue_key FROM inbox WHERE delivery_id = 'o-3'"), "github:Codertocat/Hello-World#2");
  {
    // Another worker is in the middle of the oldest delivery (issue 1): its row is locked.
    pqxx::connection other(db.url());
    pqxx::work busy(other);
    busy.exec("SELECT id FROM inbox WHERE delivery_id = 'o-1' FOR UPDATE");
    // This worker may take issue 2's delivery, but not issue 1's newer one.
    EXPECT_EQ(w.drain(), 1);
    EXPECT_EQ(db.scalar("SELECT delivery_id FROM inbox WHERE processed_at IS NOT NULL"), "o-3");
    EXPECT_EQ(db.scalar("SELECT issue_key FROM inbox WHERE delivery_id = 'o-2'"), "github:Codertocat/Hello-World#1");
  }
  // The other worker let go: the pledge comes first, then the unpledge refunds it.
  EXPECT_EQ(w.drain(), 2);
  EXPECT_EQ(db.scalar("SELECT string_agg(delivery_id, ',' ORDER BY processed_at, id) FROM inbox"), "o-3,o-1,o-2");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'"), "1");
  EXPECT_EQ(held(), "2000");
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

TEST_F(Processing, ARetryAfterATimeoutDoesNotPostTheCommentTwice) {
  deposit(21031067, 10000, "wire-1");
  store("d-1", testing::github_comment("/pledge $50", 21031067, "Codertocat", 1, 11));
  process();
  testing::fake_platform api;
  api.stall_next(1, std::chrono::milliseconds(2500), "/issues/1/comments");  // created, but the answer is lost
  jobs::outbox_sender sender(db.url(),
                                 {{"github", std::make_shared<github::client>(api.base_url(), "t0ken", std::chrono::seconds(1))}},
                                 {.max_attempts = 5, .first_backoff = std::chrono::seconds(0)});
  sender.drain();
  EXPECT_EQ(testing::matching(api.calls(), "POST", "/issues/1/comments").size(), 1u);
  EXPECT_EQ(db.scalar("SELECT status_comment_id FROM bounties"), "9000");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL"), "0");
}

TEST_F(Processing, OneBusyRepositoryDoesNotStarveTheOthers) {
  // Twenty calls queued for one repository, then one for another: the other goes second, not last.
  for (int i = 0; i < 10; ++i) store("busy-" + std::to_string(i), testing::github_comment("/bounty help", 1, "a", 1, 100 + i));
  auto other = boost::json::parse(testing::github_comment("/bounty help", 2, "b", 1, 999));
  other.as_object()["repository"].as_object()["id"] = 42;
  other.as_object()["repository"].as_object()["full_name"] = "quiet/repo";
  store("quiet-1", boost::json::serialize(other));
  process();
  testing::fake_platform api;
  send(api);
  const auto calls = api.calls();
  std::size_t position = 0;
  for (std::size_t i = 0; i < calls.size(); ++i)
    if (calls[i].target.find("/repos/quiet/repo/") != std::string::npos) { position = i; break; }
  EXPECT_LE(position, 2u) << "the quiet repository's first call waited behind the busy one's";
}

TEST_F(Processing, ARateLimitHoldsBackTheRestOfThatRepository) {
  store("d-1", testing::github_comment("/bounty help", 1, "a", 1, 11));
  process();
  testing::fake_platform api;
  api.fail_next(1, 429, {{"Retry-After", "120"}});
  send(api);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND next_attempt_at > now() + interval '100 seconds'"), "2");
  EXPECT_TRUE(api.calls().empty());
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

namespace bountybot {
namespace {

// Votes through the store (SPEC §7), with a maintainer check that says yes.
class Votes : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto [user, amount] : {std::pair{11, 10000}, std::pair{12, 5000}}) {
      run([&](pqxx::work& tx) {
        ASSERT_TRUE(bot::record_deposit(tx, {"github", user, "s" + std::to_string(user), amount, "USD", "w" + std::to_string(user)}, now));
      });
      comment("/pledge " + std::to_string(amount / 100), user, 100 + user);
    }
    run([&](pqxx::work& tx) {
      EXPECT_TRUE(bot::process_labels(tx, {"github:issue:1:labeled:accepted", issue(), {"github", 21, "maint"}, {"bounty: accepted"}, {}},
                          settings, now, yes));
    });
    comment("/bounty submit", 40, 300);
    vote_id = std::stoll(db.scalar("SELECT id FROM votes"));
  }
  void TearDown() override { EXPECT_EQ(db.ledger_problems(), std::vector<std::string>{}); }

  bot::issue_ref issue() { return {"github", 186853002, "Codertocat/Hello-World", 1, "https://github.com/Codertocat/Hello-World/issues/1"}; }
  void run(const std::function<void(pqxx::work&)>& f) {
    std::unique_ptr<pqxx::connection> conn;
    db::transact(conn, db.url(), f);
  }
  void comment(const std::string& body, std::int64_t user, std::int64_t id) {
    bot::comment_posted c{"github:comment:" + std::to_string(id), issue(), {"github", user, "u" + std::to_string(user)}, id, body};
    run([&](pqxx::work& tx) { EXPECT_TRUE(bot::process_comment(tx, c, settings, now, yes)); });
  }
  void reactions(const std::vector<std::pair<std::int64_t, std::string>>& r) {
    run([&](pqxx::work& tx) { bot::record_vote_reactions(tx, vote_id, r, settings, now); });
  }
  std::string vote_state() { return db.scalar("SELECT state FROM votes WHERE id = " + std::to_string(vote_id)); }

  testing::test_database db;
  bot::store_settings settings;
  bot::utc_time now = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  bot::maintainer_check yes = [](const bot::issue_ref&, const bot::user_ref&) { return true; };
  std::int64_t vote_id = 0;
};

TEST_F(Votes, WeightsAreSnapshottedWhenTheVoteOpensAndLaterPledgesDoNotVote) {
  run([&](pqxx::work& tx) { ASSERT_TRUE(bot::record_deposit(tx, {"github", 13, "late", 90000, "USD", "w13"}, now)); });
  comment("/pledge 900", 13, 113);
  EXPECT_EQ(db.scalar("SELECT sum(weight) FROM vote_voters"), "15000");
  reactions({{13, "-1"}});
  EXPECT_EQ(vote_state(), "open") << "a later sponsor's reaction is ignored";
}

TEST_F(Votes, OtherUsersReactionsAreIgnored) {
  reactions({{999, "-1"}, {40, "-1"}});  // a stranger and the solver himself
  EXPECT_EQ(vote_state(), "open");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM vote_voters WHERE ballot <> 'none'"), "0");
}

TEST_F(Votes, BothReactionsAbstainAndRemovingTheReactionWithdrawsTheVote) {
  reactions({{12, "+1"}, {12, "-1"}});
  EXPECT_EQ(db.scalar("SELECT ballot FROM vote_voters WHERE user_id = 12"), "abstain");
  reactions({{12, "-1"}});
  EXPECT_EQ(db.scalar("SELECT ballot FROM vote_voters WHERE user_id = 12"), "reject");
  reactions({});
  EXPECT_EQ(db.scalar("SELECT ballot FROM vote_voters WHERE user_id = 12"), "none");
  EXPECT_EQ(vote_state(), "open");
}

TEST_F(Votes, ApprovedEarlyWhenTwoThirdsOfTheEligibleWeightApproves) {
  reactions({{11, "+1"}});  // 10000 of 15000
  EXPECT_EQ(vote_state(), "approved");
  EXPECT_EQ(db.scalar("SELECT state FROM bounties"), "completed");
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'user:github:40:payable'"), "15000");
}

TEST_F(Votes, RejectedEarlyWhenMoreThanAThirdRejectsAndTheBountyReturnsToAccepted) {
  reactions({{12, "-1"}});  // 5000 of 15000 is exactly a third: not yet
  EXPECT_EQ(vote_state(), "open");
  reactions({{11, "-1"}});
  EXPECT_EQ(vote_state(), "rejected");
  EXPECT_EQ(db.scalar("SELECT state FROM bounties"), "accepted");
  EXPECT_EQ(db.scalar("SELECT rejections FROM milestones"), "1");
}

TEST_F(Votes, AtCloseTwoThirdsOfTheVotesCastDecide) {
  reactions({{12, "+1"}});  // 5000 approve, nobody rejects: not early
  EXPECT_EQ(vote_state(), "open");
  run([&](pqxx::work& tx) {
    tx.exec("UPDATE timers SET fire_at = now() - interval '1 second' WHERE kind = 'vote_close'");
  });
  run([&](pqxx::work& tx) { EXPECT_TRUE(bot::fire_next_timer(tx, settings, now + std::chrono::seconds{1})); });
  EXPECT_EQ(vote_state(), "approved");
}

TEST_F(Votes, SilenceRejectsWhenTheRepositorySaysSo) {
  settings.repo.silence = voting::silence_rule::reject;
  run([&](pqxx::work& tx) { tx.exec("UPDATE timers SET fire_at = now() - interval '1 second' WHERE kind = 'vote_close'"); });
  run([&](pqxx::work& tx) { EXPECT_TRUE(bot::fire_next_timer(tx, settings, now + std::chrono::seconds{1})); });
  EXPECT_EQ(vote_state(), "rejected");
}

TEST_F(Votes, ADeadlineDuringAnOpenVoteWaitsForTheVote) {
  run([&](pqxx::work& tx) { tx.exec("UPDATE timers SET fire_at = now() - interval '1 second' WHERE kind = 'pledge_deadline'"); });
  run([&](pqxx::work& tx) { EXPECT_TRUE(bot::fire_next_timer(tx, settings, now + std::chrono::seconds{1})); });
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges WHERE state = 'refunded'"), "0");
  EXPECT_EQ(db.scalar("SELECT count(*) FROM timers WHERE fired_at IS NULL AND fire_at > now() + interval '1 day'"), "2");
}

TEST_F(Votes, TwoRejectionsOfAMilestoneFlagTheBountyDisputed) {
  reactions({{11, "-1"}});
  comment("/bounty submit", 40, 301);
  vote_id = std::stoll(db.scalar("SELECT id FROM votes WHERE state = 'open'"));
  reactions({{11, "-1"}});
  EXPECT_EQ(db.scalar("SELECT disputed FROM bounties"), "t");
  comment("/bounty submit", 40, 302);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM votes WHERE state = 'open'"), "0") << "a disputed bounty takes no submission";
}

}  // namespace
}  // namespace bountybot
