#include "payments/store/store.hpp"

#include "escrow/ledger.hpp"
#include "escrow/store/store.hpp"
#include "payments/store/sql.hpp"

namespace bountybot::payments {

/// The provider name of card payments: `external:stripe`, the `deposits.provider` column.
constexpr std::string_view stripe_provider = "stripe";

std::optional<funding_view> load_funding(pqxx::work& tx, std::int64_t pledge_id, bot::utc_time now) {
  const auto r = tx.exec_params(sql::funding_view, pledge_id, now.time_since_epoch().count());
  if (r.empty()) return std::nullopt;
  const auto& row = r[0];
  const auto platform = bot::platform_from(row[4].as<std::string>());
  if (!platform) return std::nullopt;
  funding_view v;
  v.pledge_id = row[0].as<std::int64_t>();
  v.state = bot::pledge_state_from(row[1].as<std::string>());
  v.pledged = escrow::money(row[2].as<std::int64_t>(), row[3].as<std::string>());
  v.sponsor = payer{*platform, row[5].as<std::int64_t>()};
  v.sponsor_login = row[6].as<std::string>();
  v.issue_key = row[7].as<std::string>() + ":" + row[8].as<std::string>() + "#" + row[9].as<std::string>();
  v.issue_url = row[10].as<std::string>();
  if (!row[11].is_null()) v.funds_expire_at = bot::utc_time{std::chrono::seconds{row[11].as<std::int64_t>()}};
  v.available = escrow::money(row[12].as<std::int64_t>(), v.pledged.currency());
  v.awaiting_before = escrow::money(row[13].as<std::int64_t>(), v.pledged.currency());
  v.sponsor_frozen = row[14].as<bool>();
  return v;
}

result<bot::deposit_result> record_card_payment(pqxx::work& tx, const card_deposit& d, bot::utc_time now,
                                                std::int64_t max_units) {
  const auto platform = std::string(bot::to_string(d.to.platform));
  bot::deposit_request request{platform, d.to.user_id, "", d.net.amount_minor(), d.net.currency(), d.reference,
                               std::string(stripe_provider)};
  auto r = bot::record_deposit(tx, request, now, max_units);
  if (!r || !r->created) return r;
  if (d.surcharge.amount_minor() > 0) {
    escrow::apply_transfer(tx, {escrow::deposit_key(stripe_provider, d.reference) + ":surcharge", escrow::transfer_kind::fee,
                                escrow::external_account(stripe_provider), escrow::processing_account(), d.surcharge});
  }
  tx.exec_params0(sql::insert_card_payment, d.reference, d.payment_intent, platform, d.to.user_id, d.net.amount_minor(),
                  d.surcharge.amount_minor(), d.net.currency(), now.time_since_epoch().count());
  // A dispute that came before the payment's own event freezes its payer now.
  if (!d.payment_intent.empty() && !tx.exec_params(sql::claim_orphan_disputes, d.payment_intent, platform, d.to.user_id).empty()) {
    tx.exec_params(sql::lock_user, platform, d.to.user_id);
    tx.exec_params0(sql::freeze_user, platform, d.to.user_id, now.time_since_epoch().count());
  }
  return r;
}

namespace {

std::int64_t epoch(bot::utc_time t) { return t.time_since_epoch().count(); }

/// A stored name read back: the tables' CHECKs allow only known ones, so another is a broken row.
template <class T>
T known(const std::optional<T>& v, const char* what) {
  if (!v) throw std::runtime_error(std::string("a payouts row holds an unknown ") + what);
  return *v;
}

payout_row payout_of_row(const pqxx::row& r) {
  payout_row p;
  p.id = r[0].as<std::int64_t>();
  p.who = payer{known(bot::platform_from(r[1].as<std::string>()), "platform"), r[2].as<std::int64_t>()};
  p.amount = escrow::money(r[3].as<std::int64_t>(), r[4].as<std::string>());
  p.provider = known(payout_provider_from(r[5].as<std::string>()), "provider");
  p.destination = r[6].as<std::string>();
  p.state = known(payout_state_from(r[7].as<std::string>()), "state");
  p.reference = r[8].as<std::string>();
  p.reason = r[9].as<std::string>();
  p.requested_at = bot::utc_time{std::chrono::seconds{r[10].as<std::int64_t>()}};
  p.attempts = r[11].as<int>();
  p.kind = known(payout_kind_from(r[12].as<std::string>()), "kind");
  return p;
}

std::string select_payouts(const char* suffix) { return std::string("SELECT ") + sql::payout_columns + suffix; }

std::optional<payout_row> one_payout(const pqxx::result& r) {
  if (r.empty()) return std::nullopt;
  return payout_of_row(r[0]);
}

/// Locks `who`'s row, so that their payout and withdrawal requests are decided one at a time,
/// then reads the balances of their account `account_of(platform, id)` locked; `frozen` says
/// whether a card dispute froze them.
std::map<std::string, std::int64_t> lock_user_balances(pqxx::work& tx, const payer& who,
                                                        std::string (*account_of)(std::string_view, std::int64_t),
                                                        bool& frozen) {
  const auto platform = std::string(bot::to_string(who.platform));
  const auto r = tx.exec_params(sql::lock_user, platform, who.user_id);
  frozen = !r.empty() && r[0][0].as<bool>();
  return escrow::lock_balances_by_currency(tx, account_of(platform, who.user_id));
}

std::string payout_key(std::int64_t id) { return "payout:" + std::to_string(id); }
std::string reversal_key(std::int64_t id) { return "payout_reversal:" + std::to_string(id); }

}  // namespace

std::optional<payout_account> payout_account_of(pqxx::work& tx, const payer& who) {
  const auto r = tx.exec_params(sql::payout_account, std::string(bot::to_string(who.platform)), who.user_id);
  if (r.empty()) return std::nullopt;
  return payout_account{r[0][0].as<std::string>(), r[0][1].as<bool>()};
}

void record_payout_account(pqxx::work& tx, const payer& who, const std::string& account_id, bot::utc_time now) {
  tx.exec_params0(sql::insert_payout_account, std::string(bot::to_string(who.platform)), who.user_id, account_id, epoch(now));
}

bool set_payouts_enabled(pqxx::work& tx, const std::string& account_id, bool enabled) {
  return !tx.exec_params(sql::set_payouts_enabled, account_id, enabled).empty();
}

payout_view load_payout_view(pqxx::work& tx, const payer& who, bool stripe, std::int64_t minimum_units) {
  payout_view v;
  v.who = who;
  v.payable = lock_user_balances(tx, who, escrow::payable_account, v.frozen);
  v.stripe = stripe;
  v.account = payout_account_of(tx, who);
  v.minimum_units = minimum_units;
  return v;
}

booked_payout book_payout(pqxx::work& tx, const payer& who, const payout_plan& plan, const std::string& request_id,
                          bot::utc_time now) {
  const auto platform = std::string(bot::to_string(who.platform));
  if (const auto r = tx.exec_params(sql::payout_by_request, platform, who.user_id, request_id,
                                    std::string(to_string(payout_kind::payout)));
      !r.empty()) {
    return {*payout_by_id(tx, r[0][0].as<std::int64_t>()), false};
  }
  const auto id = tx.exec_params1(sql::insert_payout, platform, who.user_id, plan.amount.amount_minor(), plan.amount.currency(),
                                  std::string(to_string(plan.provider)), plan.destination, request_id, epoch(now),
                                  std::string(to_string(payout_kind::payout)), 0)[0]
                      .as<std::int64_t>();
  escrow::apply_transfer(tx, {payout_key(id), escrow::transfer_kind::payout, escrow::payable_account(platform, who.user_id),
                              escrow::external_account(to_string(plan.provider)), plan.amount});
  return {*payout_by_id(tx, id), true};
}

withdrawal_view load_withdrawal_view(pqxx::work& tx, const payer& who, bool stripe, std::int64_t minimum_units) {
  const auto platform = std::string(bot::to_string(who.platform));
  withdrawal_view v;
  v.who = who;
  v.available = lock_user_balances(tx, who, escrow::available_account, v.frozen);
  v.stripe = stripe;
  v.minimum_units = minimum_units;
  for (const auto& r : tx.exec_params(sql::refundable_payments, platform, who.user_id)) {
    v.card_payments[r[1].as<std::string>()].push_back({r[0].as<std::string>(), r[2].as<std::int64_t>()});
  }
  return v;
}

booked_withdrawal book_withdrawal(pqxx::work& tx, const payer& who, const std::vector<withdrawal_part>& parts,
                                  const std::string& request_id, bot::utc_time now) {
  const auto platform = std::string(bot::to_string(who.platform));
  booked_withdrawal out;
  if (const auto before = tx.exec_params(sql::payout_by_request, platform, who.user_id, request_id,
                                         std::string(to_string(payout_kind::withdrawal)));
      !before.empty()) {
    for (const auto& r : before) out.parts.push_back(*payout_by_id(tx, r[0].as<std::int64_t>()));
    return out;
  }
  out.created = true;
  int index = 0;
  for (const auto& part : parts) {
    const auto id = tx.exec_params1(sql::insert_payout, platform, who.user_id, part.amount.amount_minor(), part.amount.currency(),
                                    std::string(to_string(part.provider)), part.destination, request_id, epoch(now),
                                    std::string(to_string(payout_kind::withdrawal)), index++)[0]
                        .as<std::int64_t>();
    escrow::apply_transfer(tx, {"withdrawal:" + std::to_string(id), escrow::transfer_kind::withdrawal,
                                escrow::available_account(platform, who.user_id),
                                escrow::external_account(to_string(part.provider)), part.amount});
    out.parts.push_back(*payout_by_id(tx, id));
  }
  return out;
}

std::optional<payout_row> payout_by_id(pqxx::work& tx, std::int64_t id) {
  static const auto q = select_payouts(sql::payout_by_id_suffix);
  return one_payout(tx.exec_params(q, id));
}

std::vector<payout_row> payouts_of(pqxx::work& tx, const payer& who, int limit) {
  static const auto q = select_payouts(sql::payouts_of_user_suffix);
  std::vector<payout_row> out;
  for (const auto& r : tx.exec_params(q, std::string(bot::to_string(who.platform)), who.user_id, limit)) out.push_back(payout_of_row(r));
  return out;
}

std::vector<payout_row> payouts_in_state(pqxx::work& tx, payout_state state, int limit) {
  static const auto q = select_payouts(sql::payouts_in_state_suffix);
  std::vector<payout_row> out;
  for (const auto& r : tx.exec_params(q, std::string(to_string(state)), limit)) out.push_back(payout_of_row(r));
  return out;
}

std::optional<payout_row> next_due_payout(pqxx::work& tx, bot::utc_time now) {
  static const auto q = select_payouts(sql::next_due_suffix);
  return one_payout(tx.exec_params(q, epoch(now)));
}

namespace {

/// Locks payout `id`, decides `what` by `by` (decide_settlement) and applies it: the new state
/// with `text` (the reference when paid, the reason when failed) and, for a failure, the
/// `payout_reversal` back to the user, keyed `payout_reversal:{id}`.
result<payout_row> settle(pqxx::work& tx, std::int64_t id, settlement what, settled_by by, const std::string& text,
                          bot::utc_time now) {
  static const auto q = select_payouts(sql::lock_payout_suffix);
  auto p = one_payout(tx.exec_params(q, id));
  if (!p) return make_problem(problem_code::not_found, "no such payout");
  const auto plan = decide_settlement(p->id, p->kind, p->provider, p->state, what, by);
  if (!plan) return plan.error();
  if (plan->reverse) {
    const auto platform = std::string(bot::to_string(p->who.platform));
    const auto back = plan->to_available ? escrow::available_account(platform, p->who.user_id)
                                         : escrow::payable_account(platform, p->who.user_id);
    escrow::apply_transfer(tx, {reversal_key(id), escrow::transfer_kind::payout_reversal,
                                escrow::external_account(to_string(p->provider)), back, p->amount});
  }
  if (plan->next == payout_state::paid) {
    tx.exec_params0(sql::mark_paid, id, text, epoch(now));
    p->reference = text;
  } else {
    tx.exec_params0(sql::mark_failed, id, text, epoch(now));
    p->reason = text;
  }
  p->state = plan->next;
  return *p;
}

}  // namespace

result<payout_row> mark_payout_paid(pqxx::work& tx, std::int64_t id, const std::string& reference, bot::utc_time now) {
  return settle(tx, id, settlement::paid, settled_by::provider, reference, now);
}

result<payout_row> fail_payout(pqxx::work& tx, std::int64_t id, const std::string& reason, bot::utc_time now) {
  return settle(tx, id, settlement::failed, settled_by::provider, reason, now);
}

result<payout_row> settle_manual_payout(pqxx::work& tx, std::int64_t id, bool paid, const std::string& text,
                                        bot::utc_time now) {
  return settle(tx, id, paid ? settlement::paid : settlement::failed, settled_by::operator_hand, text, now);
}

std::optional<payout_row> payout_by_request(pqxx::work& tx, const payer& who, const std::string& request_id,
                                            payout_kind kind) {
  const auto r = tx.exec_params(sql::payout_by_request, std::string(bot::to_string(who.platform)), who.user_id, request_id,
                                std::string(to_string(kind)));
  if (r.empty()) return std::nullopt;
  return payout_by_id(tx, r[0][0].as<std::int64_t>());
}

void retry_payout_later(pqxx::work& tx, std::int64_t id, const std::string& error, bot::utc_time next_attempt_at,
                        bot::utc_time now) {
  tx.exec_params0(sql::retry_later, id, error, epoch(next_attempt_at), epoch(now));
}

namespace {

card_dispute_row card_dispute_of_row(const pqxx::row& r) {
  card_dispute_row d;
  d.dispute.dispute_id = r[0].as<std::string>();
  d.dispute.charge = r[1].as<std::string>();
  d.dispute.payment_intent = r[2].as<std::string>();
  if (!r[3].is_null()) {
    if (const auto platform = bot::platform_from(r[3].as<std::string>())) d.who = payer{*platform, r[4].as<std::int64_t>()};
  }
  d.dispute.amount_minor = r[5].as<std::int64_t>();
  d.dispute.currency = r[6].as<std::string>();
  d.dispute.reason = r[7].as<std::string>();
  d.opened_at = bot::utc_time{std::chrono::seconds{r[8].as<std::int64_t>()}};
  if (!r[9].is_null()) d.lifted_at = bot::utc_time{std::chrono::seconds{r[9].as<std::int64_t>()}};
  d.lift_note = r[10].as<std::string>();
  return d;
}

std::string select_card_disputes(const char* suffix) { return std::string("SELECT ") + sql::card_dispute_columns + suffix; }

}  // namespace

recorded_card_dispute record_card_dispute(pqxx::work& tx, const card_dispute& d, bot::utc_time now) {
  std::optional<payer> who;
  if (!d.payment_intent.empty()) {
    const auto r = tx.exec_params(sql::payer_of_payment_intent, d.payment_intent);
    if (!r.empty()) {
      if (const auto platform = bot::platform_from(r[0][0].as<std::string>())) who = payer{*platform, r[0][1].as<std::int64_t>()};
    }
  }
  const std::optional<std::string> platform = who ? std::optional(std::string(bot::to_string(who->platform))) : std::nullopt;
  const std::optional<std::int64_t> user_id = who ? std::optional(who->user_id) : std::nullopt;
  // The user's row first, as a lift takes it: a freeze and a lift of the same user go one at a time.
  if (who) tx.exec_params(sql::lock_user, *platform, who->user_id);
  const bool created = !tx.exec_params(sql::insert_card_dispute, d.dispute_id, d.charge, d.payment_intent, platform, user_id,
                                       d.amount_minor, d.currency, d.reason, epoch(now))
                            .empty();
  if (created && who) tx.exec_params0(sql::freeze_user, *platform, who->user_id, epoch(now));
  return {*card_dispute_by_id(tx, d.dispute_id), created};
}

std::optional<card_dispute_row> card_dispute_by_id(pqxx::work& tx, const std::string& dispute_id) {
  const auto r = tx.exec_params(select_card_disputes(sql::card_dispute_by_id_suffix), dispute_id);
  if (r.empty()) return std::nullopt;
  return card_dispute_of_row(r[0]);
}

std::vector<card_dispute_row> card_disputes(pqxx::work& tx, bool open_only, int limit) {
  std::vector<card_dispute_row> out;
  for (const auto& r : tx.exec_params(select_card_disputes(open_only ? sql::open_card_disputes_suffix
                                                                     : sql::all_card_disputes_suffix),
                                      limit)) {
    out.push_back(card_dispute_of_row(r));
  }
  return out;
}

result<card_dispute_row> lift_card_dispute(pqxx::work& tx, const std::string& dispute_id, const std::string& note,
                                           bot::utc_time now) {
  const auto r = tx.exec_params(select_card_disputes(sql::lock_card_dispute_suffix), dispute_id);
  if (r.empty()) return make_problem(problem_code::not_found, "no such dispute");
  const auto d = card_dispute_of_row(r[0]);
  if (d.lifted_at) return make_problem(problem_code::conflict, "dispute " + dispute_id + " was lifted already");
  if (d.who) tx.exec_params(sql::lock_user, std::string(bot::to_string(d.who->platform)), d.who->user_id);
  tx.exec_params0(sql::lift_card_dispute, dispute_id, epoch(now), note);
  // Read after the user's lock: a lift or a dispute of theirs that committed meanwhile is seen.
  if (d.who) tx.exec_params0(sql::thaw_user, std::string(bot::to_string(d.who->platform)), d.who->user_id);
  return *card_dispute_by_id(tx, dispute_id);
}

}  // namespace bountybot::payments
