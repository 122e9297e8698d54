#include "accounts/store/store.hpp"

#include "accounts/store/sql.hpp"
#include "bot/store/store.hpp"
#include "escrow/ledger.hpp"
#include "escrow/store/store.hpp"

namespace bountybot::accounts {
namespace {

std::int64_t epoch(bot::utc_time t) { return t.time_since_epoch().count(); }
bot::utc_time from_epoch(std::int64_t s) { return bot::utc_time{std::chrono::seconds{s}}; }
std::optional<bot::utc_time> optional_time(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return from_epoch(f.as<std::int64_t>());
}
std::string platform_name(bot::platform p) { return std::string(bot::to_string(p)); }

std::vector<credit_row> credits_into(pqxx::work& tx, const std::string& account) {
  std::vector<credit_row> out;
  for (const auto& r : tx.exec_params(sql::earnings_of_user, account, overview_rows)) {
    out.push_back({r[0].as<std::int64_t>(), escrow::money(r[1].as<std::int64_t>(), r[2].as<std::string>()),
                   from_epoch(r[3].as<std::int64_t>()), r[4].as<std::string>()});
  }
  return out;
}

}  // namespace

void begin_sign_in(pqxx::work& tx, const std::string& state_hash, bot::platform platform, const std::string& next,
                   bot::utc_time expires_at) {
  // Sign-ins are started by anyone, signed in or not: the abandoned ones go as new ones come.
  tx.exec_params(sql::forget_expired_sign_ins, epoch(expires_at - sign_in_lifetime));
  tx.exec_params(sql::begin_sign_in, state_hash, platform_name(platform), next, epoch(expires_at));
}

std::optional<std::string> take_sign_in(pqxx::work& tx, const std::string& state_hash, bot::platform platform,
                                        bot::utc_time now) {
  const auto r = tx.exec_params(sql::take_sign_in, state_hash, platform_name(platform), epoch(now));
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

void start_session(pqxx::work& tx, const person& who, const std::string& token_sealed_hex,
                   const std::string& session_hash, const std::string& csrf, bot::utc_time now) {
  tx.exec_params(sql::forget_expired_sessions, epoch(now));
  tx.exec_params(sql::sign_in_user, platform_name(who.platform), who.id, who.login, token_sealed_hex, epoch(now));
  tx.exec_params(sql::create_session, session_hash, platform_name(who.platform), who.id, csrf, epoch(now),
                 epoch(now + session_lifetime));
}

std::optional<session> find_session(pqxx::work& tx, const std::string& session_hash, bot::utc_time now) {
  const auto r = tx.exec_params(sql::find_session, session_hash, epoch(now));
  if (r.empty()) return std::nullopt;
  const auto platform = bot::platform_from(r[0][0].as<std::string>());
  if (!platform) return std::nullopt;
  return session{{*platform, r[0][1].as<std::int64_t>(), r[0][2].as<std::string>()}, r[0][3].as<std::string>()};
}

void end_session(pqxx::work& tx, const std::string& session_hash) { tx.exec_params(sql::end_session, session_hash); }

std::optional<std::string> sealed_token(pqxx::work& tx, bot::platform platform, std::int64_t user_id) {
  const auto r = tx.exec_params(sql::user_token, platform_name(platform), user_id);
  if (r.empty()) return std::nullopt;
  return r[0][0].as<std::string>();
}

result<std::int64_t> create_token(pqxx::work& tx, const person& who, const std::string& name,
                                  const std::string& token_hash, bot::utc_time now) {
  tx.exec_params(sql::lock_user, platform_name(who.platform), who.id);
  const auto live = tx.exec_params1(sql::live_token_count, platform_name(who.platform), who.id)[0].as<long long>();
  if (live >= max_tokens_per_user) {
    return make_problem(problem_code::conflict, "you hold " + std::to_string(max_tokens_per_user) +
                                                    " live tokens, the most allowed: revoke one first");
  }
  return tx.exec_params1(sql::create_token, platform_name(who.platform), who.id, name, token_hash, epoch(now))[0]
      .as<std::int64_t>();
}

std::vector<token_row> tokens_of(pqxx::work& tx, const person& who) {
  std::vector<token_row> out;
  for (const auto& r : tx.exec_params(sql::tokens_of_user, platform_name(who.platform), who.id)) {
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), from_epoch(r[2].as<std::int64_t>()),
                   optional_time(r[3]), optional_time(r[4])});
  }
  return out;
}

bool revoke_token(pqxx::work& tx, const person& who, std::int64_t id, bot::utc_time now) {
  return !tx.exec_params(sql::revoke_token, platform_name(who.platform), who.id, id, epoch(now)).empty();
}

std::optional<person> use_token(pqxx::work& tx, const std::string& token_hash, bot::utc_time now) {
  const auto r = tx.exec_params(sql::use_token, token_hash, epoch(now));
  if (r.empty()) return std::nullopt;
  const auto platform = bot::platform_from(r[0][0].as<std::string>());
  if (!platform) return std::nullopt;
  return person{*platform, r[0][1].as<std::int64_t>(), r[0][2].as<std::string>()};
}

overview overview_of(pqxx::work& tx, const person& who) {
  const auto name = platform_name(who.platform);
  overview out;
  out.available = escrow::balances_by_currency(tx, escrow::available_account(name, who.id));
  out.payable = escrow::balances_by_currency(tx, escrow::payable_account(name, who.id));
  for (const auto& r : tx.exec_params(sql::pledges_of_user, name, who.id, overview_rows)) {
    pledge_row p;
    p.id = r[0].as<std::int64_t>();
    p.issue_key = r[1].as<std::string>() + ":" + r[2].as<std::string>() + "#" + r[3].as<std::string>();
    p.issue_url = r[4].as<std::string>();
    p.zero_value = r[6].is_null();
    p.amount = escrow::money(r[5].as<std::int64_t>(), r[6].is_null() ? "" : r[6].as<std::string>());
    p.state = r[7].as<std::string>();
    p.released_minor = r[8].as<std::int64_t>();
    p.bounty_state = r[9].as<std::string>();
    out.pledges.push_back(std::move(p));
  }
  out.earnings = credits_into(tx, escrow::payable_account(name, who.id));
  out.credits = credits_into(tx, escrow::available_account(name, who.id));
  out.frozen = is_frozen(tx, who);
  return out;
}

bool is_frozen(pqxx::work& tx, const person& who) { return bot::is_frozen(tx, platform_name(who.platform), who.id); }

std::vector<ledger_row> ledger_of(pqxx::work& tx, const person& who, std::int64_t before_id, int limit) {
  const auto name = platform_name(who.platform);
  std::vector<ledger_row> out;
  for (const auto& r : tx.exec_params(sql::ledger_of_user, escrow::available_account(name, who.id),
                                      escrow::payable_account(name, who.id), before_id, limit)) {
    out.push_back({r[0].as<std::int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(), r[3].as<std::string>(),
                   r[4].as<std::string>(), escrow::money(r[5].as<std::int64_t>(), r[6].as<std::string>()),
                   from_epoch(r[7].as<std::int64_t>())});
  }
  return out;
}

}  // namespace bountybot::accounts
