#include "jobs/inbox_worker.hpp"
#include "bot/platform.hpp"

#include "adapters/github/installations.hpp"
#include "adapters/json_util.hpp"
#include "adapters/stripe/stripe.hpp"
#include "payments/store/store.hpp"
#include "jobs/loop.hpp"
#include "jobs/outbox_sender.hpp"
#include "app/clock.hpp"
#include "db/db.hpp"
#include "app/log_context.hpp"
#include "escrow/ledger.hpp"
#include "webhooks/inbox.hpp"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <optional>
#include <thread>
#include <utility>

namespace bountybot::jobs {

using webhooks::inbox_channel;
using webhooks::payload_columns;
using webhooks::read_payload;
namespace {

// The issue an event is about (`platform:path#number`); empty for events of no single issue.
std::string issue_key_of(const bot::domain_event& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        if constexpr (requires { e.issue; }) return e.issue.key();
        return {};
      },
      event);
}

// A ledger refusal is final (an overflow stays one), but for a balance that another delivery
// spent meanwhile: a retry decides again on the new balance (the pledge then awaits funds).
bool is_permanent_refusal(const std::exception& e) {
  const auto* r = dynamic_cast<const escrow::ledger_refusal*>(&e);
  return r != nullptr && r->reason.code != problem_code::insufficient;
}

// The cause of a domain event, empty for nothing to do.
std::string cause_of(const bot::domain_event& event) {
  return std::visit(
      [](const auto& e) -> std::string {
        if constexpr (requires { e.cause; }) return e.cause;
        return {};
      },
      event);
}

constexpr const char* backfill_marker_sql = "SELECT through_inbox_id, next_inbox_id FROM event_cause_backfill FOR UPDATE";
constexpr const char* backfill_advance_sql = "UPDATE event_cause_backfill SET next_inbox_id = $1";
constexpr const char* backfill_done_sql = "DELETE FROM event_cause_backfill";

/// The oldest delivery that may be taken now ($1: max attempts), locked: its issue is named, no
/// delivery before it waits to be named, and no older one of its issue is pending. Columns: id,
/// platform, delivery_id, event, then `payload_columns`.
std::string take_next_sql() {
  return std::string("SELECT id, platform, delivery_id, event, ") + payload_columns + " FROM inbox i "
         "WHERE processed_at IS NULL AND attempts < $1 AND issue_key IS NOT NULL "
         // Two separate tests, so each uses its index (inbox_unkeyed, inbox_pending_issue): an OR
         // of both made the planner compare every pending row with every older one.
         "AND NOT EXISTS (SELECT 1 FROM inbox o WHERE o.processed_at IS NULL AND o.issue_key IS NULL AND o.id < i.id) "
         "AND (i.issue_key = '-' OR NOT EXISTS (SELECT 1 FROM inbox o WHERE o.processed_at IS NULL "
         " AND o.issue_key = i.issue_key AND o.id < i.id AND o.attempts < $1)) "
         "ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED";
}

/// Pending deliveries whose issue is not named yet, oldest first, at most 100, locked. Columns: id,
/// platform, event, then `payload_columns`.
std::string unkeyed_pending_sql() {
  return std::string("SELECT id, platform, event, ") + payload_columns +
         " FROM inbox WHERE processed_at IS NULL AND issue_key IS NULL ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED";
}

/// Delivery $1 is about issue $2 (`platform:path#number`, '-' for none).
constexpr const char* set_issue_key_sql = "UPDATE inbox SET issue_key = $2 WHERE id = $1";

/// Counts a failed attempt of delivery $1 with error $2; returns the attempts so far.
constexpr const char* count_failed_attempt_sql =
    "UPDATE inbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1 RETURNING attempts";

/// Delivery $1 is given up on: processed, as failed.
constexpr const char* mark_failed_sql = "UPDATE inbox SET processed_at = now(), outcome = 'failed' WHERE id = $1";

/// Delivery $1 was processed with outcome $2.
constexpr const char* mark_processed_sql =
    "UPDATE inbox SET processed_at = now(), outcome = $2, attempts = attempts + 1 WHERE id = $1";

}  // namespace

int inbox_worker::backfill_causes() {
  int recorded = 0;
  const std::string rows_sql = std::string("SELECT id, platform, delivery_id, event, ") + payload_columns +
                               " FROM inbox WHERE id > $1 AND id <= $2 AND processed_at IS NOT NULL AND outcome = 'done' "
                               "ORDER BY id LIMIT $3";
  for (bool more = true; more;) {
    db::transact(conn_, db_url_, [&](pqxx::work& tx) {
      more = false;
      const auto marker = tx.exec(backfill_marker_sql);
      if (marker.empty()) return;
      const auto through = marker[0][0].as<std::int64_t>();
      const auto next = marker[0][1].as<std::int64_t>();
      const auto rows = tx.exec_params(rows_sql, next, through, backfill_batch_rows);
      if (rows.empty()) {
        tx.exec0(backfill_done_sql);
        spdlog::info("recorded the causes of the deliveries processed before migration 012");
        return;
      }
      for (const auto& row : rows) {
        std::string cause;
        try {
          cause = cause_of(translate(row[1].as<std::string>(), row[3].as<std::string>(),
                                     boost::json::parse(read_payload(row, 4))));
        } catch (const std::exception&) {
          continue;  // it failed when it was processed too: no effect to guard
        }
        if (cause.empty()) continue;
        const app::log_scope scope({.delivery = row[1].as<std::string>() + ":" + row[2].as<std::string>()});
        if (bot::claim_cause(tx, cause)) ++recorded;  // recorded under the delivery that had the effect
      }
      tx.exec_params0(backfill_advance_sql, rows.back()[0].as<std::int64_t>());
      more = true;
    });
  }
  return recorded;
}

inbox_worker::inbox_worker(std::string db_url, worker_settings settings)
    : db_url_(std::move(db_url)), settings_(std::move(settings)) {}
inbox_worker::~inbox_worker() = default;

bot::domain_event inbox_worker::translate(const std::string& platform, const std::string& event,
                                          const boost::json::value& payload) const {
  const auto p = bot::platform_from(platform);
  if (!p) return std::monostate{};  // a payment provider's event (stripe): no issue, no bot event
  return *p == bot::platform::github ? github::translate(event, payload, settings_.github_self)
                                     : gitlab::translate(event, payload, settings_.gitlab_self);
}

int inbox_worker::key_pending() {
  int n = 0;
  db::transact(conn_, db_url_, [&](pqxx::work& tx) {
    n = 0;
    static const std::string sql = unkeyed_pending_sql();
    const auto rows = tx.exec(sql);
    for (const auto& row : rows) {
      std::string key;
      try {
        key = issue_key_of(translate(row[1].as<std::string>(), row[2].as<std::string>(),
                                     boost::json::parse(read_payload(row, 3))));
      } catch (const std::exception&) {
        // A payload that processing will refuse: it waits for nothing.
      }
      if (key.empty()) key = "-";  // no single issue
      tx.exec_params0(set_issue_key_sql, row[0].as<std::int64_t>(), key);
      ++n;
    }
  });
  return n;
}

bool inbox_worker::process_one() {
  if (take_one()) return true;
  return key_pending() > 0 && take_one();
}

/// A pending delivery taken for processing: its row (columns of `take_next_sql`) is locked.
struct inbox_worker::taken_delivery {
  pqxx::row row;
  std::int64_t id;
  std::string platform;
  std::string delivery_id;
  std::string event;
};

std::optional<inbox_worker::taken_delivery> inbox_worker::take_next(pqxx::work& tx) {
  static const std::string sql = take_next_sql();
  const auto rows = tx.exec_params(sql, settings_.max_attempts);
  if (rows.empty()) return std::nullopt;
  const auto& row = rows[0];
  return taken_delivery{.row = row, .id = row[0].as<std::int64_t>(), .platform = row[1].as<std::string>(),
                        .delivery_id = row[2].as<std::string>(), .event = row[3].as<std::string>()};
}

std::optional<delivery_outcome> inbox_worker::apply_event(pqxx::work& tx, const bot::domain_event& translated,
                                                          bot::utc_time now) {
  return std::visit(
      [&](const auto& e) -> std::optional<delivery_outcome> {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return std::nullopt;
        } else {
          const app::log_scope issue_scope({.issue = issue_key_of(translated)});
          bool first = true;  // false: this event's cause had effect under another delivery id
          if constexpr (std::is_same_v<T, bot::comment_posted>) {
            first = bot::process_comment(tx, e, settings_.store, now, settings_.is_maintainer);
          } else if constexpr (std::is_same_v<T, bot::labels_changed>) {
            first = bot::process_labels(tx, e, settings_.store, now, settings_.is_maintainer);
          } else if constexpr (std::is_same_v<T, bot::issue_closed>) {
            first = bot::process_closed(tx, e, settings_.store, now);
          } else if constexpr (std::is_same_v<T, bot::change_merged>) {
            first = bot::process_merged(tx, e, settings_.store, now);
          } else if constexpr (std::is_same_v<T, bot::reaction_changed>) {
            first = bot::process_reaction(tx, e, settings_.store, now);
          }
          if (!first) {
            spdlog::info("the same event was processed before under another delivery id: no effect");
            return delivery_outcome::duplicate;
          }
          tx.exec(std::string("NOTIFY ") + jobs::outbox_channel);
          return delivery_outcome::done;
        }
      },
      translated);
}

namespace {

/// A Stripe payout or withdrawal part that Stripe undid after paying it (a reversed transfer, a
/// failed refund): failed with `reason` and its booking reversed, once. Stripe's object must be
/// the one that paid it; one that arrives before the sender recorded the payment is retried.
delivery_outcome undo_stripe_payout(pqxx::work& tx, std::int64_t payout_id, const std::string& object_id,
                                    payments::payout_kind kind, const std::string& reason) {
  const auto p = payments::payout_by_id(tx, payout_id);
  const bool ours = p && p->provider == payments::payout_provider::stripe && p->kind == kind;
  if (ours && p->state == payments::payout_state::requested) {
    throw std::runtime_error(std::string(payments::to_string(kind)) + " " + std::to_string(p->id) +
                             " is not marked paid yet; its undoing is retried");
  }
  if (!ours || p->reference != object_id) {
    throw adapters::payload_error(object_id + " did not pay " + std::string(payments::to_string(kind)) + " " +
                                  std::to_string(payout_id));
  }
  const auto r = payments::fail_payout(tx, p->id, reason, app::now_utc());
  if (!r) return delivery_outcome::duplicate;  // failed already: undone once
  spdlog::info("{} {} undone by Stripe: {} back to the user's balance", payments::to_string(kind), p->id,
               escrow::format_money(p->amount));
  return delivery_outcome::done;
}

}  // namespace

delivery_outcome inbox_worker::process_stripe(pqxx::work& tx, const taken_delivery& d, const boost::json::value& event) {
  if (const auto update = stripe::account_update_of(d.event, event)) {
    // An account this service did not create (another platform's, on the same Stripe account) changes nothing.
    return payments::set_payouts_enabled(tx, update->account_id, update->payouts_enabled) ? delivery_outcome::done
                                                                                           : delivery_outcome::ignored;
  }
  if (const auto reversal = stripe::transfer_reversal_of(d.event, event)) {
    return undo_stripe_payout(tx, reversal->payout_id, reversal->transfer_id, payments::payout_kind::payout,
                              "Stripe reversed transfer " + reversal->transfer_id);
  }
  if (const auto failure = stripe::refund_failure_of(d.event, event)) {
    return undo_stripe_payout(tx, failure->payout_id, failure->refund_id, payments::payout_kind::withdrawal,
                              "Stripe could not refund the card (" + failure->failure_reason + ")");
  }
  if (const auto dispute = stripe::card_dispute_of(d.event, event)) {
    const auto checked = payments::decide_card_dispute(*dispute);
    if (!checked) throw adapters::payload_error("dispute " + dispute->dispute_id + ": " + checked.error().message);
    const auto r = payments::record_card_dispute(tx, *checked, app::now_utc());
    if (!r.created) return delivery_outcome::duplicate;
    if (r.row.who) {
      spdlog::warn("card dispute {} of {}: {} frozen until the operator lifts it", checked->dispute_id,
                   escrow::format_money(checked->amount_minor, checked->currency), payments::account_ref(*r.row.who));
    } else {
      spdlog::warn("card dispute {} names no card payment of this service; listed for the operator", checked->dispute_id);
    }
    return delivery_outcome::done;
  }
  const auto payment = stripe::card_payment_of(d.event, event);
  if (!payment) return delivery_outcome::ignored;  // a session not paid yet: its success event follows
  if (payment->account.empty()) return delivery_outcome::ignored;  // not this service's session (no metadata[account])
  const auto deposit = payments::decide_card_payment(*payment);
  if (!deposit) throw adapters::payload_error("checkout session " + payment->session_id + ": " + deposit.error().message);
  const auto r = payments::record_card_payment(tx, *deposit, app::now_utc(), settings_.store.max_deposit_units);
  if (!r) throw adapters::payload_error("checkout session " + payment->session_id + ": " + r.error().message);
  if (!r->created) return delivery_outcome::duplicate;  // the session was paid in before (completed, then async success)
  spdlog::info("card payment {} deposited {} for {}", payment->session_id, escrow::format_money(deposit->net),
               payments::account_ref(deposit->to));
  tx.exec(std::string("NOTIFY ") + jobs::outbox_channel);  // held, cut or refused pledges have replies to send
  return delivery_outcome::done;
}

delivery_outcome inbox_worker::process(pqxx::work& tx, const taken_delivery& d) {
  auto outcome = delivery_outcome::ignored;
  const auto payload = boost::json::parse(read_payload(d.row, 4));
  if (d.platform == "stripe") return process_stripe(tx, d, payload);
  if (bot::platform_from(d.platform) == bot::platform::github && (d.event == "installation" || d.event == "installation_repositories")) {
    github::record_installation(tx, d.event, payload);
    outcome = delivery_outcome::done;
  }
  const bot::domain_event translated = translate(d.platform, d.event, payload);
  if (const auto applied = apply_event(tx, translated, app::now_utc())) outcome = *applied;
  return outcome;
}

bool inbox_worker::record_failure(pqxx::work& tx, const taken_delivery& d, const std::exception& e) {
  const std::string failure = e.what();
  const bool permanent = dynamic_cast<const adapters::payload_error*>(&e) != nullptr || is_permanent_refusal(e) ||
                         dynamic_cast<const std::invalid_argument*>(&e) != nullptr ||
                         dynamic_cast<const std::out_of_range*>(&e) != nullptr;
  const auto attempts = tx.exec_params1(count_failed_attempt_sql, d.id, failure)[0].as<int>();
  if (permanent || attempts >= settings_.max_attempts) {
    tx.exec_params0(mark_failed_sql, d.id);
    spdlog::error("delivery failed: {}", failure);
    return true;
  }
  spdlog::warn("delivery attempt {} failed, will retry: {}", attempts, failure);
  return false;
}

std::optional<delivery_outcome> inbox_worker::handle(pqxx::work& tx, const taken_delivery& d) {
  const app::log_scope delivery_scope({.delivery = d.platform + ":" + d.delivery_id});
  auto outcome = delivery_outcome::ignored;
  try {
    tx.exec("SAVEPOINT delivery");
    outcome = process(tx, d);
    tx.exec("RELEASE SAVEPOINT delivery");
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const pqxx::transaction_rollback&) {
    throw;
  } catch (const std::exception& e) {
    // Undo whatever this delivery did, keep the row locked, and record why.
    tx.exec("ROLLBACK TO SAVEPOINT delivery");
    if (record_failure(tx, d, e)) return delivery_outcome::failed;
    return std::nullopt;
  }
  tx.exec_params0(mark_processed_sql, d.id, std::string(to_string(outcome)));
  spdlog::debug("delivery {} {}", d.event, to_string(outcome));
  return outcome;
}

bool inbox_worker::take_one() {
  bool taken = false;
  std::optional<std::pair<std::string, delivery_outcome>> finished;  // platform, outcome
  db::transact(conn_, db_url_, [&](pqxx::work& tx) {
    finished.reset();
    const auto d = take_next(tx);
    taken = d.has_value();
    if (!d) return;
    if (const auto outcome = handle(tx, *d)) finished.emplace(d->platform, *outcome);
  });
  if (finished && settings_.on_processed) settings_.on_processed(finished->first, std::string(to_string(finished->second)));
  return taken;
}

int inbox_worker::drain() {
  int n = 0;
  while (process_one()) ++n;
  return n;
}

void inbox_worker::run(const std::atomic<bool>& stop) {
  jobs::run_on_notify(stop, db_url_, inbox_channel, settings_.idle_wait, "inbox worker", [this] { return process_one(); });
}

timer_scheduler::timer_scheduler(std::string db_url, bot::store_settings store, std::chrono::milliseconds tick)
    : db_url_(std::move(db_url)), store_(std::move(store)), tick_(tick) {}
timer_scheduler::~timer_scheduler() = default;

bool timer_scheduler::fire_one() {
  bool fired = false;
  db::transact(conn_, db_url_, [&](pqxx::work& tx) {
    fired = bot::fire_next_timer(tx, store_, app::now_utc());
    if (fired) tx.exec(std::string("NOTIFY ") + jobs::outbox_channel);
  });
  return fired;
}

int timer_scheduler::fire_due() {
  int n = 0;
  while (fire_one()) ++n;
  return n;
}

void timer_scheduler::run(const std::atomic<bool>& stop) {
  // Timers are due at whole seconds; looking every tick is the schedule itself.
  jobs::run_every(stop, tick_, "timer scheduler", [this] { return fire_one(); });
}

}  // namespace bountybot::jobs
