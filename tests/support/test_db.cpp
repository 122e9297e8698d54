#include "tests/support/test_db.hpp"

#include "escrow/store/store.hpp"

#include <atomic>
#include <cstdlib>
#include <stdexcept>
#include <unistd.h>

namespace bountybot::testing {

test_database::test_database() {
  const char* server = std::getenv("BOUNTYBOT_TEST_SERVER_URL");
  if (server == nullptr) throw std::runtime_error("BOUNTYBOT_TEST_SERVER_URL is not set; run the tests with scripts/test");
  server_ = server;
  static std::atomic<int> counter{0};
  name_ = "t_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  pqxx::connection admin(server_ + "/postgres");
  pqxx::nontransaction(admin).exec("CREATE DATABASE " + name_ + " TEMPLATE bountybot_template");
  url_ = server_ + "/" + name_;
}

test_database::~test_database() {
  try {
    pqxx::connection admin(server_ + "/postgres");
    pqxx::nontransaction(admin).exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (...) {
    // a leftover database is harmless: the cluster is thrown away after the run
  }
}

std::vector<std::string> test_database::ledger_problems() const {
  pqxx::connection c(url_);
  pqxx::work tx(c);
  return escrow::check_ledger(tx);
}

std::string test_database::scalar(const std::string& sql) const {
  pqxx::connection c(url_);
  pqxx::work tx(c);
  const auto r = tx.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].as<std::string>();
}

void test_database::exec(const std::string& sql) const {
  pqxx::connection c(url_);
  pqxx::work tx(c);
  tx.exec(sql);
  tx.commit();
}

}  // namespace bountybot::testing
