#pragma once
// A fresh database per test, created from the migrated template `bountybot_template` on the
// PostgreSQL server that scripts/test starts (BOUNTYBOT_TEST_SERVER_URL). Never a mock.
#include <pqxx/pqxx>

#include <string>
#include <vector>

namespace bountybot::testing {

class test_database {
 public:
  test_database();
  ~test_database();
  test_database(const test_database&) = delete;
  test_database& operator=(const test_database&) = delete;

  /// libpq URL of this test's database.
  const std::string& url() const { return url_; }
  /// The ledger invariants of SPEC §3 over this database (empty = all hold).
  std::vector<std::string> ledger_problems() const;
  /// One value of a query, as text ("" for NULL or no row).
  std::string scalar(const std::string& sql) const;
  /// Runs `sql` and commits: a state the test sets up that no route reaches yet.
  void exec(const std::string& sql) const;

 private:
  std::string server_;
  std::string name_;
  std::string url_;
};

}  // namespace bountybot::testing
