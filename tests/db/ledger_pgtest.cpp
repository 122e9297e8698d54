// The ledger store and deposits on a real PostgreSQL (SPEC §3).
#include "db/db.hpp"
#include "bot/store/store.hpp"
#include "escrow/store/store.hpp"
#include "tests/support/test_db.hpp"
#include "webhooks/batcher.hpp"
#include "webhooks/inbox.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

namespace bountybot {
namespace {

const bot::utc_time now = *bot::parse_deadline("2026-11-21T12:00:00Z");

class Ledger : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(db.ledger_problems(), std::vector<std::string>{}); }

  result<bot::deposit_result> deposit(std::int64_t user, std::int64_t amount, const std::string& currency,
                                      const std::string& reference) {
    std::unique_ptr<pqxx::connection> conn;
    result<bot::deposit_result> r = make_problem(problem_code::none, "");
    db::transact(conn, db.url(), [&](pqxx::work& tx) {
      r = bot::record_deposit(tx, {"github", user, "user", amount, currency, reference}, now);
    });
    return r;
  }

  std::int64_t available(std::int64_t user, const std::string& currency) {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    return escrow::balance_of(tx, escrow::available_account("github", user), currency);
  }

  testing::test_database db;
};

TEST_F(Ledger, DepositCreditsAvailableFromTheExternalAccount) {
  const auto r = deposit(7, 5000, "USD", "wire-1");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->created);
  EXPECT_EQ(available(7, "USD"), 5000);
  EXPECT_EQ(db.scalar("SELECT balance_minor FROM accounts WHERE name = 'external:manual'"), "-5000");
}

// A deposit near INT64_MAX once pinned `external:manual`, so every later deposit in that
// currency failed for everyone with a 500. Deposits are bounded, and every balance change is
// checked for overflow before it is written.
TEST_F(Ledger, ADepositOverTheBoundIsRefusedAndChangesNothing) {
  const auto r = deposit(7, 100'000'001, "USD", "big");  // 1,000,000.01 USD
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, problem_code::amount);
  EXPECT_NE(r.error().message.find("$1,000,000.00"), std::string::npos) << r.error().message;
  EXPECT_TRUE(deposit(7, 100'000'000, "USD", "just-right"));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM deposits"), "1");
}

TEST_F(Ledger, ABalanceThatWouldOverflowIsRefusedAndTheLedgerStaysUsable) {
  std::unique_ptr<pqxx::connection> conn;
  const std::int64_t huge = INT64_MAX - 10;
  db::transact(conn, db.url(), [&](pqxx::work& tx) {
    ASSERT_TRUE(bot::record_deposit(tx, {"github", 7, "user", huge, "JPY", "huge"}, now, INT64_MAX));
  });
  EXPECT_THROW(db::transact(conn, db.url(), [&](pqxx::work& tx) {
                 (void)bot::record_deposit(tx, {"github", 7, "user", 100, "JPY", "more"}, now, INT64_MAX);
               }),
               escrow::ledger_refusal);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM deposits"), "1");
  EXPECT_EQ(available(7, "JPY"), huge);
  // Another user's deposit that fits still goes through: the refusal left nothing half-written.
  EXPECT_TRUE(deposit(8, 5, "JPY", "other"));
}

// A refund the ledger cannot take (the sponsor's balance at the int64 limit) must not stop the
// timers due after it: the refused one is put back an hour, the next one fires.
TEST_F(Ledger, ATimerTheLedgerRefusesIsPutBackAndLaterTimersStillFire) {
  std::unique_ptr<pqxx::connection> conn;
  const auto run = [&](const std::function<void(pqxx::work&)>& f) { db::transact(conn, db.url(), f); };
  bot::store_settings settings;
  const bot::issue_ref issue{"github", 186853002, "Codertocat/Hello-World", 1, "https://github.com/Codertocat/Hello-World/issues/1"};
  const bot::maintainer_check no = [](const bot::issue_ref&, const bot::user_ref&) { return false; };
  run([&](pqxx::work& tx) { ASSERT_TRUE(bot::record_deposit(tx, {"github", 7, "rich", 10, "JPY", "a"}, now)); });
  run([&](pqxx::work& tx) { ASSERT_TRUE(bot::record_deposit(tx, {"github", 8, "other", 10, "JPY", "b"}, now)); });
  for (auto [user, id] : {std::pair{7, 1}, std::pair{8, 2}}) {
    bot::comment_posted c{"github:comment:" + std::to_string(id), issue, {"github", user, "u"}, id,
                          "/pledge 5 JPY until 2026-11-22"};
    run([&](pqxx::work& tx) { EXPECT_TRUE(bot::process_comment(tx, c, settings, now, no)); });
  }
  // User 7's balance is brought to the limit from another provider: refunding 5 would overflow it.
  run([&](pqxx::work& tx) {
    bot::deposit_request big{"github", 7, "rich", INT64_MAX - 5, "JPY", "big"};
    big.provider = "wire";
    ASSERT_TRUE(bot::record_deposit(tx, big, now, INT64_MAX));
  });
  const auto later = now + std::chrono::days{2};
  run([&](pqxx::work& tx) { EXPECT_TRUE(bot::fire_next_timer(tx, settings, later)); });  // 7's: refused, put back
  run([&](pqxx::work& tx) { EXPECT_TRUE(bot::fire_next_timer(tx, settings, later)); });  // 8's: refunded
  EXPECT_EQ(available(8, "JPY"), 10);
  EXPECT_EQ(db.scalar("SELECT state FROM pledges WHERE user_id = 7"), "held");
  run([&](pqxx::work& tx) { EXPECT_FALSE(bot::fire_next_timer(tx, settings, later)); });  // nothing else due now
  EXPECT_EQ(db.scalar("SELECT count(*) FROM timers WHERE fired_at IS NULL AND fire_at = '2026-11-23 13:00:00+00'"), "1");
}

TEST_F(Ledger, ReferencesAndLoginsWithControlCharactersAreRefusedNotCut) {
  const auto nul = deposit(7, 5000, "USD", std::string("n\0two", 5));
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error().code, problem_code::reference);
  std::unique_ptr<pqxx::connection> conn;
  result<bot::deposit_result> r = make_problem(problem_code::none, "");
  db::transact(conn, db.url(), [&](pqxx::work& tx) {
    r = bot::record_deposit(tx, {"github", 7, std::string("al\0ice", 6), 5000, "USD", "n"}, now);
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, problem_code::login);
  EXPECT_TRUE(deposit(7, 5000, "USD", "n"));  // the reference `n` was never taken
  EXPECT_EQ(db.scalar("SELECT reference FROM deposits"), "n");
}

TEST_F(Ledger, SameReferenceTwiceMovesMoneyOnce) {
  ASSERT_TRUE(deposit(7, 5000, "USD", "wire-1"));
  const auto again = deposit(7, 5000, "USD", "wire-1");
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created);
  EXPECT_EQ(available(7, "USD"), 5000);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers"), "1");
}

TEST_F(Ledger, SameReferenceWithOtherValuesIsAConflictAndChangesNothing) {
  ASSERT_TRUE(deposit(7, 5000, "USD", "wire-1"));
  const auto other = deposit(7, 6000, "USD", "wire-1");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, problem_code::conflict);
  EXPECT_EQ(available(7, "USD"), 5000);
}

TEST_F(Ledger, BadDepositsAreRefused) {
  EXPECT_EQ(deposit(7, 0, "USD", "a").error().code, problem_code::amount);
  EXPECT_EQ(deposit(7, -5, "USD", "b").error().code, problem_code::amount);
  EXPECT_EQ(deposit(7, 5, "XYZ", "c").error().code, problem_code::currency);
  EXPECT_EQ(deposit(0, 5, "USD", "d").error().code, problem_code::user);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers"), "0");
}

TEST_F(Ledger, TransfersAreImmutable) {
  ASSERT_TRUE(deposit(7, 5000, "USD", "wire-1"));
  pqxx::connection c(db.url());
  pqxx::work tx(c);
  EXPECT_THROW(tx.exec("UPDATE transfers SET amount_minor = 1"), pqxx::sql_error);
}

TEST_F(Ledger, NoUserAccountCanGoNegative) {
  pqxx::connection c(db.url());
  {
    pqxx::work tx(c);
    EXPECT_THROW(escrow::apply_transfer(tx, {"t-1", escrow::transfer_kind::pledge_hold, escrow::available_account("github", 1),
                                             escrow::escrow_account(1), escrow::money(100, "USD")}),
                 escrow::ledger_refusal);
  }
  // The database refuses it as well, whatever writes the row.
  pqxx::work tx(c);
  escrow::ensure_account(tx, escrow::available_account("github", 1), "USD");
  EXPECT_THROW(tx.exec("UPDATE accounts SET balance_minor = -1 WHERE name = 'user:github:1:available'"), pqxx::check_violation);
}

TEST_F(Ledger, ApplyingTheSameIdempotencyKeyTwiceIsANoOp) {
  pqxx::connection c(db.url());
  pqxx::work tx(c);
  const escrow::transfer t{"deposit:test:1", escrow::transfer_kind::deposit, escrow::external_account("test"),
                           escrow::available_account("github", 1), escrow::money(100, "EUR")};
  EXPECT_TRUE(escrow::apply_transfer(tx, t));
  EXPECT_FALSE(escrow::apply_transfer(tx, t));
  EXPECT_EQ(escrow::balance_of(tx, escrow::available_account("github", 1), "EUR"), 100);
  tx.commit();
}

TEST_F(Ledger, TheSameDeliveryStoredConcurrentlyIsStoredOnce) {
  std::atomic<int> stored{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      std::unique_ptr<pqxx::connection> conn;
      db::transact(conn, db.url(), [&](pqxx::work& tx) {
        if (webhooks::store_delivery(tx, {"github", "same-id", "issue_comment", "{}"})) ++stored;
      });
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(stored.load(), 1);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox"), "1");
}

TEST_F(Ledger, GroupCommitStoresEachDeliveryOnceAndAnswersEachCaller) {
  webhooks::delivery_batcher batcher(db.url());
  std::atomic<int> stored{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < 25; ++k) {
        // Every delivery id is sent by two threads: exactly one of them may hear "stored".
        if (batcher.store({"github", "id-" + std::to_string((i / 2) * 100 + k), "issue_comment", "{}"})) ++stored;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(stored.load(), 200);
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox"), "200");
}

TEST_F(Ledger, ABatchHoldingARedeliveryStoresTheOthersAndNamesTheDuplicate) {
  // Whichever batch holds the redelivery fails its COPY on the unique key and is stored again
  // without the duplicate.
  const std::string body = R"({"action":"created","n":1})";
  {
    std::unique_ptr<pqxx::connection> conn;
    db::transact(conn, db.url(), [&](pqxx::work& tx) { ASSERT_TRUE(webhooks::store_delivery(tx, {"github", "old", "issue_comment", body})); });
  }
  webhooks::delivery_batcher batcher(db.url());
  std::mutex mutex;
  std::condition_variable answered;
  std::map<std::string, bool> fresh;
  for (const std::string id : {"new-1", "old", "new-2"}) {
    batcher.submit({"github", id, "issue_comment", body + std::string(id.size(), ' ')}, [&, id](std::exception_ptr error, bool f) {
      EXPECT_FALSE(error);
      std::lock_guard lock(mutex);
      fresh[id] = f;
      answered.notify_all();
    });
  }
  std::unique_lock lock(mutex);
  answered.wait(lock, [&] { return fresh.size() == 3; });
  EXPECT_EQ(fresh, (std::map<std::string, bool>{{"new-1", true}, {"new-2", true}, {"old", false}}));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox"), "3");
  // Each body reads back as it was sent, the first one unchanged by the redelivery.
  pqxx::connection c(db.url());
  pqxx::work tx(c);
  for (const auto& row : tx.exec(std::string("SELECT delivery_id, ") + webhooks::payload_columns + " FROM inbox")) {
    const auto id = row[0].as<std::string>();
    EXPECT_EQ(webhooks::read_payload(row, 1), id == "old" ? body : body + std::string(id.size(), ' ')) << id;
  }
}

TEST_F(Ledger, CheckReportsABrokenInvariant) {
  ASSERT_TRUE(deposit(7, 5000, "USD", "wire-1"));
  {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    tx.exec("UPDATE accounts SET balance_minor = balance_minor + 1 WHERE name LIKE 'user:%'");
    tx.commit();
  }
  const auto problems = db.ledger_problems();
  EXPECT_FALSE(problems.empty());
  pqxx::connection c(db.url());
  pqxx::work tx(c);
  tx.exec("UPDATE accounts SET balance_minor = balance_minor - 1 WHERE name LIKE 'user:%'");
  tx.commit();
}

}  // namespace
}  // namespace bountybot
