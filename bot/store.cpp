#include "bot/store.hpp"

#include "app/db.hpp"
#include "app/log_context.hpp"
#include "bot/status.hpp"
#include "escrow/inert.hpp"
#include "escrow/store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <map>
#include <set>
#include <tuple>

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
    "b.issue_number, r.platform, r.platform_id, r.full_path, b.disputed, b.closed_completed, b.split, r.id ";
constexpr const char* pledges_sql =
    "SELECT p.id, p.platform, p.user_id, u.login, p.amount_minor, p.currency, p.state, "
    "extract(epoch from p.created_at), extract(epoch from p.deadline), extract(epoch from p.funds_expire_at), "
    "p.released_minor FROM pledges p JOIN users u ON u.platform = p.platform AND u.platform_id = p.user_id "
    "WHERE p.bounty_id = $1 ORDER BY p.id";
constexpr const char* milestones_sql =
    "SELECT id, position, name, percent, state, rejections, released_minor FROM milestones WHERE bounty_id = $1 "
    "ORDER BY position";
constexpr const char* open_vote_sql =
    "SELECT id, milestone_ids::text, extract(epoch from closes_at), release_minor, comment_id FROM votes "
    "WHERE bounty_id = $1 AND state = 'open'";
constexpr const char* insert_bounty_sql =
    "INSERT INTO bounties (repository_id, issue_number, issue_url) VALUES ($1, $2, $3) RETURNING id";
constexpr const char* insert_pledge_sql =
    "INSERT INTO pledges (bounty_id, platform, user_id, amount_minor, currency, state, created_at, deadline, "
    "funds_expire_at, idempotency_key) VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, to_timestamp($7), "
    "to_timestamp($8), CASE WHEN $9::bigint IS NULL THEN NULL ELSE to_timestamp($9::bigint) END, $10) "
    "ON CONFLICT (idempotency_key) DO NOTHING RETURNING id";
constexpr const char* set_pledge_state_sql = "UPDATE pledges SET state = $2 WHERE id = $1";
// The repository gets its turn row with its first call (migration 010): the sender finds calls
// through the turns.
constexpr const char* insert_outbox_sql =
    "WITH turn AS (INSERT INTO outbox_turns (repository_id, last_sent_at) VALUES ($2, '-infinity') "
    "ON CONFLICT (repository_id) DO NOTHING) "
    "INSERT INTO outbox (platform, repository_id, issue_number, kind, bounty_id, comment_id, body, reaction, vote_id, "
    "label, delivery) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, NULLIF($11, ''))";
// A depositor's awaiting pledges in the currency, oldest first, with their issues and what their
// bounties' goals need: state, goal and the held total (as `totals` counts it). Read under the
// issues' locks, so no comment changes a goal's room before the holds are written.
constexpr const char* awaiting_for_deposit_sql =
    "SELECT p.id, p.bounty_id, p.amount_minor, extract(epoch from p.funds_expire_at), b.state, b.goal_minor, "
    "  coalesce((SELECT sum(h.amount_minor - h.released_minor) FROM pledges h WHERE h.bounty_id = b.id "
    "            AND h.state = 'held'), 0), r.platform, r.platform_id, b.issue_number "
    "FROM pledges p JOIN bounties b ON b.id = p.bounty_id JOIN repositories r ON r.id = b.repository_id "
    "WHERE p.platform = $1 AND p.user_id = $2 AND p.currency = $3 AND p.state = 'awaiting_funds' "
    "ORDER BY p.id FOR UPDATE OF p";
// The issues of a depositor's oldest awaiting pledges, at most $4 of them.
constexpr const char* awaiting_issues_sql =
    "SELECT r.platform, r.platform_id, b.issue_number FROM pledges p JOIN bounties b ON b.id = p.bounty_id "
    "JOIN repositories r ON r.id = b.repository_id "
    "WHERE p.platform = $1 AND p.user_id = $2 AND p.currency = $3 AND p.state = 'awaiting_funds' "
    "GROUP BY 1, 2, 3 ORDER BY min(p.id) LIMIT $4";
constexpr const char* put_back_timer_sql = "UPDATE timers SET fire_at = to_timestamp($2) WHERE id = $1";
constexpr const char* login_sql = "SELECT login FROM users WHERE platform = $1 AND platform_id = $2";
constexpr const char* cut_pledge_sql = "UPDATE pledges SET amount_minor = $2 WHERE id = $1";
constexpr const char* claim_cause_sql =
    "INSERT INTO event_causes (cause, delivery) VALUES ($1, NULLIF($2, '')) ON CONFLICT (cause) DO NOTHING RETURNING 1";
constexpr const char* insert_timer_sql =
    "INSERT INTO timers (kind, bounty_id, pledge_id, vote_id, due_at, fire_at) "
    "VALUES ($1, $2, $3, $4, to_timestamp($5), to_timestamp($5))";

int64_t epoch(utc_time t) { return t.time_since_epoch().count(); }

// "alice:70,bob:30" <-> split shares.
std::string encode_split(const std::vector<split_share>& split) {
  std::string out;
  for (const auto& s : split) out += (out.empty() ? "" : ",") + s.login + ":" + std::to_string(s.percent);
  return out;
}
std::vector<split_share> decode_split(const std::string& text) {
  std::vector<split_share> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto comma = text.find(',', pos);
    const auto part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    const auto colon = part.rfind(':');
    if (colon != std::string::npos) out.push_back({part.substr(0, colon), std::stoi(part.substr(colon + 1))});
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::vector<int64_t> parse_id_array(const std::string& text) {  // "{1,2,3}"
  std::vector<int64_t> out;
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if (!digits.empty()) {
      out.push_back(std::stoll(digits));
      digits.clear();
    }
  }
  return out;
}

std::string id_array(const std::vector<int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) out += (i ? "," : "") + std::to_string(ids[i]);
  return out + "}";
}

struct stored_bounty {
  bounty_record rec;
  int64_t repo_id = 0;
};

stored_bounty read_bounty_row(const pqxx::row& row) {
  stored_bounty out;
  auto& rec = out.rec;
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
  rec.current.disputed = row[11].as<bool>();
  rec.current.closed_completed = row[12].as<bool>();
  if (!row[13].is_null()) rec.current.split = decode_split(row[13].as<std::string>());
  out.repo_id = row[14].as<int64_t>();
  return out;
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

std::vector<milestone> load_milestones(pqxx::work& tx, int64_t bounty_id) {
  std::vector<milestone> out;
  for (const auto& row : tx.exec_params(milestones_sql, bounty_id)) {
    out.push_back({row[0].as<int64_t>(), row[1].as<int>(), row[2].as<std::string>(), row[3].as<int>(),
                   milestone_state_from(row[4].as<std::string>()), row[5].as<int>(), row[6].as<int64_t>()});
  }
  return out;
}

open_vote load_vote_details(pqxx::work& tx, const pqxx::row& row) {
  open_vote v;
  v.id = row[0].as<int64_t>();
  v.milestone_ids = parse_id_array(row[1].as<std::string>());
  v.closes_at = db::to_time(row[2]);
  v.release_minor = row[3].as<int64_t>();
  if (!row[4].is_null()) v.comment_id = row[4].as<int64_t>();
  for (const auto& s : tx.exec_params("SELECT platform, user_id, login, percent FROM vote_solvers WHERE vote_id = $1 "
                                      "ORDER BY position", v.id)) {
    v.solvers.push_back({{s[0].as<std::string>(), s[1].as<int64_t>(), s[2].as<std::string>()}, s[3].as<int>()});
  }
  for (const auto& s : tx.exec_params("SELECT vv.platform, vv.user_id, coalesce(u.login, ''), vv.weight, vv.ballot "
                                      "FROM vote_voters vv LEFT JOIN users u ON u.platform = vv.platform AND "
                                      "u.platform_id = vv.user_id WHERE vote_id = $1 ORDER BY vv.user_id", v.id)) {
    const auto b = s[4].as<std::string>();
    const auto ballot = b == "approve" ? voting::ballot::approve
                        : b == "reject" ? voting::ballot::reject
                        : b == "abstain" ? voting::ballot::abstain
                                         : voting::ballot::none;
    v.voters.push_back({{s[0].as<std::string>(), s[1].as<int64_t>(), s[2].as<std::string>()}, s[3].as<int64_t>(), ballot});
  }
  return v;
}

std::optional<open_vote> load_open_vote(pqxx::work& tx, int64_t bounty_id) {
  const auto r = tx.exec_params(open_vote_sql, bounty_id);
  if (r.empty()) return std::nullopt;
  return load_vote_details(tx, r[0]);
}

std::optional<stored_bounty> load_stored(pqxx::work& tx, const std::string& where, int64_t key) {
  const auto r = tx.exec_params(std::string("SELECT ") + bounty_columns +
                                    "FROM bounties b JOIN repositories r ON r.id = b.repository_id WHERE " + where,
                                key);
  if (r.empty()) return std::nullopt;
  auto out = read_bounty_row(r[0]);
  out.rec.pledges = load_pledges(tx, out.rec.current.id);
  out.rec.milestones = load_milestones(tx, out.rec.current.id);
  out.rec.vote = load_open_vote(tx, out.rec.current.id);
  return out;
}

std::optional<stored_bounty> load_for_issue(pqxx::work& tx, int64_t repo_id, int64_t number) {
  const auto r = tx.exec_params("SELECT id FROM bounties WHERE repository_id = $1 AND issue_number = $2", repo_id, number);
  if (r.empty()) return std::nullopt;
  return load_stored(tx, "b.id = $1", r[0][0].as<int64_t>());
}

// One thing the outbox will do for an issue.
struct outbox_row {
  std::string kind;
  std::optional<int64_t> bounty_id, comment_id, vote_id;
  std::optional<std::string> body, reaction, label;
};

// The row names the delivery being processed on this thread, if any (see app/log_context.hpp).
// Every comment body is kept under the platform's limit here, whatever wrote it.
void enqueue(pqxx::work& tx, const std::string& platform, int64_t repo_id, int64_t issue_number, const outbox_row& r) {
  const auto body = r.body ? std::optional<std::string>(fit_comment(*r.body)) : std::nullopt;
  tx.exec_params0(insert_outbox_sql, platform, repo_id, issue_number, r.kind, r.bounty_id, r.comment_id, body,
                  r.reaction, r.vote_id, r.label, app::current_log_fields().delivery);
}

void enqueue(pqxx::work& tx, const stored_bounty& sb, const outbox_row& r) {
  enqueue(tx, sb.rec.issue.platform, sb.repo_id, sb.rec.issue.number, r);
}

void enqueue_status(pqxx::work& tx, const stored_bounty& sb) {
  enqueue(tx, sb, {.kind = "status", .bounty_id = sb.rec.current.id});
}

void enqueue_reply(pqxx::work& tx, const stored_bounty& sb, const std::string& login, const std::string& text) {
  enqueue(tx, sb, {.kind = "reply", .body = render_reply(login, {text})});
}

void lock_issue(pqxx::work& tx, const issue_ref& issue) {
  // One event at a time per issue: decisions are made on a view nobody else changes meanwhile.
  tx.exec_params(issue_lock_sql, issue.platform + ":" + std::to_string(issue.repository_id) + "#" + std::to_string(issue.number));
}

void add_timer(pqxx::work& tx, const std::string& kind, int64_t bounty_id, std::optional<int64_t> pledge_id,
               std::optional<int64_t> vote_id, utc_time due) {
  tx.exec_params0(insert_timer_sql, kind, bounty_id, pledge_id, vote_id, epoch(due));
}

void set_state(pqxx::work& tx, int64_t bounty_id, bounty_state s) {
  tx.exec_params0("UPDATE bounties SET state = $2 WHERE id = $1", bounty_id, std::string(to_string(s)));
}

// Holds a pledge that the sponsor's balance covers: available -> escrow.
void hold(pqxx::work& tx, const pledge& p, int64_t bounty_id) {
  escrow::apply_transfer(tx, {escrow::hold_key(p.id), escrow::transfer_kind::pledge_hold,
                              escrow::available_account(p.sponsor.platform, p.sponsor.id),
                              escrow::escrow_account(bounty_id), p.amount_minor, p.currency, p.id});
}

// Refunds what is left of a held pledge (escrow -> available), or cancels one never held.
// Returns the refunded amount.
int64_t end_pledge(pqxx::work& tx, const pledge& p, int64_t bounty_id) {
  if (p.state == pledge_state::awaiting_funds) {
    tx.exec_params0(set_pledge_state_sql, p.id, std::string(to_string(pledge_state::cancelled)));
    return 0;
  }
  if (p.state != pledge_state::held) return 0;
  const int64_t rest = p.amount_minor - p.released_minor;
  if (p.amount_minor == 0) {
    tx.exec_params0(set_pledge_state_sql, p.id, std::string(to_string(pledge_state::cancelled)));
    return 0;
  }
  if (rest <= 0) return 0;  // fully released: stays as it is
  escrow::apply_transfer(tx, {escrow::refund_key(p.id), escrow::transfer_kind::refund, escrow::escrow_account(bounty_id),
                              escrow::available_account(p.sponsor.platform, p.sponsor.id), rest, p.currency, p.id});
  tx.exec_params0(set_pledge_state_sql, p.id, std::string(to_string(pledge_state::refunded)));
  return rest;
}

void refund_all(pqxx::work& tx, const stored_bounty& sb) {
  for (const auto& p : sb.rec.pledges) end_pledge(tx, p, sb.rec.current.id);
}

// Ensures milestone rows exist (the implicit "done" 100% becomes a row) and returns them.
std::vector<milestone> ensure_milestones(pqxx::work& tx, int64_t bounty_id) {
  auto ms = load_milestones(tx, bounty_id);
  if (!ms.empty()) return ms;
  tx.exec_params0("INSERT INTO milestones (bounty_id, position, name, percent) VALUES ($1, 0, 'done', 100)", bounty_id);
  return load_milestones(tx, bounty_id);
}

void begin_vote(pqxx::work& tx, const stored_bounty& sb, const start_vote& v, const std::string& key, utc_time now) {
  const int64_t bounty_id = sb.rec.current.id;
  const auto ms = ensure_milestones(tx, bounty_id);
  std::vector<int64_t> ids;
  for (int pos : v.milestone_positions) ids.push_back(ms.at(static_cast<std::size_t>(pos)).id);
  const auto inserted = tx.exec_params(
      "INSERT INTO votes (bounty_id, milestone_ids, submitter_platform, submitter_id, url, opened_at, closes_at, "
      "release_minor, idempotency_key) VALUES ($1, $2::bigint[], $3, $4, NULLIF($5, ''), to_timestamp($6), "
      "to_timestamp($7), $8, $9) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
      bounty_id, id_array(ids), v.submitter.platform, v.submitter.id, v.url, epoch(now), epoch(v.closes_at),
      v.release_minor, key);
  if (inserted.empty()) return;
  const int64_t vote_id = inserted[0][0].as<int64_t>();
  for (const auto& voter : v.voters) {
    tx.exec_params0("INSERT INTO vote_voters (vote_id, platform, user_id, weight) VALUES ($1, $2, $3, $4)", vote_id,
                    voter.user.platform, voter.user.id, voter.weight);
  }
  int pos = 0;
  for (const auto& s : v.solvers) {
    // Insert only: a solver known by id alone (GitLab note hooks) must not overwrite a real login.
    tx.exec_params0("INSERT INTO users (platform, platform_id, login) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    s.user.platform, s.user.id, s.user.login);
    tx.exec_params0("INSERT INTO vote_solvers (vote_id, position, platform, user_id, login, percent) "
                    "VALUES ($1, $2, $3, $4, $5, $6)", vote_id, pos++, s.user.platform, s.user.id, s.user.login, s.percent);
  }
  tx.exec_params0("UPDATE milestones SET state = 'voting' WHERE id = ANY($1::bigint[])", id_array(ids));
  tx.exec_params0("UPDATE bounties SET state = 'voting', split = NULL WHERE id = $1", bounty_id);
  add_timer(tx, "vote_close", bounty_id, std::nullopt, vote_id, v.closes_at);
  enqueue(tx, sb, {.kind = "vote", .bounty_id = bounty_id, .vote_id = vote_id});
  spdlog::info("{}: vote {} opened, releases {} on approval", sb.rec.issue.key(), vote_id, v.release_minor);
}

// Pays out the milestones of vote `vote_id` (SPEC §7 "Approved"): fees first, then the solvers.
void release_vote(pqxx::work& tx, const stored_bounty& sb, const open_vote& vote, const store_settings& settings) {
  const int64_t bounty_id = sb.rec.current.id;
  const auto ms = effective_milestones(sb.rec.milestones);
  std::vector<int> positions;
  for (const auto& m : ms) {
    if (std::find(vote.milestone_ids.begin(), vote.milestone_ids.end(), m.id) != vote.milestone_ids.end())
      positions.push_back(m.position);
  }
  const auto plan = plan_release(sb.rec.pledges, ms, positions, vote.solvers, settings.repo.platform_fee_bps,
                                 settings.repo.project_fee_bps);
  const std::string currency = sb.rec.current.currency.value_or("USD");
  const std::string escrow = escrow::escrow_account(bounty_id);
  const std::string prefix = "vote:" + std::to_string(vote.id);
  if (plan.platform_fee_minor > 0) {
    escrow::apply_transfer(tx, {prefix + ":fee:platform", escrow::transfer_kind::fee, escrow, "platform:fees",
                                plan.platform_fee_minor, currency});
  }
  if (plan.project_fee_minor > 0) {
    escrow::apply_transfer(tx, {prefix + ":fee:project", escrow::transfer_kind::fee, escrow,
                                "project:" + sb.rec.issue.platform + ":" + sb.rec.issue.repository_path + ":fees",
                                plan.project_fee_minor, currency});
  }
  for (const auto& [user, amount] : plan.to_solvers) {
    if (amount <= 0) continue;
    escrow::apply_transfer(tx, {prefix + ":release:" + user.platform + ":" + std::to_string(user.id),
                                escrow::transfer_kind::release, escrow, escrow::payable_account(user.platform, user.id),
                                amount, currency});
  }
  for (const auto& [pledge_id, amount] : plan.per_pledge) {
    tx.exec_params0("UPDATE pledges SET released_minor = released_minor + $2 WHERE id = $1", pledge_id, amount);
  }
  // Each milestone records its own share of what was released.
  const auto percents = [&] {
    std::vector<int64_t> p;
    for (const auto& m : ms) p.push_back(m.percent);
    return p;
  }();
  for (int pos : positions) {
    int64_t released = 0;
    for (const auto& p : sb.rec.pledges) {
      if (p.state != pledge_state::held || p.amount_minor == 0) continue;
      const auto it = std::find_if(plan.per_pledge.begin(), plan.per_pledge.end(), [&](auto& e) { return e.first == p.id; });
      if (it == plan.per_pledge.end()) continue;
      released += escrow::split_largest_remainder(p.amount_minor, percents)[static_cast<std::size_t>(pos)];
    }
    tx.exec_params0("UPDATE milestones SET state = 'released', released_minor = $2 WHERE bounty_id = $1 AND position = $3",
                    bounty_id, released, pos);
  }
  // Parts capped by what was left are credited to the last milestone's figure only implicitly;
  // the ledger is exact either way: the transfers above moved exactly plan.total_minor.
}

// After a release or a refund: completed when every milestone is released (leftovers refunded).
void settle_after_release(pqxx::work& tx, int64_t bounty_id) {
  const auto pending = tx.exec_params1("SELECT count(*) FROM milestones WHERE bounty_id = $1 AND state <> 'released'",
                                       bounty_id)[0].as<int64_t>();
  if (pending > 0) {
    set_state(tx, bounty_id, bounty_state::accepted);
    return;
  }
  auto sb = load_stored(tx, "b.id = $1", bounty_id);
  refund_all(tx, *sb);  // pledges made after earlier milestones keep unreleased shares: they go back
  set_state(tx, bounty_id, bounty_state::completed);
}

void rearm_deferred_timers(pqxx::work& tx, int64_t bounty_id, utc_time now) {
  tx.exec_params0("UPDATE timers SET fire_at = to_timestamp($2) WHERE bounty_id = $1 AND fired_at IS NULL "
                  "AND due_at <= to_timestamp($2) AND fire_at > to_timestamp($2)", bounty_id, epoch(now));
}

// Closes an open vote with `result` and applies it (SPEC §7).
void close_vote(pqxx::work& tx, const stored_bounty& sb, const open_vote& vote, voting::outcome result,
                const store_settings& settings, utc_time now) {
  const int64_t bounty_id = sb.rec.current.id;
  const bool approved = result == voting::outcome::approved;
  tx.exec_params0("UPDATE votes SET state = $2, closed_at = to_timestamp($3) WHERE id = $1", vote.id,
                  std::string(approved ? "approved" : "rejected"), epoch(now));
  const std::string currency = sb.rec.current.currency.value_or("USD");
  std::string solvers;
  for (const auto& s : vote.solvers) solvers += (solvers.empty() ? "@" : ", @") + s.user.login;
  if (approved) {
    release_vote(tx, sb, vote, settings);
    settle_after_release(tx, bounty_id);
    enqueue(tx, sb, {.kind = "reply", .body = std::string(own_comment_marker) + "\nThe sponsors approved: " +
                                              escrow::format_money(vote.release_minor, currency) + " released to " +
                                              solvers + " (fees deducted as configured).\n"});
  } else {
    tx.exec_params0("UPDATE milestones SET state = 'pending', rejections = rejections + 1 WHERE id = ANY($1::bigint[])",
                    id_array(vote.milestone_ids));
    const bool disputed = tx.exec_params1("SELECT coalesce(max(rejections), 0) >= 2 FROM milestones WHERE bounty_id = $1",
                                          bounty_id)[0].as<bool>();
    tx.exec_params0("UPDATE bounties SET state = 'accepted', disputed = $2 WHERE id = $1", bounty_id, disputed);
    enqueue(tx, sb, {.kind = "reply", .body = std::string(own_comment_marker) + "\nThe sponsors rejected this submission; " +
                                              (disputed ? std::string("it was rejected twice, so the bounty is disputed and "
                                                                      "the operator will decide how it ends.")
                                                        : std::string("the solver may submit again with `/bounty submit`.")) +
                                              "\n"});
  }
  rearm_deferred_timers(tx, bounty_id, now);
  enqueue_status(tx, sb);
  spdlog::info("{}: vote {} {}", sb.rec.issue.key(), vote.id, approved ? "approved" : "rejected");
}

// Re-reads the vote's ballots and closes it if the early rules decide it.
void check_early(pqxx::work& tx, int64_t bounty_id, const store_settings& settings, utc_time now) {
  auto sb = load_stored(tx, "b.id = $1", bounty_id);
  if (!sb || !sb->rec.vote) return;
  const auto result = voting::decide_early(tally_of(*sb->rec.vote));
  if (result != voting::outcome::pending) close_vote(tx, *sb, *sb->rec.vote, result, settings, now);
  else enqueue_status(tx, *sb);
}

void set_ballot(pqxx::work& tx, int64_t vote_id, int64_t user_id, const std::string& platform, bool up, bool down) {
  const auto b = voting::ballot_from_reactions(up, down);
  const std::string name = b == voting::ballot::approve ? "approve"
                           : b == voting::ballot::reject ? "reject"
                           : b == voting::ballot::abstain ? "abstain"
                                                          : "none";
  tx.exec_params0("UPDATE vote_voters SET thumbs_up = $4, thumbs_down = $5, ballot = $6 WHERE vote_id = $1 AND "
                  "platform = $2 AND user_id = $3", vote_id, platform, user_id, up, down, name);
}

// Marks the bounty expired when deadlines refunded everything it held.
void maybe_expire(pqxx::work& tx, int64_t bounty_id) {
  const auto row = tx.exec_params1(
      "SELECT state, (SELECT count(*) FROM pledges WHERE bounty_id = b.id AND state = 'held' AND amount_minor > released_minor), "
      "(SELECT count(*) FROM pledges WHERE bounty_id = b.id AND state = 'refunded') FROM bounties b WHERE id = $1",
      bounty_id);
  const auto state = row[0].as<std::string>();
  if ((state == "open" || state == "accepted") && row[1].as<int64_t>() == 0 && row[2].as<int64_t>() > 0) {
    set_state(tx, bounty_id, bounty_state::expired);
  }
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

open_vote load_vote(pqxx::work& tx, std::int64_t vote_id) {
  const auto r = tx.exec_params1("SELECT id, milestone_ids::text, extract(epoch from closes_at), release_minor, comment_id "
                                 "FROM votes WHERE id = $1", vote_id);
  return load_vote_details(tx, r);
}

std::optional<bounty_record> load_bounty(pqxx::work& tx, std::int64_t bounty_id) {
  auto sb = load_stored(tx, "b.id = $1", bounty_id);
  if (!sb) return std::nullopt;
  return sb->rec;
}

std::optional<bounty_record> find_bounty(pqxx::work& tx, const std::string& platform, const std::string& full_path,
                                         std::int64_t number) {
  const auto r = tx.exec_params("SELECT b.id FROM repository_paths rp JOIN bounties b ON b.repository_id = rp.repository_id "
                                "WHERE rp.platform = $1 AND rp.full_path_key = lower($2) AND b.issue_number = $3",
                                platform, full_path, number);
  if (r.empty()) return std::nullopt;
  return load_bounty(tx, r[0][0].as<int64_t>());
}

bool claim_cause(pqxx::work& tx, const event_cause& cause) {
  assert(!cause.empty() && "adapters give every event a cause");
  return !tx.exec_params(claim_cause_sql, cause, app::current_log_fields().delivery).empty();
}

bool process_comment(pqxx::work& tx, const comment_posted& event, const store_settings& settings, utc_time now,
                     const maintainer_check& is_maintainer) {
  if (event.by_bot) return true;
  const auto commands = parse_comment(event.body);
  if (commands.empty()) return true;
  if (!claim_cause(tx, event.cause)) return false;
  std::string names;
  for (const auto& c : commands) names += (names.empty() ? "" : ",") + std::string(c.parsed ? to_string(c.parsed->kind) : "invalid");
  const app::log_scope scope({.command = names});

  const auto& issue = event.issue;
  lock_issue(tx, issue);  // first: every path takes the issue's lock before any row (deposits too)
  const int64_t repo_id = upsert_repository(tx, issue);
  upsert_user(tx, event.author);

  bounty_view view;
  view.issue = issue;
  view.assignees = event.assignees;
  for (auto& a : view.assignees) {  // logins the platform did not send come from what the service has seen
    const auto known = tx.exec_params("SELECT login FROM users WHERE platform = $1 AND platform_id = $2", a.platform, a.id);
    if (!known.empty()) a.login = known[0][0].as<std::string>();
  }
  auto existing = load_for_issue(tx, repo_id, issue.number);
  if (existing) {
    view.current = existing->rec.current;
    view.pledges = existing->rec.pledges;
    view.milestones = existing->rec.milestones;
    view.vote = existing->rec.vote;
  }
  // Locked: a comment of the same author on another issue cannot spend the balance decided on.
  view.author_available =
      escrow::lock_balances_by_currency(tx, escrow::available_account(event.author.platform, event.author.id));
  if (needs_maintainer_check(commands)) view.author_is_maintainer = is_maintainer(issue, event.author);

  const decision d = decide(view, event.author, commands, settings.repo, now);
  spdlog::info("{} command(s) done, {} refused", d.done, d.refused);

  stored_bounty sb;
  if (existing) sb = *existing;
  sb.repo_id = repo_id;
  sb.rec.issue = issue;
  int64_t& bounty_id = sb.rec.current.id;
  std::map<int64_t, int64_t> stored_ids;  // temporary pledge id -> stored id
  int pledge_index = 0;
  for (const auto& e : d.effects) {
    if (std::holds_alternative<create_bounty>(e)) {
      bounty_id = tx.exec_params1(insert_bounty_sql, repo_id, issue.number, issue.url)[0].as<int64_t>();
      enqueue(tx, sb, {.kind = "add_label", .label = settings.repo.bounty_label});
    } else if (const auto* fc = std::get_if<fix_currency>(&e)) {
      tx.exec_params0("UPDATE bounties SET currency = $2 WHERE id = $1", bounty_id, fc->currency);
      tx.exec_params0("UPDATE pledges SET currency = $2 WHERE bounty_id = $1 AND currency IS NULL", bounty_id, fc->currency);
    } else if (const auto* ap = std::get_if<add_pledge>(&e)) {
      const pledge& p = ap->p;
      const std::optional<int64_t> expires =
          p.funds_expire_at ? std::optional<int64_t>(epoch(*p.funds_expire_at)) : std::nullopt;
      const auto key = event.cause + ":" + std::to_string(pledge_index++);
      const auto inserted = tx.exec_params(insert_pledge_sql, bounty_id, p.sponsor.platform, p.sponsor.id,
                                           p.amount_minor, p.currency, std::string(to_string(p.state)),
                                           epoch(p.created_at), epoch(p.deadline), expires, key);
      if (inserted.empty()) continue;  // this delivery's pledge exists already
      pledge stored = p;
      stored.id = inserted[0][0].as<int64_t>();
      stored_ids[p.id] = stored.id;
      if (stored.state == pledge_state::held && stored.amount_minor > 0) hold(tx, stored, bounty_id);
      if (stored.amount_minor > 0) add_timer(tx, "pledge_deadline", bounty_id, stored.id, std::nullopt, stored.deadline);
      if (stored.funds_expire_at) add_timer(tx, "funds_expiry", bounty_id, stored.id, std::nullopt, *stored.funds_expire_at);
    } else if (const auto* rp = std::get_if<refund_pledge>(&e)) {
      escrow::apply_transfer(tx, {escrow::refund_key(rp->pledge_id), escrow::transfer_kind::refund,
                                  escrow::escrow_account(bounty_id),
                                  escrow::available_account(rp->sponsor.platform, rp->sponsor.id), rp->amount_minor,
                                  rp->currency, rp->pledge_id});
      tx.exec_params0(set_pledge_state_sql, rp->pledge_id, std::string(to_string(pledge_state::refunded)));
    } else if (const auto* cp = std::get_if<cancel_pledge>(&e)) {
      tx.exec_params0(set_pledge_state_sql, cp->pledge_id, std::string(to_string(pledge_state::cancelled)));
    } else if (const auto* g = std::get_if<set_goal>(&e)) {
      tx.exec_params0("UPDATE bounties SET goal_minor = $2 WHERE id = $1", bounty_id, g->goal_minor);
    } else if (const auto* dl = std::get_if<set_deadline>(&e)) {
      tx.exec_params0("UPDATE bounties SET deadline = to_timestamp($2) WHERE id = $1", bounty_id, epoch(dl->deadline));
      add_timer(tx, "bounty_deadline", bounty_id, std::nullopt, std::nullopt, dl->deadline);
    } else if (const auto* dm = std::get_if<define_milestones>(&e)) {
      tx.exec_params0("DELETE FROM milestones WHERE bounty_id = $1", bounty_id);
      int pos = 0;
      for (const auto& m : dm->milestones) {
        tx.exec_params0("INSERT INTO milestones (bounty_id, position, name, percent) VALUES ($1, $2, $3, $4)", bounty_id,
                        pos++, m.name, m.percent);
      }
    } else if (const auto* ss = std::get_if<set_split>(&e)) {
      tx.exec_params0("UPDATE bounties SET split = $2 WHERE id = $1", bounty_id, encode_split(ss->split));
    } else if (std::holds_alternative<cancel_bounty>(e)) {
      auto fresh = load_stored(tx, "b.id = $1", bounty_id);
      refund_all(tx, *fresh);
      set_state(tx, bounty_id, bounty_state::cancelled);
    } else if (const auto* sv = std::get_if<start_vote>(&e)) {
      begin_vote(tx, sb, *sv, event.cause + ":vote", now);
    } else if (std::holds_alternative<refresh_status>(e)) {
      enqueue_status(tx, sb);
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
    enqueue(tx, issue.platform, repo_id, issue.number, {.kind = "reply", .body = render_reply(event.author.login, parts)});
  }
  if (d.done > 0) enqueue(tx, issue.platform, repo_id, issue.number, {.kind = "reaction", .comment_id = event.comment_id, .reaction = "done"});
  if (d.refused > 0) enqueue(tx, issue.platform, repo_id, issue.number, {.kind = "reaction", .comment_id = event.comment_id, .reaction = "refused"});
  return true;
}

bool process_labels(pqxx::work& tx, const labels_changed& event, const store_settings& settings, utc_time now,
                    const maintainer_check& is_maintainer) {
  if (event.by_bot) return true;
  const std::string accepted = ascii_lower(settings.repo.accepted_label);
  auto has = [&](const std::vector<std::string>& labels) {
    return std::any_of(labels.begin(), labels.end(), [&](const std::string& l) { return ascii_lower(l) == accepted; });
  };
  const bool added = has(event.added), removed = has(event.removed);
  if (!added && !removed) return true;
  if (!claim_cause(tx, event.cause)) return false;
  lock_issue(tx, event.issue);
  const int64_t repo_id = upsert_repository(tx, event.issue);
  upsert_user(tx, event.actor);
  auto sb = load_for_issue(tx, repo_id, event.issue.number);
  if (!sb) return true;  // no bounty on the issue: the label means nothing to the bot
  stored_bounty& b = *sb;
  auto revert = [&](const std::string& why) {
    enqueue(tx, b, {.kind = added ? "remove_label" : "add_label", .label = settings.repo.accepted_label});
    enqueue_reply(tx, b, event.actor.login, why);
  };
  if (!is_maintainer(event.issue, event.actor)) {
    revert("only maintainers of this repository can " + std::string(added ? "add" : "remove") + " the " +
           inline_code(settings.repo.accepted_label) + " label, so I reverted that change.");
    return true;
  }
  const auto state = b.rec.current.state;
  if (added) {
    if (state == bounty_state::open) {
      set_state(tx, b.rec.current.id, bounty_state::accepted);
      enqueue_status(tx, b);
    }
    return true;
  }
  const bool released_or_voting = b.rec.vote.has_value() ||
                                  std::any_of(b.rec.milestones.begin(), b.rec.milestones.end(),
                                              [](const milestone& m) { return m.state != milestone_state::pending; });
  if (state == bounty_state::accepted && !released_or_voting) {
    set_state(tx, b.rec.current.id, bounty_state::open);
    enqueue_status(tx, b);
  } else if (state == bounty_state::accepted || state == bounty_state::voting) {
    revert("the bounty cannot go back to open once a milestone was released or while one is under vote, so I put "
           "the label back.");
  }
  (void)now;
  return true;
}

bool process_closed(pqxx::work& tx, const issue_closed& event, const store_settings& settings, utc_time now) {
  // Claimed before anything depends on the state: a close replayed after a bounty appeared on
  // the issue must still be the close that was processed (and did nothing) before.
  if (!claim_cause(tx, event.cause)) return false;
  lock_issue(tx, event.issue);
  const int64_t repo_id = upsert_repository(tx, event.issue);
  auto sb = load_for_issue(tx, repo_id, event.issue.number);
  if (!sb) return true;
  auto& b = *sb;
  const auto state = b.rec.current.state;
  if (state != bounty_state::open && state != bounty_state::accepted && state != bounty_state::voting) return true;
  const bool completed = event.completed || b.rec.current.closed_completed;
  if (!completed) {
    if (b.rec.vote) {
      tx.exec_params0("UPDATE votes SET state = 'rejected', closed_at = to_timestamp($2) WHERE id = $1", b.rec.vote->id,
                      epoch(now));
    }
    refund_all(tx, b);
    set_state(tx, b.rec.current.id, bounty_state::cancelled);
    enqueue(tx, b, {.kind = "reply", .body = std::string(own_comment_marker) +
                                             "\nThis issue was closed as not planned, so the bounty is cancelled and "
                                             "every sponsor's unreleased money is refunded.\n"});
    enqueue_status(tx, b);
    return true;
  }
  tx.exec_params0("UPDATE bounties SET closed_completed = true WHERE id = $1", b.rec.current.id);
  if (b.rec.vote) return true;  // the open vote decides first
  if (state == bounty_state::open) {
    // Closing as completed is the maintainers taking the work: the task counts as accepted.
    set_state(tx, b.rec.current.id, bounty_state::accepted);
    b.rec.current.state = bounty_state::accepted;
  }
  if (event.assignees.empty()) {
    enqueue(tx, b, {.kind = "reply", .body = std::string(own_comment_marker) +
                                             "\nThis issue was closed as completed. Whoever solved it: comment "
                                             "`/bounty submit` with a link to the work so the sponsors can vote.\n"});
    enqueue_status(tx, b);
    return true;
  }
  bounty_view view{event.issue, b.rec.current, b.rec.pledges, b.rec.milestones, std::nullopt, event.assignees};
  auto plan = plan_submission(view, event.assignees, event.assignees.front(), "", "", settings.repo, now, true);
  if (plan) begin_vote(tx, b, *plan, event.cause + ":vote", now);
  enqueue_status(tx, b);
  return true;
}

bool process_merged(pqxx::work& tx, const change_merged& event, const store_settings& settings, utc_time now) {
  if (!claim_cause(tx, event.cause)) return false;
  auto closes = event.closes;
  std::sort(closes.begin(), closes.end());  // issues locked in one order, as deposits lock them
  for (const auto number : closes) {
    issue_ref issue = event.repository;
    issue.number = number;
    lock_issue(tx, issue);
    const int64_t repo_id = upsert_repository(tx, issue);
    auto sb = load_for_issue(tx, repo_id, number);
    if (!sb) continue;
    auto& b = *sb;
    if (b.rec.vote) continue;
    const auto state = b.rec.current.state;
    if (state != bounty_state::open && state != bounty_state::accepted) continue;
    tx.exec_params0("UPDATE bounties SET closed_completed = true WHERE id = $1", b.rec.current.id);
    if (state == bounty_state::open) {
      // Merging the change is the maintainers taking the work: the task counts as accepted.
      set_state(tx, b.rec.current.id, bounty_state::accepted);
      b.rec.current.state = bounty_state::accepted;
    }
    tx.exec_params0("INSERT INTO users (platform, platform_id, login) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    event.author.platform, event.author.id, event.author.login);
    bounty_view view{issue, b.rec.current, b.rec.pledges, b.rec.milestones};
    auto plan = plan_submission(view, {event.author}, event.author, "", event.url, settings.repo, now);
    if (plan) begin_vote(tx, b, *plan, event.cause + ":" + std::to_string(number) + ":vote", now);
    enqueue_status(tx, b);
  }
  return true;
}

bool process_reaction(pqxx::work& tx, const reaction_changed& event, const store_settings& settings, utc_time now) {
  if (event.name != "thumbsup" && event.name != "thumbsdown") return true;
  // Claimed before anything depends on the state: an award replayed after its vote opened must
  // still be the award that was processed (and did nothing) before.
  if (!claim_cause(tx, event.cause)) return false;
  const auto r = tx.exec_params(
      "SELECT v.id, v.bounty_id, vv.thumbs_up, vv.thumbs_down FROM votes v JOIN bounties b ON b.id = v.bounty_id "
      "JOIN repositories r ON r.id = b.repository_id JOIN vote_voters vv ON vv.vote_id = v.id "
      "WHERE r.platform = $1 AND r.platform_id = $2 AND v.comment_id = $3 AND v.state = 'open' "
      "AND vv.platform = $1 AND vv.user_id = $4",
      event.issue.platform, event.issue.repository_id, event.comment_id, event.user.id);
  if (r.empty()) return true;  // not a vote comment, or not an eligible voter: ignored
  lock_issue(tx, event.issue);
  bool up = r[0][2].as<bool>(), down = r[0][3].as<bool>();
  (event.name == "thumbsup" ? up : down) = event.awarded;
  set_ballot(tx, r[0][0].as<int64_t>(), event.user.id, event.user.platform, up, down);
  check_early(tx, r[0][1].as<int64_t>(), settings, now);
  return true;
}

void record_vote_reactions(pqxx::work& tx, std::int64_t vote_id,
                           const std::vector<std::pair<std::int64_t, std::string>>& reactions,
                           const store_settings& settings, utc_time now) {
  const auto v = tx.exec_params("SELECT bounty_id FROM votes WHERE id = $1 AND state = 'open'", vote_id);
  if (v.empty()) return;
  const int64_t bounty_id = v[0][0].as<int64_t>();
  std::map<int64_t, std::pair<bool, bool>> given;
  for (const auto& [user, content] : reactions) {
    if (content == "+1" || content == "thumbsup") given[user].first = true;
    if (content == "-1" || content == "thumbsdown") given[user].second = true;
  }
  bool changed = false;
  for (const auto& row : tx.exec_params("SELECT platform, user_id, thumbs_up, thumbs_down FROM vote_voters WHERE vote_id = $1",
                                        vote_id)) {
    const auto [up, down] = given[row[1].as<int64_t>()];
    if (up == row[2].as<bool>() && down == row[3].as<bool>()) continue;
    set_ballot(tx, vote_id, row[1].as<int64_t>(), row[0].as<std::string>(), up, down);
    changed = true;
  }
  if (changed) check_early(tx, bounty_id, settings, now);
}

namespace {

// Fires the timer of `row` (id, kind, bounty id, pledge id, vote id, due epoch).
void fire_timer(pqxx::work& tx, const pqxx::row& row, const store_settings& settings, utc_time now) {
  const int64_t timer_id = row[0].as<int64_t>();
  const std::string kind = row[1].as<std::string>();
  const int64_t bounty_id = row[2].as<int64_t>();
  const utc_time due = db::to_time(row[5]);
  const auto key = tx.exec_params1("SELECT r.platform, r.platform_id, b.issue_number FROM bounties b "
                                   "JOIN repositories r ON r.id = b.repository_id WHERE b.id = $1", bounty_id);
  lock_issue(tx, {key[0].as<std::string>(), key[1].as<int64_t>(), "", key[2].as<int64_t>(), ""});
  auto sb = load_stored(tx, "b.id = $1", bounty_id);  // read under the lock
  auto& b = *sb;
  const auto state = b.rec.current.state;
  const bool live = state == bounty_state::open || state == bounty_state::accepted || state == bounty_state::voting;
  auto fired = [&] { tx.exec_params0("UPDATE timers SET fired_at = to_timestamp($2) WHERE id = $1", timer_id, epoch(now)); };

  if (kind == "vote_close") {
    const int64_t vote_id = row[4].as<int64_t>();
    if (b.rec.vote && b.rec.vote->id == vote_id) {
      close_vote(tx, b, *b.rec.vote, voting::decide_at_close(tally_of(*b.rec.vote), settings.repo.silence), settings, now);
    }
    fired();
    return;
  }
  const bool is_deadline = kind == "pledge_deadline" || kind == "bounty_deadline";
  if (is_deadline && live && b.rec.vote) {
    // SPEC §6: a deadline that falls while a vote is open waits for that vote to close.
    tx.exec_params0("UPDATE timers SET fire_at = to_timestamp($2) WHERE id = $1", timer_id, epoch(b.rec.vote->closes_at) + 1);
    return;
  }
  if (live && kind == "pledge_deadline") {
    const int64_t pledge_id = row[3].as<int64_t>();
    for (const auto& p : b.rec.pledges) {
      if (p.id == pledge_id && end_pledge(tx, p, bounty_id) > 0) {
        enqueue_reply(tx, b, p.sponsor.login, "your pledge reached its deadline; its unreleased " +
                                                  escrow::format_money(p.amount_minor - p.released_minor, p.currency) +
                                                  " went back to your balance.");
      }
    }
    maybe_expire(tx, bounty_id);
    enqueue_status(tx, b);
  } else if (live && kind == "funds_expiry") {
    const int64_t pledge_id = row[3].as<int64_t>();
    for (const auto& p : b.rec.pledges) {
      if (p.id == pledge_id && p.state == pledge_state::awaiting_funds) end_pledge(tx, p, bounty_id);
    }
  } else if (live && kind == "bounty_deadline" && b.rec.current.deadline == due) {
    refund_all(tx, b);
    set_state(tx, bounty_id, bounty_state::expired);
    enqueue(tx, b, {.kind = "reply", .body = std::string(own_comment_marker) +
                                             "\nThe bounty deadline passed: everything unreleased went back to the "
                                             "sponsors.\n"});
    enqueue_status(tx, b);
  }
  fired();
}

}  // namespace

bool fire_next_timer(pqxx::work& tx, const store_settings& settings, utc_time now) {
  const auto r = tx.exec_params(
      "SELECT id, kind, bounty_id, pledge_id, vote_id, extract(epoch from due_at) FROM timers "
      "WHERE fired_at IS NULL AND fire_at <= to_timestamp($1) ORDER BY fire_at, id LIMIT 1 FOR UPDATE SKIP LOCKED",
      epoch(now));
  if (r.empty()) return false;
  // A timer whose transfers the ledger refuses (a balance at the int64 limit) is put back by
  // `refused_timer_retry` and logged, so that it does not block every timer due after it.
  tx.exec0("SAVEPOINT timer");
  try {
    fire_timer(tx, r[0], settings, now);
    tx.exec0("RELEASE SAVEPOINT timer");
  } catch (const escrow::ledger_refusal& e) {
    tx.exec0("ROLLBACK TO SAVEPOINT timer");
    tx.exec_params0(put_back_timer_sql, r[0][0].as<int64_t>(), epoch(now + refused_timer_retry));
    spdlog::error("timer {} ({}) refused by the ledger, tried again in an hour: {}", r[0][0].as<int64_t>(),
                  r[0][1].as<std::string>(), e.reason.message);
  }
  return true;
}

result<std::string> resolve_dispute(pqxx::work& tx, const std::string& platform, const std::string& full_path,
                                    std::int64_t number, const std::string& action, const std::string& reason,
                                    const store_settings& settings, utc_time now) {
  if (action != "release" && action != "refund") return make_problem("action", "action must be `release` or `refund`");
  if (reason.empty()) return make_problem("reason", "a reason is required");
  if (reason.size() > max_reason_chars || has_control_chars(reason)) {
    return make_problem("reason", "a reason is at most " + std::to_string(max_reason_chars) +
                                      " characters on one line, without control characters");
  }
  const auto found = find_bounty(tx, platform, full_path, number);
  if (!found) return make_problem("not_found", "no such bounty");
  lock_issue(tx, found->issue);
  auto sb = load_stored(tx, "b.id = $1", found->current.id);
  auto& b = *sb;
  if (!b.rec.current.disputed) return make_problem("not_disputed", "this bounty is not disputed");
  tx.exec_params0("INSERT INTO resolutions (bounty_id, action, reason) VALUES ($1, $2, $3)", b.rec.current.id, action, reason);
  tx.exec_params0("UPDATE bounties SET disputed = false WHERE id = $1", b.rec.current.id);
  if (action == "refund") {
    refund_all(tx, b);
    set_state(tx, b.rec.current.id, bounty_state::cancelled);
    enqueue(tx, b, {.kind = "reply", .body = std::string(own_comment_marker) + "\nThe operator resolved the dispute: "
                                             "everything unreleased is refunded to the sponsors. Reason: " + inline_code(reason, max_reason_chars) + "\n"});
    enqueue_status(tx, b);
    return result<std::string>(boost::system::in_place_value, "refunded");
  }
  // Release: the disputed milestone(s) of the last rejected vote, to that vote's solvers.
  const auto last = tx.exec_params("SELECT id, milestone_ids::text, extract(epoch from closes_at), release_minor, comment_id "
                                   "FROM votes WHERE bounty_id = $1 AND state = 'rejected' ORDER BY id DESC LIMIT 1",
                                   b.rec.current.id);
  if (last.empty()) return make_problem("no_vote", "there is no rejected submission to release");
  const auto vote = load_vote_details(tx, last[0]);
  release_vote(tx, b, vote, settings);
  settle_after_release(tx, b.rec.current.id);
  enqueue(tx, b, {.kind = "reply", .body = std::string(own_comment_marker) + "\nThe operator resolved the dispute: " +
                                           escrow::format_money(vote.release_minor, b.rec.current.currency.value_or("USD")) +
                                           " released to the solvers. Reason: " + inline_code(reason, max_reason_chars) + "\n"});
  enqueue_status(tx, b);
  (void)now;
  return result<std::string>(boost::system::in_place_value, "released");
}

namespace {

// Locks the issues of the depositor's oldest awaiting pledges (at most max_issues_per_deposit),
// sorted, before any account row: comments take their issue's lock first too, and two deposits
// take theirs in the same order. Returns the issues locked (platform, repository id, number).
std::set<std::tuple<std::string, int64_t, int64_t>> lock_awaiting_issues(pqxx::work& tx, const deposit_request& request,
                                                                         const std::string& currency) {
  std::set<std::tuple<std::string, int64_t, int64_t>> issues;
  for (const auto& row : tx.exec_params(awaiting_issues_sql, request.platform, request.user_id, currency,
                                        static_cast<int64_t>(max_issues_per_deposit))) {
    issues.insert({row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<int64_t>()});
  }
  for (const auto& [platform, repository_id, number] : issues) lock_issue(tx, {platform, repository_id, "", number, ""});
  return issues;
}

// Holds the depositor's awaiting pledges the balance now covers (plan_funding), on the issues in
// `locked` only; cut, refused and expired ones are settled and their sponsors told. Appends the
// pledges held to `held_pledges`.
void fund_awaiting(pqxx::work& tx, const deposit_request& request, const std::string& currency,
                   const std::set<std::tuple<std::string, int64_t, int64_t>>& locked, utc_time now,
                   std::vector<int64_t>& held_pledges) {
  const std::string account = escrow::available_account(request.platform, request.user_id);
  // Fund awaiting pledges, oldest first, then refresh the status of every bounty that changed.
  std::vector<awaiting_pledge> awaiting;
  for (const auto& row : tx.exec_params(awaiting_for_deposit_sql, request.platform, request.user_id, currency)) {
    // Oldest first, and only under the issues' locks: a pledge on an issue not locked (made
    // meanwhile, or past the first max_issues_per_deposit) and every newer one wait for the next deposit.
    if (!locked.contains({row[7].as<std::string>(), row[8].as<int64_t>(), row[9].as<int64_t>()})) break;
    awaiting_pledge a;
    a.p.id = row[0].as<int64_t>();
    a.p.sponsor = {request.platform, request.user_id, request.login};
    a.p.amount_minor = row[2].as<int64_t>();
    a.p.currency = currency;
    a.p.state = pledge_state::awaiting_funds;
    if (!row[3].is_null()) a.p.funds_expire_at = db::to_time(row[3]);
    a.bounty_id = row[1].as<int64_t>();
    a.bounty = bounty_state_from(row[4].as<std::string>());
    if (!row[5].is_null()) a.goal_minor = row[5].as<int64_t>();
    a.held_minor = row[6].as<int64_t>();
    awaiting.push_back(std::move(a));
  }
  const auto plan = plan_funding(escrow::balance_of(tx, account, currency), awaiting, now);
  const auto find_awaiting = [&](int64_t id) -> const awaiting_pledge& {
    return *std::find_if(awaiting.begin(), awaiting.end(), [&](const awaiting_pledge& a) { return a.p.id == id; });
  };
  const auto cancel = [&](int64_t id) {
    tx.exec_params0(set_pledge_state_sql, id, std::string(to_string(pledge_state::cancelled)));
  };
  for (auto id : plan.expired) cancel(id);
  for (auto id : plan.ended) cancel(id);
  std::map<int64_t, std::vector<std::string>> told;  // bounty id -> sentences for the sponsor
  for (auto id : plan.refused_full) {
    const auto& a = find_awaiting(id);
    cancel(id);
    told[a.bounty_id].push_back(render_funding_refused(a.p.amount_minor, *a.goal_minor, currency));
  }
  std::set<int64_t> touched;
  for (const auto& h : plan.hold) {
    const auto& a = find_awaiting(h.pledge_id);
    pledge held = a.p;
    if (h.cut) {
      tx.exec_params0(cut_pledge_sql, h.pledge_id, h.amount_minor);
      held.amount_minor = h.amount_minor;
      told[a.bounty_id].push_back(render_funding_cut(a.p.amount_minor, h.amount_minor, *a.goal_minor, currency));
    }
    hold(tx, held, a.bounty_id);
    tx.exec_params0(set_pledge_state_sql, h.pledge_id, std::string(to_string(pledge_state::held)));
    held_pledges.push_back(h.pledge_id);
    touched.insert(a.bounty_id);
  }
  std::map<int64_t, stored_bounty> changed;  // each bounty loaded once, after its holds
  const auto bounty = [&](int64_t id) -> const stored_bounty& {
    auto it = changed.find(id);
    if (it == changed.end()) it = changed.emplace(id, *load_stored(tx, "b.id = $1", id)).first;
    return it->second;
  };
  for (const auto bounty_id : touched) enqueue_status(tx, bounty(bounty_id));
  if (told.empty()) return;
  const auto login = tx.exec_params1(login_sql, request.platform, request.user_id)[0].as<std::string>();
  for (const auto& [bounty_id, sentences] : told) {
    enqueue(tx, bounty(bounty_id), {.kind = "reply", .body = render_reply(login, sentences)});
  }
}

}  // namespace

result<deposit_result> record_deposit(pqxx::work& tx, const deposit_request& request, utc_time now,
                                      std::int64_t max_units) {
  const auto checked = check_deposit(request, max_units);
  if (!checked) return checked.error();
  const std::string& currency = *checked;
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
      return make_problem("conflict", "reference " + inline_code(request.reference) + " was recorded before with other values");
    }
    out.deposit_id = row[0].as<int64_t>();
    out.available_minor = escrow::balance_of(tx, account, currency);
    return out;
  }
  out.created = true;
  out.deposit_id = inserted[0][0].as<int64_t>();
  const auto locked = lock_awaiting_issues(tx, request, currency);
  upsert_user(tx, {request.platform, request.user_id,
                   request.login.empty() ? "user-" + std::to_string(request.user_id) : request.login});
  escrow::apply_transfer(tx,
                         {escrow::deposit_key(request.provider, request.reference), escrow::transfer_kind::deposit,
                          escrow::external_account(request.provider), account, request.amount_minor, currency},
                         request.reference);

  fund_awaiting(tx, request, currency, locked, now, out.held_pledges);
  out.available_minor = escrow::balance_of(tx, account, currency);
  return out;
}

}  // namespace bountybot::bot
