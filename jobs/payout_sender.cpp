#include "jobs/payout_sender.hpp"

#include "app/clock.hpp"
#include "db/db.hpp"
#include "jobs/loop.hpp"
#include "payments/store/store.hpp"

#include <spdlog/spdlog.h>

namespace bountybot::jobs {

std::chrono::seconds payout_retry_delay(int attempts) {
  auto d = payout_retry_initial;
  for (int i = 0; i < attempts && d < payout_retry_max; ++i) d *= 2;
  return std::min(d, std::chrono::duration_cast<std::chrono::seconds>(payout_retry_max));
}

payout_sender::payout_sender(std::string db_url, std::shared_ptr<const payments::provider> provider,
                             std::chrono::milliseconds idle_wait)
    : db_url_(std::move(db_url)), provider_(std::move(provider)), idle_wait_(idle_wait) {}
payout_sender::~payout_sender() = default;

bool payout_sender::send_one() {
  bool sent = false;
  // The payout's row stays locked during the call: another sender skips it, and a crash before
  // the commit leaves it due, to be sent again under the same Idempotency-Key.
  db::transact(conn_, db_url_, [&](pqxx::work& tx) {
    const auto now = app::now_utc();
    const auto p = payments::next_due_payout(tx, now);
    sent = p.has_value();
    if (!p) return;
    try {
      // Past the key's life the provider first looks for what an earlier attempt made.
      // (also for a first attempt: one whose commit was lost, in a crash, left no count behind)
      const bool look_first = now - p->requested_at >= idempotency_key_trusted_for;
      const auto reference = provider_->send({p->id, p->kind, p->amount, p->destination, look_first});
      if (!reference) return;  // paid by hand: the operator marks it
      const auto r = payments::mark_payout_paid(tx, p->id, *reference, now);
      if (!r) throw problem_error(r.error());
      spdlog::info("{} {} paid by {} {}", payments::to_string(p->kind), p->id, payments::to_string(provider_->name()), *reference);
    } catch (const payments::provider_error& e) {
      if (e.retryable()) {
        const auto delay = payout_retry_delay(p->attempts);
        payments::retry_payout_later(tx, p->id, e.what(), now + delay, now);
        spdlog::warn("payout {}: {}; retrying in {} s", p->id, e.what(), delay.count());
        return;
      }
      const auto r = payments::fail_payout(tx, p->id, std::string("Stripe refused it: ") + e.what(), now);
      if (!r) throw problem_error(r.error());
      spdlog::error("{} {} failed and was reversed to the user's balance: {}", payments::to_string(p->kind), p->id, e.what());
    }
  });
  return sent;
}

void payout_sender::run(const std::atomic<bool>& stop) {
  run_on_notify(stop, db_url_, payout_channel, idle_wait_, "payout sender", [this] { return send_one(); });
}

}  // namespace bountybot::jobs
