#pragma once
/// PostgreSQL plumbing: embedded migrations, a small connection pool, and a retrying transaction
/// runner. A connection is not thread-safe (libpqxx): one per worker, never shared between threads
/// at once, and never used on the network (io_context) threads.
#include <pqxx/pqxx>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bountybot::db {

/// One numbered SQL file of `migrations/`, compiled into the binary.
struct migration {
  int version;
  const char* name;
  const char* sql;
};
const std::vector<migration>& embedded_migrations();

/// The newest migration version this binary knows.
int latest_version();

/// Applies pending migrations in order, each in its own transaction, under an advisory lock so
/// that concurrent `migrate` calls (two instances starting) apply each once. Returns how many ran.
int migrate(pqxx::connection& conn);

/// True when the schema is at `latest_version()` (used by /readyz).
[[nodiscard]] bool is_migrated(pqxx::connection& conn);

/// How many times a transaction is retried on serialization failure, deadlock or a broken
/// connection before the error is passed on.
inline constexpr int transaction_attempts = 5;

/// A pool of at most `size` connections to `url`, opened lazily; a broken connection is dropped
/// and reopened on the next acquire.
class pool {
 public:
  pool(std::string url, std::size_t size);
  ~pool();
  pool(const pool&) = delete;
  pool& operator=(const pool&) = delete;

  /// Runs `f` with a connection of the pool (waiting for a free one). Exceptions propagate.
  void with_connection(const std::function<void(pqxx::connection&)>& f);

  /// Runs `f(tx)` in a read-committed transaction and commits it; retries the whole transaction
  /// on `serialization_failure`, `deadlock_detected` and `broken_connection` (reopening the
  /// connection), never on `in_doubt_error` (libpqxx transactor.hxx: its outcome is unknown).
  void transact(const std::function<void(pqxx::work&)>& f);

  const std::string& url() const { return url_; }
  /// Most connections open at once.
  std::size_t size() const { return size_; }

 private:
  std::unique_ptr<pqxx::connection> take();
  void give_back(std::unique_ptr<pqxx::connection> c);

  std::string url_;
  std::size_t size_;
  std::size_t open_ = 0;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
  std::mutex mutex_;
  std::condition_variable available_;
};

/// Runs `f(tx)` on `conn` in a transaction with the retry rules of `pool::transact`. When the
/// connection breaks, it is reopened in place from `url`.
void transact(std::unique_ptr<pqxx::connection>& conn, const std::string& url,
              const std::function<void(pqxx::work&)>& f);

/// Seconds since the Unix epoch for a timestamptz column selected as `extract(epoch from x)`.
inline std::chrono::sys_seconds to_time(const pqxx::field& f) {
  return std::chrono::sys_seconds{std::chrono::seconds{static_cast<long long>(f.as<double>())}};
}

}  // namespace bountybot::db
