// The accounts store on a real PostgreSQL (SPEC §13): sign-ins taken once and only in time,
// sessions that end, API tokens bounded, revocable and marked used.
#include "accounts/store/store.hpp"
#include "adapters/crypto.hpp"
#include "tests/support/test_db.hpp"

#include <gtest/gtest.h>

namespace bountybot {
namespace {

const bot::utc_time now = *bot::parse_deadline("2026-12-03T12:00:00Z");
const accounts::person octocat{bot::platform::github, 583231, "octocat"};

std::string hash(const std::string& secret) { return adapters::hex(adapters::sha256(secret)); }

class AccountsStore : public ::testing::Test {
 protected:
  template <class F>
  auto in_tx(F f) {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    auto out = f(tx);
    tx.commit();
    return out;
  }
  testing::test_database db;
};

TEST_F(AccountsStore, ASignInIsTakenOnceAndOnlyBeforeItExpires) {
  in_tx([](pqxx::work& tx) {
    accounts::begin_sign_in(tx, hash("s1"), bot::platform::github, "/me/tokens", now + accounts::sign_in_lifetime);
    accounts::begin_sign_in(tx, hash("s2"), bot::platform::github, "/me", now + accounts::sign_in_lifetime);
    return 0;
  });
  const auto first = in_tx([](pqxx::work& tx) { return accounts::take_sign_in(tx, hash("s1"), bot::platform::github, now); });
  EXPECT_EQ(first, "/me/tokens");
  EXPECT_EQ(in_tx([](pqxx::work& tx) { return accounts::take_sign_in(tx, hash("s1"), bot::platform::github, now); }),
            std::nullopt);
  // Another provider's callback cannot take it; nor can anyone once it has expired.
  EXPECT_EQ(in_tx([](pqxx::work& tx) { return accounts::take_sign_in(tx, hash("s2"), bot::platform::gitlab, now); }),
            std::nullopt);
  EXPECT_EQ(in_tx([](pqxx::work& tx) {
              return accounts::take_sign_in(tx, hash("s2"), bot::platform::github, now + accounts::sign_in_lifetime);
            }),
            std::nullopt);
}

TEST_F(AccountsStore, SessionsLastThirtyDaysAndEndOnLogout) {
  in_tx([](pqxx::work& tx) {
    accounts::start_session(tx, octocat, "00", hash("cookie"), "csrf-1", now);
    return 0;
  });
  const auto s = in_tx([](pqxx::work& tx) { return accounts::find_session(tx, hash("cookie"), now + std::chrono::days{29}); });
  ASSERT_TRUE(s);
  EXPECT_EQ(s->who.login, "octocat");
  EXPECT_EQ(s->csrf, "csrf-1");
  EXPECT_FALSE(in_tx([](pqxx::work& tx) { return accounts::find_session(tx, hash("cookie"), now + accounts::session_lifetime); }));
  EXPECT_FALSE(in_tx([](pqxx::work& tx) { return accounts::find_session(tx, hash("other"), now); }));
  in_tx([](pqxx::work& tx) {
    accounts::end_session(tx, hash("cookie"));
    return 0;
  });
  EXPECT_FALSE(in_tx([](pqxx::work& tx) { return accounts::find_session(tx, hash("cookie"), now); }));
  // Signing in again (a later day) forgets expired sessions.
  in_tx([](pqxx::work& tx) {
    accounts::start_session(tx, octocat, "00", hash("c2"), "x", now);
    accounts::start_session(tx, octocat, "00", hash("c3"), "y", now + accounts::session_lifetime + std::chrono::days{1});
    return 0;
  });
  EXPECT_EQ(db.scalar("SELECT count(*) FROM sessions"), "1");
}

TEST_F(AccountsStore, TokensAreBoundedRevocableAndMarkedUsedAtMostOnceAMinute) {
  in_tx([](pqxx::work& tx) {
    accounts::start_session(tx, octocat, "00", hash("cookie"), "c", now);
    return 0;
  });
  for (int i = 0; i < accounts::max_tokens_per_user; ++i) {
    const auto id = in_tx([&](pqxx::work& tx) {
      return accounts::create_token(tx, octocat, "t" + std::to_string(i), hash("tok" + std::to_string(i)), now);
    });
    ASSERT_TRUE(id) << i;
  }
  const auto over = in_tx([](pqxx::work& tx) { return accounts::create_token(tx, octocat, "one more", hash("more"), now); });
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, problem_code::conflict);

  const auto first = in_tx([](pqxx::work& tx) { return accounts::tokens_of(tx, octocat).back(); });
  EXPECT_EQ(first.name, "t0");
  EXPECT_EQ(first.last_used_at, std::nullopt);
  EXPECT_EQ(in_tx([](pqxx::work& tx) { return accounts::use_token(tx, hash("tok0"), now); })->id, 583231);
  in_tx([](pqxx::work& tx) { return accounts::use_token(tx, hash("tok0"), now + std::chrono::seconds{30}); });
  EXPECT_EQ(in_tx([](pqxx::work& tx) { return accounts::tokens_of(tx, octocat).back(); }).last_used_at, now);
  in_tx([](pqxx::work& tx) { return accounts::use_token(tx, hash("tok0"), now + std::chrono::minutes{2}); });
  EXPECT_EQ(in_tx([](pqxx::work& tx) { return accounts::tokens_of(tx, octocat).back(); }).last_used_at,
            now + std::chrono::minutes{2});

  // Someone else cannot revoke it; its owner can, once; then it acts for nobody, and there is room again.
  const accounts::person other{bot::platform::github, 1, "other"};
  EXPECT_FALSE(in_tx([&](pqxx::work& tx) { return accounts::revoke_token(tx, other, first.id, now); }));
  EXPECT_TRUE(in_tx([&](pqxx::work& tx) { return accounts::revoke_token(tx, octocat, first.id, now); }));
  EXPECT_FALSE(in_tx([&](pqxx::work& tx) { return accounts::revoke_token(tx, octocat, first.id, now); }));
  EXPECT_FALSE(in_tx([](pqxx::work& tx) { return accounts::use_token(tx, hash("tok0"), now); }));
  EXPECT_TRUE(in_tx([](pqxx::work& tx) { return accounts::create_token(tx, octocat, "one more", hash("more"), now); }));
}

}  // namespace
}  // namespace bountybot
