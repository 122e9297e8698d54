#include "webhooks/batcher.hpp"

#include "app/db.hpp"
#include "webhooks/inbox.hpp"

#include <future>
#include <set>

namespace bountybot::webhooks {

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
  std::unique_ptr<pqxx::connection> conn;  // opened on first use, reopened after a failure
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

void delivery_batcher::commit(std::unique_ptr<pqxx::connection>& conn, std::vector<item>& batch) {
  // One INSERT of every new delivery of the batch; a repeated id inside the batch is a duplicate.
  std::vector<bool> fresh(batch.size(), false);
  std::set<std::pair<std::string, std::string>> seen;
  std::vector<std::string> params;
  std::string sql = "INSERT INTO inbox (platform, delivery_id, event, payload) VALUES ";
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& d = batch[i].d;
    if (!seen.insert({d.platform, d.delivery_id}).second) continue;
    fresh[i] = true;
    const auto n = params.size();
    sql += (n ? ",(" : "(") + ("$" + std::to_string(n + 1)) + ",$" + std::to_string(n + 2) + ",$" + std::to_string(n + 3) +
           ",$" + std::to_string(n + 4) + ")";
    params.insert(params.end(), {d.platform, d.delivery_id, d.event, d.payload});
  }
  sql += " ON CONFLICT (platform, delivery_id) DO NOTHING RETURNING platform, delivery_id";
  std::set<std::pair<std::string, std::string>> inserted;
  try {
    db::transact(conn, db_url_, [&](pqxx::work& tx) {
      inserted.clear();
      // A custom plan would copy every payload into the plan as a constant, several times; the
      // generic plan reads them from the parameters (about 8% more deliveries per second).
      tx.exec("SET LOCAL plan_cache_mode = force_generic_plan");
      for (const auto& row : tx.exec_params(sql, pqxx::prepare::make_dynamic_params(params))) {
        inserted.insert({row[0].as<std::string>(), row[1].as<std::string>()});
      }
      if (!inserted.empty()) tx.exec(std::string("NOTIFY ") + inbox_channel);
    });
  } catch (...) {
    const auto error = std::current_exception();
    for (auto& it : batch) it.done(error, false);
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const auto& d = batch[i].d;
    batch[i].done(nullptr, fresh[i] && inserted.count({d.platform, d.delivery_id}) > 0);
  }
}

}  // namespace bountybot::webhooks
