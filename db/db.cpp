#include "db/db.hpp"

#include <spdlog/spdlog.h>

#include <thread>

namespace bountybot::db {
namespace {
// Arbitrary constant naming the migration lock for pg_advisory_lock.
constexpr long long migration_lock_key = 0x6275'6e74'796d'6967;  // "buntymig"
}  // namespace

int latest_version() {
  const auto& all = embedded_migrations();
  return all.empty() ? 0 : all.back().version;
}

int migrate(pqxx::connection& conn) {
  {
    pqxx::nontransaction nt(conn);
    nt.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version int PRIMARY KEY, name text NOT NULL, "
            "applied_at timestamptz NOT NULL DEFAULT now())");
    nt.exec_params("SELECT pg_advisory_lock($1)", migration_lock_key);
  }
  int applied = 0;
  try {
    for (const auto& m : embedded_migrations()) {
      pqxx::work tx(conn);
      if (!tx.exec_params("SELECT 1 FROM schema_migrations WHERE version = $1", m.version).empty()) continue;
      tx.exec(m.sql);
      tx.exec_params("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", m.version, std::string(m.name));
      tx.commit();
      spdlog::info("applied migration {}", m.name);
      ++applied;
    }
  } catch (...) {
    pqxx::nontransaction(conn).exec_params("SELECT pg_advisory_unlock($1)", migration_lock_key);
    throw;
  }
  pqxx::nontransaction(conn).exec_params("SELECT pg_advisory_unlock($1)", migration_lock_key);
  return applied;
}

bool is_migrated(pqxx::connection& conn) {
  pqxx::nontransaction nt(conn);
  const auto r = nt.exec("SELECT coalesce(max(version), 0) FROM schema_migrations WHERE to_regclass('schema_migrations') IS NOT NULL");
  return !r.empty() && r[0][0].as<int>() >= latest_version();
}

pool::pool(std::string url, std::size_t size) : url_(std::move(url)), size_(size == 0 ? 1 : size) {}
pool::~pool() = default;

std::unique_ptr<pqxx::connection> pool::take() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }
  ++open_;
  lock.unlock();
  try {
    return std::make_unique<pqxx::connection>(url_);
  } catch (...) {
    std::lock_guard relock(mutex_);
    --open_;
    available_.notify_one();
    throw;
  }
}

void pool::give_back(std::unique_ptr<pqxx::connection> c) {
  std::lock_guard lock(mutex_);
  if (c && c->is_open()) {
    idle_.push_back(std::move(c));
  } else {
    --open_;
  }
  available_.notify_one();
}

void pool::with_connection(const std::function<void(pqxx::connection&)>& f) {
  auto c = take();
  try {
    f(*c);
  } catch (const pqxx::broken_connection&) {
    give_back(nullptr);
    throw;
  } catch (...) {
    give_back(std::move(c));
    throw;
  }
  give_back(std::move(c));
}

void transact(std::unique_ptr<pqxx::connection>& conn, const std::string& url,
              const std::function<void(pqxx::work&)>& f) {
  for (int attempt = 1;; ++attempt) {
    try {
      if (!conn || !conn->is_open()) conn = std::make_unique<pqxx::connection>(url);
      pqxx::work tx(*conn);
      f(tx);
      tx.commit();
      return;
    } catch (const pqxx::in_doubt_error&) {
      throw;  // the commit may or may not have happened: never retry blindly
    } catch (const pqxx::transaction_rollback& e) {
      if (attempt >= transaction_attempts) throw;
      spdlog::debug("transaction retry {} after: {}", attempt, e.what());
    } catch (const pqxx::broken_connection& e) {
      conn.reset();
      if (attempt >= transaction_attempts) throw;
      spdlog::warn("database connection lost, reconnecting (attempt {}): {}", attempt, e.what());
      std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));  // backoff before reconnecting
    }
  }
}

void pool::transact(const std::function<void(pqxx::work&)>& f) {
  auto c = take();
  try {
    db::transact(c, url_, f);
  } catch (...) {
    give_back(std::move(c));
    throw;
  }
  give_back(std::move(c));
}

}  // namespace bountybot::db
