#include "webhooks/batcher.hpp"

#include "db/db.hpp"
#include "webhooks/inbox.hpp"

#include <libpq-fe.h>
#include <spdlog/spdlog.h>

#include <arpa/inet.h>

#include <chrono>
#include <cstring>
#include <future>
#include <set>
#include <thread>

namespace bountybot::webhooks {
namespace {

using result_ptr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// A failed batch; `connection_lost` when the connection broke, so that reconnecting may help.
struct batch_error : std::runtime_error {
  batch_error(const std::string& what, bool lost) : std::runtime_error(what), connection_lost(lost) {}
  bool connection_lost;
};

// SQLSTATE 23505 (PostgreSQL Appendix A): a delivery of the batch was stored before.
constexpr const char* unique_violation = "23505";

// One delivery of a batch as stored: its columns, payload compressed.
struct copy_row {
  std::size_t item;  // index in the batch
  const delivery* d;
  stored_payload payload;
};

// PostgreSQL binary COPY (https://www.postgresql.org/docs/15/sql-copy.html, "Binary Format"):
// a signature and two zero words, then per tuple a 16-bit field count and each field as a
// 32-bit length and its bytes (text and bytea as they are, int4 big-endian), then -1.
void put16(std::string& out, std::int16_t v) {
  const auto n = htons(static_cast<std::uint16_t>(v));
  out.append(reinterpret_cast<const char*>(&n), 2);
}
void put32(std::string& out, std::int32_t v) {
  const auto n = htonl(static_cast<std::uint32_t>(v));
  out.append(reinterpret_cast<const char*>(&n), 4);
}
void put_field(std::string& out, std::string_view bytes) {
  put32(out, static_cast<std::int32_t>(bytes.size()));
  out.append(bytes);
}

std::string copy_data(const std::vector<copy_row>& rows) {
  std::size_t size = 21;
  for (const auto& r : rows) {
    size += 2 + 5 * 4 + r.d->platform.size() + r.d->delivery_id.size() + r.d->event.size() + r.payload.lz4.size() + 4;
  }
  std::string out;
  out.reserve(size);
  out.append("PGCOPY\n\377\r\n\0", 11);
  put32(out, 0);  // flags
  put32(out, 0);  // header extension length
  for (const auto& r : rows) {
    put16(out, 5);
    put_field(out, r.d->platform);
    put_field(out, r.d->delivery_id);
    put_field(out, r.d->event);
    put_field(out, r.payload.lz4);
    put32(out, 4);
    put32(out, static_cast<std::int32_t>(r.payload.bytes));
  }
  put16(out, -1);
  return out;
}

}  // namespace

// A libpq connection of one batcher thread.
struct delivery_batcher::connection {
  PGconn* pg;

  explicit connection(const std::string& url) : pg(PQconnectdb(url.c_str())) {
    if (PQstatus(pg) != CONNECTION_OK) {
      const std::string message = PQerrorMessage(pg);
      PQfinish(pg);
      throw batch_error("database connection failed: " + message, true);
    }
  }
  ~connection() { PQfinish(pg); }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  // The result, if it is `want` or an error of SQLSTATE `accepted_state`; else throws.
  result_ptr check(PGresult* r, ExecStatusType want, const char* accepted_state = nullptr) const {
    result_ptr result(r, &PQclear);
    if (r && PQresultStatus(r) == want) return result;
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    if (accepted_state && state && std::strcmp(state, accepted_state) == 0) return result;
    throw batch_error(std::string("storing deliveries: ") + PQerrorMessage(pg), PQstatus(pg) != CONNECTION_OK);
  }

  // Every result of the last command, until libpq says there are no more.
  void drain() const {
    while (PGresult* r = PQgetResult(pg)) PQclear(r);
  }

  // Stores every row in one transaction with a NOTIFY that wakes workers in every instance;
  // false if one was stored before (nothing is stored then).
  bool copy(const std::vector<copy_row>& rows) {
    static const std::string begin_copy = std::string("BEGIN; COPY inbox (") + stored_columns + ") FROM STDIN (FORMAT binary)";
    check(PQexec(pg, begin_copy.c_str()), PGRES_COPY_IN);
    const auto data = copy_data(rows);
    if (PQputCopyData(pg, data.data(), static_cast<int>(data.size())) != 1 || PQputCopyEnd(pg, nullptr) != 1) {
      throw batch_error(std::string("sending deliveries: ") + PQerrorMessage(pg), PQstatus(pg) != CONNECTION_OK);
    }
    const auto copied = check(PQgetResult(pg), PGRES_COMMAND_OK, unique_violation);
    drain();
    if (PQresultStatus(copied.get()) != PGRES_COMMAND_OK) {
      check(PQexec(pg, "ROLLBACK"), PGRES_COMMAND_OK);
      return false;
    }
    commit_with_notify();
    return true;
  }

  // INSERTs the rows not stored before; returns the indexes in `rows` of those it stored.
  std::set<std::size_t> insert_skipping_duplicates(const std::vector<copy_row>& rows) {
    std::string sql = std::string("INSERT INTO inbox (") + stored_columns + ") VALUES ";
    std::vector<std::string> sizes;
    sizes.reserve(rows.size());
    std::vector<const char*> values;
    std::vector<int> lengths, formats;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto n = 5 * i;
      sql += (i ? ",($" : "($") + std::to_string(n + 1);
      for (int k = 2; k <= 5; ++k) sql += ",$" + std::to_string(n + k);
      sql += ")";
      sizes.push_back(std::to_string(rows[i].payload.bytes));
      for (const std::string_view v : {std::string_view(rows[i].d->platform), std::string_view(rows[i].d->delivery_id),
                                       std::string_view(rows[i].d->event), std::string_view(rows[i].payload.lz4),
                                       std::string_view(sizes.back())}) {
        values.push_back(v.data());
        lengths.push_back(static_cast<int>(v.size()));
        formats.push_back(0);
      }
      formats[n + 3] = 1;  // bytea, binary
    }
    sql += " ON CONFLICT (platform, delivery_id) DO NOTHING RETURNING delivery_id, platform";
    check(PQexec(pg, "BEGIN"), PGRES_COMMAND_OK);
    const auto result = check(PQexecParams(pg, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                                           lengths.data(), formats.data(), 0),
                              PGRES_TUPLES_OK);
    std::set<std::pair<std::string_view, std::string_view>> inserted;
    for (int r = 0; r < PQntuples(result.get()); ++r) {
      inserted.insert({PQgetvalue(result.get(), r, 1), PQgetvalue(result.get(), r, 0)});
    }
    std::set<std::size_t> stored;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (inserted.count({rows[i].d->platform, rows[i].d->delivery_id})) stored.insert(i);
    }
    commit_with_notify();
    return stored;
  }

  // Commits the open transaction; its NOTIFY wakes workers in every instance once the rows are
  // visible. One transaction, so one WAL flush: a NOTIFY of its own would need a second one.
  void commit_with_notify() {
    check(PQexec(pg, (std::string("NOTIFY ") + inbox_channel + "; COMMIT").c_str()), PGRES_COMMAND_OK);
  }
};

delivery_batcher::delivery_batcher(std::string db_url) : db_url_(std::move(db_url)) {
  for (int i = 0; i < batcher_connections; ++i) threads_.emplace_back([this] { run(); });
}

delivery_batcher::~delivery_batcher() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_all();
  for (auto& t : threads_) t.join();
}

void delivery_batcher::submit(delivery d, completion done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({std::move(d), std::move(done)});
      done = nullptr;
    }
  }
  if (done) return done(std::make_exception_ptr(std::runtime_error("the service is shutting down")), false);
  queued_.notify_one();
}

bool delivery_batcher::store(delivery d) {
  std::promise<bool> stored;
  auto result = stored.get_future();
  submit(std::move(d), [&stored](std::exception_ptr error, bool fresh) {
    if (error) return stored.set_exception(error);
    stored.set_value(fresh);
  });
  return result.get();
}

void delivery_batcher::run() {
  std::unique_ptr<connection> conn;  // opened on first use, reopened after a failure
  for (;;) {
    std::vector<item> batch;
    {
      std::unique_lock lock(mutex_);
      queued_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && batch.size() < max_batch_deliveries) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    commit(conn, batch);
  }
}

void delivery_batcher::commit(std::unique_ptr<connection>& conn, std::vector<item>& batch) {
  std::vector<bool> fresh(batch.size(), false);
  std::vector<copy_row> rows;
  try {
    // A repeated id inside the batch is a duplicate of its first occurrence.
    std::set<std::pair<std::string_view, std::string_view>> seen;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const auto& d = batch[i].d;
      if (seen.insert({d.platform, d.delivery_id}).second) rows.push_back({i, &d, compress_payload(d.payload)});
    }
    for (int attempt = 1;; ++attempt) {
      try {
        if (!conn) conn = std::make_unique<connection>(db_url_);
        if (conn->copy(rows)) {
          for (const auto& r : rows) fresh[r.item] = true;
        } else {
          for (const auto i : conn->insert_skipping_duplicates(rows)) fresh[rows[i].item] = true;
        }
        break;
      } catch (const batch_error& e) {
        if (!e.connection_lost) throw;
        // The outcome of a batch whose connection broke is unknown; sending it again is safe,
        // as the unique key turns what was stored already into duplicates.
        conn.reset();
        if (attempt >= db::transaction_attempts) throw;
        spdlog::warn("database connection lost, reconnecting (attempt {}): {}", attempt, e.what());
        std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
      }
    }
  } catch (...) {
    conn.reset();  // whatever state it was left in: errors are rare, and reconnecting is cheap
    const auto error = std::current_exception();
    for (auto& it : batch) it.done(error, false);
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(nullptr, fresh[i]);
}

}  // namespace bountybot::webhooks
