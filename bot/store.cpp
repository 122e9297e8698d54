#include "bot/store.hpp"

#include "bot/status.hpp"
#include "app/db.hpp"
#include "escrow/store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>

namespace bountybot::bot {
namespace {

using std::int64_t;

constexpr const char* upsert_repository_sql =
    "INSERT INTO repositories (platform, platform_id, full_path) VALUES ($1, $2, $3) "
    "ON CONFLICT (platform, platform_id) DO UPDATE SET full_path = EXCLUDED.full_path RETURNING id";
constexpr const char* upsert_path_sql =
    "INSERT INTO repository_paths (platform, full_path_key, repository_id) VALUES ($1, lower($2), $3) "
    "ON CONFLICT (platform, full_path_key) DO UPDATE SET repository_id = EXCLUDED.repository_id";
constexpr const char* upsert_user_sql =
    "INSERT INTO users (platform, platform_id, login) VALUES ($1, $2, $3) "
    "ON CONFLICT (platform, platform_id) DO UPDATE SET login = EXCLUDED.login WHERE users.login <> EXCLUDED.login";
constexpr const char* issue_lock_sql = "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))";
constexpr const char* bounty_columns =
    "b.id, b.state, b.currency, b.goal_minor, extract(epoch from b.deadline), b.status_comment_id, b.issue_url, "
    "b.issue_number, r.platform, r.platform_id, r.full_path ";
constexpr const char* pledges_sql =
    "SELECT p.id, p.platform, p.user_id, u.login, p.amount_minor, p.currency, p.state, "
    "extract(epoch from p.created_at), extract(epoch from p.deadline), extract(epoch from p.funds_expire_at), "
    "p.released_minor FROM pledges p JOIN users u ON u.platform = p.platform AND u.platform_id = p.user_id "
    "WHERE p.bounty_id = $1 ORDER BY p.id";
constexpr const char* insert_bounty_sql =
    "INSERT INTO bounties (repository_id, issue_number, issue_url) VALUES ($1, $2, $3) RETURNING id";
constexpr const char* insert_pledge_sql =
    "INSERT INTO pledges (bounty_id, platform, user_id, amount_minor, currency, state, created_at, deadline, "
    "funds_expire_at, idempotency_key) VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, to_timestamp($7), "
    "to_timestamp($8), CASE WHEN $9::bigint IS NULL THEN NULL ELSE to_timestamp($9::bigint) END, $10) "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";
constexpr const char* set_pledge_state_sql = "UPDATE pledges SET state = $2 WHERE id = $1";
constexpr const char* insert_outbox_sql =
    "INSERT INTO outbox (platform, repository_id, issue_number, kind, bounty_id, comment_id, body, reaction) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

int64_t epoch(utc_time t) { return t.time_since_epoch().count(); }

bounty_record read_bounty_row(const pqxx::row& row) {
  bounty_record rec;
  rec.current.id = row[0].as<int64_t>();
  rec.current.state = bounty_state_from(row[1].as<std::string>());
  if (!row[2].is_null()) rec.current.currency = row[2].as<std::string>();
  if (!row[3].is_null()) rec.current.goal_minor = row[3].as<int64_t>();
  if (!row[4].is_null()) rec.current.deadline = db::to_time(row[4]);
  if (!row[5].is_null()) rec.status_comment_id = row[5].as<int64_t>();
  rec.issue.url = row[6].as<std::string>();
  rec.issue.number = row[7].as<int64_t>();
  rec.issue.platform = row[8].as<std::string>();
  rec.issue.repository_id = row[9].as<int64_t>();
  rec.issue.repository_path = row[10].as<std::string>();
  return rec;
}

std::vector<pledge> load_pledges(pqxx::work& tx, int64_t bounty_id) {
  std::vector<pledge> out;
  for (const auto& row : tx.exec_params(pledges_sql, bounty_id)) {
    pledge p;
    p.id = row[0].as<int64_t>();
    p.sponsor = {row[1].as<std::string>(), row[2].as<int64_t>(), row[3].as<std::string>()};
    p.amount_minor = row[4].as<int64_t>();
    p.currency = row[5].is_null() ? std::string() : row[5].as<std::string>();
    p.state = pledge_state_from(row[6].as<std::string>());
    p.created_at = db::to_time(row[7]);
    p.deadline = db::to_time(row[8]);
    if (!row[9].is_null()) p.funds_expire_at = db::to_time(row[9]);
    p.released_minor = row[10].as<int64_t>();
    out.push_back(std::move(p));
  }
  return out;
}

void enqueue(pqxx::work& tx, const issue_ref& issue, int64_t repo_id, const std::string& kind,
             std::optional<int64_t> bounty_id, std::optional<int64_t> comment_id, std::optional<std::string> body,
             std::optional<std::string> reaction) {
  tx.exec_params0(insert_outbox_sql, issue.platform, repo_id, issue.number, kind, bounty_id, comment_id, body, reaction);
}

// Holds a pledge that the sponsor's balance covers: available -> escrow.
void hold(pqxx::work& tx, const pledge& p, int64_t bounty_id) {
  escrow::apply_transfer(tx, {escrow::hold_key(p.id), escrow::transfer_kind::pledge_hold,
                              escrow::available_account(p.sponsor.platform, p.sponsor.id),
                              escrow::escrow_account(bounty_id), p.amount_minor, p.currency, p.id});
}

}  // namespace

std::int64_t upsert_repository(pqxx::work& tx, const issue_ref& issue) {
  const auto id = tx.exec_params1(upsert_repository_sql, issue.platform, issue.repository_id, issue.repository_path)[0]
                      .as<int64_t>();
  tx.exec_params0(upsert_path_sql, issue.platform, issue.repository_path, id);
  return id;
}

void upsert_user(pqxx::work& tx, const user_ref& user) {
  tx.exec_params0(upsert_user_sql, user.platform, user.id, user.login);
}

std::optional<bounty_record> load_bounty(pqxx::work& tx, std::int64_t bounty_id) {
  const auto r = tx.exec_params(std::string("SELECT ") + bounty_columns +
                                    "FROM bounties b JOIN repositories r ON r.id = b.repository_id WHERE b.id = $1",
                                bounty_id);
  if (r.empty()) return std::nullopt;
  auto rec = read_bounty_row(r[0]);
  rec.pledges = load_pledges(tx, rec.current.id);
  return rec;
}

std::optional<bounty_record> find_bounty(pqxx::work& tx, const std::string& platform, const std::string& full_path,
                                         std::int64_t number) {
  const auto r = tx.exec_params(std::string("SELECT ") + bounty_columns +
                                    "FROM repository_paths rp JOIN repositories r ON r.id = rp.repository_id "
                                    "JOIN bounties b ON b.repository_id = r.id "
                                    "WHERE rp.platform = $1 AND rp.full_path_key = lower($2) AND b.issue_number = $3",
                                platform, full_path, number);
  if (r.empty()) return std::nullopt;
  auto rec = read_bounty_row(r[0]);
  rec.pledges = load_pledges(tx, rec.current.id);
  return rec;
}

void process_comment(pqxx::work& tx, const comment_posted& event, const store_settings& settings, utc_time now,
                     const std::string& delivery_key) {
  if (event.by_bot) return;
  const auto commands = parse_comment(event.body);
  if (commands.empty()) return;

  const auto& issue = event.issue;
  const int64_t repo_id = upsert_repository(tx, issue);
  upsert_user(tx, event.author);
  // One comment at a time per issue: the decision below is made on a view nobody else changes.
  tx.exec_params(issue_lock_sql, issue.platform + ":" + std::to_string(issue.repository_id) + "#" +
                                      std::to_string(issue.number));

  bounty_view view;
  view.issue = issue;
  const auto existing =
      tx.exec_params("SELECT id FROM bounties WHERE repository_id = $1 AND issue_number = $2", repo_id, issue.number);
  if (!existing.empty()) {
    auto rec = load_bounty(tx, existing[0][0].as<int64_t>());
    view.current = rec->current;
    view.pledges = std::move(rec->pledges);
  }
  view.author_available =
      escrow::balances_by_currency(tx, escrow::available_account(event.author.platform, event.author.id));

  const decision d = decide(view, event.author, commands, settings.repo, now);
  spdlog::info("{} {}: {} command(s) done, {} refused", issue.key(), delivery_key, d.done, d.refused);

  int64_t bounty_id = view.current ? view.current->id : 0;
  std::map<int64_t, int64_t> stored_ids;  // temporary pledge id -> stored id
  int pledge_index = 0;
  for (const auto& e : d.effects) {
    if (std::holds_alternative<create_bounty>(e)) {
      bounty_id = tx.exec_params1(insert_bounty_sql, repo_id, issue.number, issue.url)[0].as<int64_t>();
    } else if (const auto* fc = std::get_if<fix_currency>(&e)) {
      tx.exec_params0("UPDATE bounties SET currency = $2 WHERE id = $1", bounty_id, fc->currency);
    } else if (const auto* ap = std::get_if<add_pledge>(&e)) {
      const pledge& p = ap->p;
      const std::optional<int64_t> expires =
          p.funds_expire_at ? std::optional<int64_t>(epoch(*p.funds_expire_at)) : std::nullopt;
      const auto key = delivery_key + ":" + std::to_string(pledge_index++);
      const auto inserted = tx.exec_params(insert_pledge_sql, bounty_id, p.sponsor.platform, p.sponsor.id,
                                           p.amount_minor, p.currency, std::string(to_string(p.state)),
                                           epoch(p.created_at), epoch(p.deadline), expires, key);
      if (inserted.empty()) continue;  // this delivery's pledge exists already
      pledge stored = p;
      stored.id = inserted[0][0].as<int64_t>();
      stored_ids[p.id] = stored.id;
      if (stored.state == pledge_state::held && stored.amount_minor > 0) hold(tx, stored, bounty_id);
    } else if (const auto* rp = std::get_if<refund_pledge>(&e)) {
      escrow::apply_transfer(tx, {escrow::refund_key(rp->pledge_id), escrow::transfer_kind::refund,
                                  escrow::escrow_account(bounty_id),
                                  escrow::available_account(rp->sponsor.platform, rp->sponsor.id), rp->amount_minor,
                                  rp->currency, rp->pledge_id});
      tx.exec_params0(set_pledge_state_sql, rp->pledge_id, std::string(to_string(pledge_state::refunded)));
    } else if (const auto* cp = std::get_if<cancel_pledge>(&e)) {
      tx.exec_params0(set_pledge_state_sql, cp->pledge_id, std::string(to_string(pledge_state::cancelled)));
    } else if (std::holds_alternative<refresh_status>(e)) {
      enqueue(tx, issue, repo_id, "status", bounty_id, std::nullopt, std::nullopt, std::nullopt);
    }
  }

  if (!d.reply.empty()) {
    std::vector<std::string> parts;
    for (const auto& part : d.reply) {
      if (const auto* text = std::get_if<std::string>(&part)) {
        parts.push_back(*text);
      } else {
        const auto& fr = std::get<funds_request>(part);
        const auto id = fr.pledge_id < 0 ? stored_ids[fr.pledge_id] : fr.pledge_id;
        parts.push_back(render_funds_request(settings.public_url, id, fr.missing_minor, fr.currency,
                                             settings.repo.awaiting_funds_ttl));
      }
    }
    enqueue(tx, issue, repo_id, "reply", std::nullopt, std::nullopt, render_reply(event.author.login, parts),
            std::nullopt);
  }
  if (d.done > 0) enqueue(tx, issue, repo_id, "reaction", std::nullopt, event.comment_id, std::nullopt, "done");
  if (d.refused > 0) enqueue(tx, issue, repo_id, "reaction", std::nullopt, event.comment_id, std::nullopt, "refused");
}

result<deposit_result> record_deposit(pqxx::work& tx, const deposit_request& request, utc_time now) {
  if (request.platform != "github" && request.platform != "gitlab") {
    return make_problem("platform", "platform must be `github` or `gitlab`");
  }
  if (request.user_id <= 0) return make_problem("user", "user_id must be a positive platform user id");
  if (request.amount_minor <= 0) return make_problem("amount", "amount must be a positive integer of minor units");
  const auto* cur = escrow::find_currency(request.currency);
  if (cur == nullptr) return make_problem("currency", "`" + request.currency + "` is not an ISO 4217 code this service knows");
  if (request.reference.empty() || request.reference.size() > 200) {
    return make_problem("reference", "reference must be 1 to 200 characters");
  }
  const std::string currency(cur->code);
  const std::string account = escrow::available_account(request.platform, request.user_id);

  deposit_result out;
  const auto inserted = tx.exec_params(
      "INSERT INTO deposits (provider, reference, platform, user_id, amount_minor, currency) VALUES ($1, $2, $3, $4, $5, $6) "
      "ON CONFLICT (provider, reference) DO NOTHING RETURNING id",
      request.provider, request.reference, request.platform, request.user_id, request.amount_minor, currency);
  if (inserted.empty()) {
    const auto row = tx.exec_params1(
        "SELECT id, platform, user_id, amount_minor, currency FROM deposits WHERE provider = $1 AND reference = $2",
        request.provider, request.reference);
    if (row[1].as<std::string>() != request.platform || row[2].as<int64_t>() != request.user_id ||
        row[3].as<int64_t>() != request.amount_minor || row[4].as<std::string>() != currency) {
      return make_problem("conflict", "reference `" + request.reference + "` was recorded before with other values");
    }
    out.deposit_id = row[0].as<int64_t>();
    out.available_minor = escrow::balance_of(tx, account, currency);
    return out;
  }
  out.created = true;
  out.deposit_id = inserted[0][0].as<int64_t>();
  upsert_user(tx, {request.platform, request.user_id,
                   request.login.empty() ? "user-" + std::to_string(request.user_id) : request.login});
  escrow::apply_transfer(tx,
                         {escrow::deposit_key(request.provider, request.reference), escrow::transfer_kind::deposit,
                          escrow::external_account(request.provider), account, request.amount_minor, currency},
                         request.reference);

  // Fund awaiting pledges, oldest first, then refresh the status of every bounty that changed.
  std::vector<pledge> awaiting;
  std::map<int64_t, int64_t> bounty_of;
  for (const auto& row : tx.exec_params(
           "SELECT id, bounty_id, amount_minor, extract(epoch from funds_expire_at) FROM pledges "
           "WHERE platform = $1 AND user_id = $2 AND currency = $3 AND state = 'awaiting_funds' ORDER BY id FOR UPDATE",
           request.platform, request.user_id, currency)) {
    pledge p;
    p.id = row[0].as<int64_t>();
    p.sponsor = {request.platform, request.user_id, request.login};
    p.amount_minor = row[2].as<int64_t>();
    p.currency = currency;
    p.state = pledge_state::awaiting_funds;
    if (!row[3].is_null()) p.funds_expire_at = db::to_time(row[3]);
    bounty_of[p.id] = row[1].as<int64_t>();
    awaiting.push_back(std::move(p));
  }
  const auto plan = plan_funding(escrow::balance_of(tx, account, currency), awaiting, now);
  for (auto id : plan.expired) tx.exec_params0(set_pledge_state_sql, id, std::string(to_string(pledge_state::cancelled)));
  std::map<int64_t, bool> touched;
  for (auto id : plan.hold) {
    const auto it = std::find_if(awaiting.begin(), awaiting.end(), [&](const pledge& p) { return p.id == id; });
    const int64_t bounty_id = bounty_of[id];
    const auto state = tx.exec_params1("SELECT state FROM bounties WHERE id = $1 FOR UPDATE", bounty_id)[0].as<std::string>();
    if (state != "open" && state != "accepted" && state != "voting") {
      tx.exec_params0(set_pledge_state_sql, id, std::string(to_string(pledge_state::cancelled)));
      continue;
    }
    hold(tx, *it, bounty_id);
    tx.exec_params0(set_pledge_state_sql, id, std::string(to_string(pledge_state::held)));
    out.held_pledges.push_back(id);
    touched[bounty_id] = true;
  }
  for (const auto& [bounty_id, _] : touched) {
    const auto row = tx.exec_params1("SELECT repository_id, issue_number, (SELECT platform FROM repositories r WHERE r.id = b.repository_id) "
                                     "FROM bounties b WHERE id = $1", bounty_id);
    tx.exec_params0(insert_outbox_sql, row[2].as<std::string>(), row[0].as<int64_t>(), row[1].as<int64_t>(),
                    std::string("status"), bounty_id, std::optional<int64_t>(), std::optional<std::string>(),
                    std::optional<std::string>());
  }
  out.available_minor = escrow::balance_of(tx, account, currency);
  return out;
}

}  // namespace bountybot::bot
