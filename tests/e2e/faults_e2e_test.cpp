// Faults (label `faults`, run one at a time): the service killed at random points while
// deliveries flow, PostgreSQL restarted under the service, the platform API failing, and no
// secret in any log line. Each ends with the ledger invariants checked.
#include "tests/e2e/service_fixture.hpp"
#include "webhooks/inbox.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

namespace bountybot {
namespace {

// A raw client socket to the service, for clients that misbehave.
class raw_connection {
 public:
  explicit raw_connection(const std::string& base_url) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<unsigned short>(std::stoi(base_url.substr(base_url.rfind(':') + 1))));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("connect failed");
  }
  ~raw_connection() { ::close(fd_); }
  raw_connection(const raw_connection&) = delete;
  raw_connection& operator=(const raw_connection&) = delete;

  void send(const std::string& bytes) { (void)!::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  /// True once the server closed the connection (end of stream or reset) within `timeout`.
  bool closed_by_server(std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char c;
    return ::recv(fd_, &c, 1, 0) <= 0;
  }

 private:
  int fd_;
};

class Faults : public Service {
 protected:
  // Sends delivery `id` until the service answers 202 or 200, restarting it if it is down: what
  // GitHub's redelivery (or bountybot's recovery of missed deliveries) does after an outage.
  void deliver_until_taken(const std::string& body, const std::string& id) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      try {
        const auto r = deliver_github(body, id);
        if (r.status == 202 || r.status == 200) return;
      } catch (const adapters::transport_error&) {
        service = std::make_unique<testing::service_process>(env());  // it was killed: bring it back
      }
    }
    FAIL() << "delivery " << id << " never taken";
  }
};

TEST_F(Faults, KilledAtRandomPointsWhileDeliveriesFlowEveryDeliveryIsProcessedOnce) {
  service = std::make_unique<testing::service_process>(env());
  deposit("github", 21031067, 10'000'000, "wire-1");
  std::mt19937 rng(20261121);
  constexpr int deliveries = 60;
  for (int i = 0; i < deliveries; ++i) {
    const auto body = testing::github_comment("/pledge $1", 21031067, "Codertocat", 1 + i % 6, 5000 + i);
    deliver_until_taken(body, "flow-" + std::to_string(i));
    if (std::uniform_int_distribution<int>(0, 9)(rng) == 0) {
      // Sometimes at once (processing in flight), sometimes after a little while.
      std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 30)(rng)));  // the random point
      service->kill_hard();
      service = std::make_unique<testing::service_process>(env());
    }
  }
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM inbox WHERE processed_at IS NULL") == "0"; }));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox"), std::to_string(deliveries));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox WHERE outcome = 'done'"), std::to_string(deliveries));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'"), std::to_string(deliveries));
  EXPECT_EQ(db.scalar("SELECT sum(amount_minor) FROM pledges"), std::to_string(deliveries * 100));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'pledge_hold'"), std::to_string(deliveries));
}

TEST_F(Faults, PostgresRestartedUnderTheServiceItRecoversWithoutARestartOfItsOwn) {
  const char* restart = std::getenv("BOUNTYBOT_TEST_PG_RESTART");
  if (restart == nullptr) GTEST_SKIP() << "BOUNTYBOT_TEST_PG_RESTART is set by scripts/test";
  service = std::make_unique<testing::service_process>(env());
  deposit("github", 21031067, 100000, "wire-1");
  deliver_github(testing::github_comment("/pledge $1", 21031067, "Codertocat", 1, 6001), "pg-1");
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges") == "1"; }));
  ASSERT_EQ(std::system(restart), 0);  // pg_ctl restart -m fast: every connection is cut
  ASSERT_TRUE(eventually([&] { return service->request("GET", "/readyz").status == 200; }));
  for (int i = 2; i <= 4; ++i) {
    const auto r = deliver_github(testing::github_comment("/pledge $1", 21031067, "Codertocat", 1, 6000 + i),
                                  "pg-" + std::to_string(i));
    EXPECT_EQ(r.status, 202u) << r.body;
  }
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges") == "4"; }));
  ASSERT_TRUE(github.wait_for([](const auto& c) { return has_reaction(c, 6004, "+1"); }));
}

// Timeouts are covered in tests/db (Processing.ARetryAfterATimeoutDoesNotPostTheCommentTwice).
TEST_F(Faults, ThePlatformAnswering500And429EveryCallLandsOnce) {
  service = std::make_unique<testing::service_process>(env());
  github.fail_next(2, 500);
  deliver_github(testing::github_comment("/bounty help", 21031067, "Codertocat", 1, 7001), "api-1");
  ASSERT_TRUE(github.wait_for([](const auto& c) { return has_reaction(c, 7001, "+1"); }, std::chrono::seconds(40)));
  github.fail_next(1, 429, {{"Retry-After", "1"}});
  deliver_github(testing::github_comment("/bounty help", 21031067, "Codertocat", 1, 7002), "api-2");
  ASSERT_TRUE(github.wait_for([](const auto& c) { return has_reaction(c, 7002, "+1"); }, std::chrono::seconds(40)));
  ASSERT_TRUE(github.wait_for([](const auto& c) { return matching(c, "POST", "/issues/1/comments").size() >= 2; },
                              std::chrono::seconds(40)));
  EXPECT_EQ(matching(github.calls(), "POST", "/issues/1/comments").size(), 2u) << "each help reply once";
  EXPECT_EQ(matching(github.calls(), "POST", "/comments/7001/reactions").size(), 1u);
  // What an operator's dashboard shows: three failed attempts retried, nothing parked.
  const auto metrics = service->request("GET", "/metrics").body;
  EXPECT_NE(metrics.find("bountybot_outbox_retries_total 3\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("bountybot_outbox_dead 0\n"), std::string::npos) << metrics;
}

TEST_F(Faults, SigtermStopsWithinTheBoundAndLosesNoAcknowledgedDelivery) {
  service = std::make_unique<testing::service_process>(env());
  deposit("github", 21031067, 10000, "wire-1");
  EXPECT_EQ(deliver_github(testing::github_comment("/pledge $5", 21031067, "Codertocat", 1, 9001), "term-1").status, 202u);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(service->stop(), 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  service = std::make_unique<testing::service_process>(env());
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'") == "1"; }));
}

TEST_F(Faults, SigtermUnderABacklogStopsWithinTheBoundAndLeavesTheRestForTheNextStart) {
  service = std::make_unique<testing::service_process>(env());
  deposit("github", 21031067, 10'000'000, "wire-1");
  // A backlog that takes the workers many seconds: stored at once, as after an outage.
  constexpr int backlog = 1000;
  {
    pqxx::connection c(db.url());
    pqxx::work tx(c);
    for (int i = 0; i < backlog; ++i) {
      webhooks::store_delivery(tx, {"github", "backlog-" + std::to_string(i), "issue_comment",
                                    testing::github_comment("/pledge $1", 21031067, "Codertocat", 1 + i % 50, 20000 + i)});
    }
    tx.commit();
  }
  ASSERT_TRUE(eventually([&] { return std::stoi(db.scalar("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL")) >= 20; }));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(service->stop(), 0);
  // Workers and the sender stop between two units of work, not at the end of the backlog.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_NE(db.scalar("SELECT count(*) FROM inbox WHERE processed_at IS NULL"), "0") << "the backlog was done before the stop";
  service = std::make_unique<testing::service_process>(env());
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM inbox WHERE processed_at IS NULL") == "0"; },
                         std::chrono::seconds(120)));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'"), std::to_string(backlog));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'pledge_hold'"), std::to_string(backlog));
}

TEST_F(Faults, TwoInstancesUnderLoadHandleNoDeliveryOrTimerTwice) {
  const auto settings = env({{"BOUNTYBOT_PLEDGE_TTL", "4s"}});
  service = std::make_unique<testing::service_process>(settings);
  testing::service_process other(settings);
  deposit("github", 21031067, 10'000'000, "wire-1");
  constexpr int deliveries = 40, issues = 8, senders = 4;
  // Every delivery reaches both instances, in either order, from four senders at once: what a
  // load balancer retrying on the other instance does. Each pledge then expires on a timer that
  // both instances watch.
  std::atomic<int> accepted{0}, duplicates{0}, other_answers{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < senders; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < deliveries; i += senders) {
        const auto body = testing::github_comment("/pledge $1", 21031067, "Codertocat", 1 + i % issues, 7100 + i);
        const std::map<std::string, std::string> headers{{"X-GitHub-Event", "issue_comment"},
                                                         {"X-GitHub-Delivery", "both-" + std::to_string(i)},
                                                         {"X-Hub-Signature-256", testing::github_signature(github_secret, body)}};
        const testing::service_process* order[] = {service.get(), &other};
        if (i % 2) std::swap(order[0], order[1]);
        for (const auto* instance : order) {
          const auto status = instance->request("POST", "/webhooks/github", body, headers).status;
          (status == 202 ? accepted : status == 200 ? duplicates : other_answers)++;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted, deliveries);
  EXPECT_EQ(duplicates, deliveries);
  EXPECT_EQ(other_answers, 0);
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM bounties WHERE state = 'expired'") == std::to_string(issues); },
                         std::chrono::seconds(40)));
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM timers WHERE fired_at IS NULL") == "0"; }));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM inbox WHERE outcome = 'done'"), std::to_string(deliveries));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM pledges WHERE state = 'refunded'"), std::to_string(deliveries));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'pledge_hold'"), std::to_string(deliveries));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM transfers WHERE kind = 'refund'"), std::to_string(deliveries));
  EXPECT_EQ(db.scalar("SELECT count(*) FROM timers WHERE kind = 'pledge_deadline'"), std::to_string(deliveries));
  EXPECT_EQ(available("github", 21031067), 10'000'000);
  for (int i = 0; i < deliveries; ++i) {
    ASSERT_TRUE(github.wait_for([i](const auto& c) { return has_reaction(c, 7100 + i, "+1"); }));
    EXPECT_EQ(matching(github.calls(), "POST", "/comments/" + std::to_string(7100 + i) + "/reactions").size(), 1u) << i;
  }
}

TEST_F(Faults, SlowClientsAndOversizedBodiesAreBoundedByNamedLimits) {
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_MAX_BODY_BYTES", "65536"},
                                                            {"BOUNTYBOT_MAX_CONNECTIONS", "16"},
                                                            {"BOUNTYBOT_READ_TIMEOUT", "2s"}}));
  deposit("github", 21031067, 10000, "wire-1");
  // A body over the limit is refused before it is read whole.
  const std::string big(100 * 1024, 'x');
  EXPECT_EQ(service->request("POST", "/webhooks/github", big, {{"X-GitHub-Event", "issue_comment"}}).status, 413u);
  // Sixteen clients trickle the start of a request and stall: they hold every connection the
  // service allows, so one more is closed at once, while no memory grows past the limits.
  std::vector<std::unique_ptr<raw_connection>> stalled;
  for (int i = 0; i < 16; ++i) {
    stalled.push_back(std::make_unique<raw_connection>(service->base_url()));
    stalled.back()->send("POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: 60000\r\n\r\n" + std::string(30000, '{'));
  }
  ASSERT_TRUE(eventually([&] {
    raw_connection extra(service->base_url());
    return extra.closed_by_server(std::chrono::milliseconds(500));
  }));
  // The read timeout cuts each stalled client off; the service then serves again.
  for (auto& c : stalled) EXPECT_TRUE(c->closed_by_server(std::chrono::seconds(10)));
  ASSERT_TRUE(eventually([&] {
    try {
      return deliver_github(testing::github_comment("/pledge $5", 21031067, "Codertocat", 1, 7201), "after-slow").status == 202;
    } catch (const adapters::transport_error&) {
      return false;  // still refused: the stalled connections are being closed
    }
  }));
  ASSERT_TRUE(eventually([&] { return db.scalar("SELECT count(*) FROM pledges WHERE state = 'held'") == "1"; }));
}

TEST_F(Faults, NoSecretTokenOrSignatureAppearsInTheLogs) {
  const std::string log = ::testing::TempDir() + "/bountybot-secrets.log";
  std::remove(log.c_str());
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_LOG_FORMAT", "json"}}), log);
  deposit("github", 21031067, 10000, "wire-1");
  const auto body = testing::github_comment("/pledge $5", 21031067, "Codertocat", 1, 8001);
  deliver_github(body, "secret-1");
  service->request("POST", "/webhooks/github", body,
                   {{"X-GitHub-Event", "issue_comment"}, {"X-GitHub-Delivery", "x"}, {"X-Hub-Signature-256", "sha256=00"}});
  service->request("GET", "/api/v1/admin/accounts/github/1", "", {{"Authorization", "Bearer wrong-admin-token"}});
  ASSERT_TRUE(github.wait_for([](const auto& c) { return has_reaction(c, 8001, "+1"); }));
  service->stop();
  std::ifstream in(log);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto text = ss.str();
  ASSERT_NE(text.find("listening"), std::string::npos) << "the log was captured";
  for (const std::string& secret : {github_secret, gitlab_token, admin_token, std::string("ghs_test"), std::string("glpat-test"),
                                    testing::github_signature(github_secret, body).substr(7), std::string("wrong-admin-token")}) {
    EXPECT_EQ(text.find(secret), std::string::npos) << "found a secret in the log: " << secret;
  }
  // JSON lines: every line parses.
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line.front() != '{') continue;
    boost::system::error_code ec;
    boost::json::parse(line, ec);
    EXPECT_FALSE(ec) << line;
  }
}

}  // namespace
TEST_F(Faults, EveryLogLineADeliveryCausesNamesTheDeliveryTheIssueAndTheCommand) {
  const std::string log = ::testing::TempDir() + "/bountybot-context.log";
  std::remove(log.c_str());
  service = std::make_unique<testing::service_process>(env({{"BOUNTYBOT_LOG_FORMAT", "json"}}), log);
  deposit("github", 21031067, 10000, "wire-1");
  github.fail_next(1, 500);  // the first call fails: the sender's retry is a line the delivery caused
  deliver_github(testing::github_comment("/pledge $5", 21031067, "Codertocat", 1, 8101), "ctx-1");
  ASSERT_TRUE(github.wait_for([](const auto& c) { return has_reaction(c, 8101, "+1"); }, std::chrono::seconds(40)));
  service->stop();
  std::ifstream in(log);
  int worker_lines = 0, sender_lines = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("ctx-1") == std::string::npos) continue;
    const auto o = boost::json::parse(line).as_object();
    EXPECT_EQ(o.at("delivery").as_string(), "github:ctx-1") << line;
    EXPECT_EQ(o.at("issue").as_string(), "github:Codertocat/Hello-World#1") << line;
    if (o.contains("command")) {
      EXPECT_EQ(o.at("command").as_string(), "pledge") << line;
      ++worker_lines;
    } else {
      ++sender_lines;
    }
  }
  EXPECT_GE(worker_lines, 1) << "the worker's line about the pledge";
  EXPECT_GE(sender_lines, 1) << "the sender's line about the failed call";
}

}  // namespace bountybot
