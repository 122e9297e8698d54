#include "bot/store/store.hpp"

#include "db/db.hpp"
#include "app/log_context.hpp"
#include "bot/outbox.hpp"
#include "bot/status.hpp"
#include "bot/store/sql.hpp"
#include "escrow/inert.hpp"
#include "escrow/store/store.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cassert>
#include <map>
#include <set>
#include <tuple>

namespace bountybot::bot {
namespace {

using std::int64_t;

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
  for (const auto& row : tx.exec_params(sql::pledges, bounty_id)) {
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
  for (const auto& row : tx.exec_params(sql::milestones, bounty_id)) {
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
  for (const auto& s : tx.exec_params(sql::vote_solvers, v.id)) {
    v.solvers.push_back({{s[0].as<std::string>(), s[1].as<int64_t>(), s[2].as<std::string>()}, s[3].as<int>()});
  }
  for (const auto& s : tx.exec_params(sql::vote_voters, v.id)) {
    v.voters.push_back({{s[0].as<std::string>(), s[1].as<int64_t>(), s[2].as<std::string>()}, s[3].as<int64_t>(),
                        voting::ballot_from(s[4].as<std::string>()), s[5].as<bool>(), s[6].as<bool>()});
  }
  return v;
}

std::optional<open_vote> load_open_vote(pqxx::work& tx, int64_t bounty_id) {
  const auto r = tx.exec_params(sql::open_vote, bounty_id);
  if (r.empty()) return std::nullopt;
  return load_vote_details(tx, r[0]);
}

std::optional<stored_bounty> load_stored(pqxx::work& tx, int64_t bounty_id) {
  const auto r = tx.exec_params(sql::bounty_by_id, bounty_id);
  if (r.empty()) return std::nullopt;
  auto out = read_bounty_row(r[0]);
  out.rec.pledges = load_pledges(tx, out.rec.current.id);
  out.rec.milestones = load_milestones(tx, out.rec.current.id);
  out.rec.vote = load_open_vote(tx, out.rec.current.id);
  return out;
}

std::optional<stored_bounty> load_for_issue(pqxx::work& tx, int64_t repo_id, int64_t number) {
  const auto r = tx.exec_params(sql::bounty_of_issue, repo_id, number);
  if (r.empty()) return std::nullopt;
  return load_stored(tx, r[0][0].as<int64_t>());
}

// What the core reads of a stored bounty.
bounty_view view_of(const stored_bounty& sb) {
  bounty_view view;
  view.issue = sb.rec.issue;
  view.current = sb.rec.current;
  view.pledges = sb.rec.pledges;
  view.milestones = sb.rec.milestones;
  view.vote = sb.rec.vote;
  return view;
}

// One call the outbox will make for an issue.
struct outbox_row {
  outbox_kind kind = outbox_kind::status;
  std::optional<int64_t> bounty_id, comment_id, vote_id;
  std::optional<std::string> body, label;
  std::optional<reaction_kind> reaction;
};

// The row names the delivery being processed on this thread, if any (see app/log_context.hpp).
// Every comment body is kept under the platform's limit here, whatever wrote it.
void enqueue(pqxx::work& tx, const std::string& platform, int64_t repo_id, int64_t issue_number, const outbox_row& r) {
  const auto body = r.body ? std::optional<std::string>(fit_comment(*r.body)) : std::nullopt;
  const auto reaction = r.reaction ? std::optional<std::string>(to_string(*r.reaction)) : std::nullopt;
  tx.exec_params0(sql::insert_outbox, platform, repo_id, issue_number, std::string(to_string(r.kind)), r.bounty_id,
                  r.comment_id, body, reaction, r.vote_id, r.label, app::current_log_fields().delivery);
}

void enqueue(pqxx::work& tx, const stored_bounty& sb, const outbox_row& r) {
  enqueue(tx, sb.rec.issue.platform, sb.repo_id, sb.rec.issue.number, r);
}

// One event at a time per issue: every path takes the issue's lock before any row (deposits too).
void lock_issue(pqxx::work& tx, const std::string& platform, int64_t repository_id, int64_t number) {
  tx.exec_params(sql::issue_lock, platform + ":" + std::to_string(repository_id) + "#" + std::to_string(number));
}

void lock_issue(pqxx::work& tx, const issue_ref& issue) {
  lock_issue(tx, issue.platform, issue.repository_id, issue.number);
}

// Locks the issue of a stored bounty, then loads the bounty under that lock.
stored_bounty lock_and_load(pqxx::work& tx, int64_t bounty_id) {
  const auto key = tx.exec_params1(sql::issue_of_bounty, bounty_id);
  lock_issue(tx, key[0].as<std::string>(), key[1].as<int64_t>(), key[2].as<int64_t>());
  return *load_stored(tx, bounty_id);
}

void add_timer(pqxx::work& tx, timer_kind kind, int64_t bounty_id, std::optional<int64_t> pledge_id,
               std::optional<int64_t> vote_id, utc_time due) {
  tx.exec_params0(sql::insert_timer, std::string(to_string(kind)), bounty_id, pledge_id, vote_id, epoch(due));
}

void set_pledge_state(pqxx::work& tx, int64_t pledge_id, pledge_state s) {
  tx.exec_params0(sql::set_pledge_state, pledge_id, std::string(to_string(s)));
}

// Holds `amount_minor` of a pledge that the sponsor's balance covers: available -> escrow.
void hold(pqxx::work& tx, const pledge& p, int64_t amount_minor, int64_t bounty_id) {
  escrow::apply_transfer(tx, {escrow::hold_key(p.id), escrow::transfer_kind::pledge_hold,
                              escrow::available_account(p.sponsor.platform, p.sponsor.id),
                              escrow::escrow_account(bounty_id), escrow::money(amount_minor, p.currency), p.id});
}

// Applies the effects of one decision to one bounty, in order: the one place where effects
// become rows. `cause` keys the pledges a decision adds (`<cause>:<n>`); `vote_key` keys the
// vote it starts.
struct applier {
  pqxx::work& tx;
  stored_bounty& sb;
  utc_time now;
  std::string cause;
  std::string vote_key;
  std::map<int64_t, int64_t> stored_ids;  // a decision's temporary pledge id -> the stored id
  int pledge_index = 0;

  int64_t bounty_id() const { return sb.rec.current.id; }
  // A pledge id of the decision: a temporary one (negative) becomes the stored id, 0 if unknown.
  int64_t stored(int64_t pledge_id) const {
    if (pledge_id > 0) return pledge_id;
    const auto it = stored_ids.find(pledge_id);
    return it == stored_ids.end() ? 0 : it->second;
  }
  void apply(const decision& d) {
    for (const auto& e : d.effects) std::visit(*this, e);
    if (is_activity(d)) tx.exec_params0(sql::touch_bounty, bounty_id(), epoch(now), escrow::escrow_account(bounty_id()));
  }

  void operator()(const create_bounty&) {
    sb.rec.current.id = tx.exec_params1(sql::insert_bounty, sb.repo_id, sb.rec.issue.number, sb.rec.issue.url)[0].as<int64_t>();
  }
  void operator()(const change_label& e) {
    enqueue(tx, sb, {.kind = e.add ? outbox_kind::add_label : outbox_kind::remove_label, .label = e.label});
  }
  void operator()(const fix_currency& e) {
    tx.exec_params0(sql::set_currency, bounty_id(), e.currency);
    tx.exec_params0(sql::set_pledge_currencies, bounty_id(), e.currency);
  }
  void operator()(const add_pledge& e) {
    const pledge& p = e.p;
    const std::optional<int64_t> expires =
        p.funds_expire_at ? std::optional<int64_t>(epoch(*p.funds_expire_at)) : std::nullopt;
    const auto inserted = tx.exec_params(sql::insert_pledge, bounty_id(), p.sponsor.platform, p.sponsor.id, p.amount_minor,
                                         p.currency, std::string(to_string(p.state)), epoch(p.created_at),
                                         epoch(p.deadline), expires, cause + ":" + std::to_string(pledge_index++));
    if (inserted.empty()) return;  // this cause's pledge exists already
    pledge stored_pledge = p;
    stored_pledge.id = inserted[0][0].as<int64_t>();
    stored_ids[p.id] = stored_pledge.id;
    const auto start = start_of(p);
    if (start.hold) hold(tx, stored_pledge, p.amount_minor, bounty_id());
    if (start.deadline_timer) {
      add_timer(tx, timer_kind::pledge_deadline, bounty_id(), stored_pledge.id, std::nullopt, *start.deadline_timer);
    }
    if (start.funds_expiry_timer) {
      add_timer(tx, timer_kind::funds_expiry, bounty_id(), stored_pledge.id, std::nullopt, *start.funds_expiry_timer);
    }
  }
  void operator()(const refund_pledge& e) {
    const int64_t id = stored(e.pledge_id);
    if (id == 0) return;
    escrow::apply_transfer(tx, {escrow::refund_key(id), escrow::transfer_kind::refund, escrow::escrow_account(bounty_id()),
                                escrow::available_account(e.sponsor.platform, e.sponsor.id), e.amount, id});
    set_pledge_state(tx, id, pledge_state::refunded);
  }
  void operator()(const cancel_pledge& e) {
    if (const int64_t id = stored(e.pledge_id)) set_pledge_state(tx, id, pledge_state::cancelled);
  }
  void operator()(const refresh_status&) { enqueue(tx, sb, {.kind = outbox_kind::status, .bounty_id = bounty_id()}); }
  void operator()(const set_goal& e) { tx.exec_params0(sql::set_goal, bounty_id(), e.goal_minor); }
  void operator()(const set_deadline& e) {
    tx.exec_params0(sql::set_deadline, bounty_id(), epoch(e.deadline));
    add_timer(tx, timer_kind::bounty_deadline, bounty_id(), std::nullopt, std::nullopt, e.deadline);
  }
  void operator()(const define_milestones& e) {
    tx.exec_params0(sql::delete_milestones, bounty_id());
    int pos = 0;
    for (const auto& m : e.milestones) tx.exec_params0(sql::insert_milestone, bounty_id(), pos++, m.name, m.percent);
  }
  void operator()(const set_split& e) {
    if (e.split.empty()) {
      tx.exec_params0(sql::clear_split, bounty_id());
    } else {
      tx.exec_params0(sql::set_split, bounty_id(), encode_split(e.split));
    }
  }
  void operator()(const start_vote& e);
  void operator()(const set_state& e) {
    tx.exec_params0(sql::set_bounty_state, bounty_id(), std::string(to_string(e.state)));
    tx.exec_params0(sql::insert_bounty_state, bounty_id(), std::string(to_string(e.state)), epoch(now));
  }
  void operator()(const mark_closed_completed&) { tx.exec_params0(sql::set_closed_completed, bounty_id()); }
  void operator()(const post_reply& e) { enqueue(tx, sb, {.kind = outbox_kind::reply, .body = e.body}); }
  void operator()(const close_vote& e) {
    tx.exec_params0(sql::close_vote, e.vote_id, std::string(e.approved ? "approved" : "rejected"), epoch(now));
    spdlog::info("{}: vote {} {}", sb.rec.issue.key(), e.vote_id, e.approved ? "approved" : "rejected");
  }
  void operator()(const release_milestones& e);
  void operator()(const reject_milestones& e) { tx.exec_params0(sql::milestones_rejected, id_array(e.milestone_ids)); }
  void operator()(const set_disputed& e) { tx.exec_params0(sql::set_disputed, bounty_id(), e.disputed); }
  void operator()(const rearm_deferred_timers&) { tx.exec_params0(sql::rearm_deferred_timers, bounty_id(), epoch(now)); }
  void operator()(const set_ballot& e) {
    tx.exec_params0(sql::set_ballot, e.vote_id, e.voter.platform, e.voter.id, e.thumbs_up, e.thumbs_down,
                    std::string(voting::to_string(e.ballot)));
  }
  void operator()(const defer_timer& e) { tx.exec_params0(sql::put_back_timer, e.timer_id, epoch(e.fire_at)); }
  void operator()(const timer_fired& e) { tx.exec_params0(sql::timer_fired, e.timer_id, epoch(now)); }
  void operator()(const record_resolution& e) {
    tx.exec_params0(sql::insert_resolution, bounty_id(), e.action, e.reason);
  }
  void operator()(const know_user& e) { tx.exec_params0(sql::insert_user, e.user.platform, e.user.id, e.user.login); }
  void operator()(const hold_awaiting& e) {
    if (e.cut) tx.exec_params0(sql::cut_pledge, e.p.id, e.amount_minor);
    hold(tx, e.p, e.amount_minor, bounty_id());
    set_pledge_state(tx, e.p.id, pledge_state::held);
  }
};

void applier::operator()(const start_vote& v) {
  const auto ms = load_milestones(tx, bounty_id());
  std::vector<int64_t> ids;
  for (int pos : v.milestone_positions) ids.push_back(ms.at(static_cast<std::size_t>(pos)).id);
  const auto inserted = tx.exec_params(sql::insert_vote, bounty_id(), id_array(ids), v.submitter.platform, v.submitter.id,
                                       v.url, epoch(now), epoch(v.closes_at), v.release_minor, vote_key);
  if (inserted.empty()) return;
  const int64_t vote_id = inserted[0][0].as<int64_t>();
  for (const auto& voter : v.voters) {
    tx.exec_params0(sql::insert_voter, vote_id, voter.user.platform, voter.user.id, voter.weight);
  }
  int pos = 0;
  for (const auto& s : v.solvers) {
    tx.exec_params0(sql::insert_user, s.user.platform, s.user.id, s.user.login);
    tx.exec_params0(sql::insert_solver, vote_id, pos++, s.user.platform, s.user.id, s.user.login, s.percent);
  }
  tx.exec_params0(sql::milestones_voting, id_array(ids));
  add_timer(tx, timer_kind::vote_close, bounty_id(), std::nullopt, vote_id, v.closes_at);
  enqueue(tx, sb, {.kind = outbox_kind::vote, .bounty_id = bounty_id(), .vote_id = vote_id});
  spdlog::info("{}: vote {} opened, releases {} on approval", sb.rec.issue.key(), vote_id, v.release_minor);
}

// Pays a vote's release (SPEC §7 "Approved"): the transfers the core planned, then the figures.
void applier::operator()(const release_milestones& e) {
  const auto& plan = e.plan;
  for (const auto& t : release_transfers(e, bounty_id(), sb.rec.issue)) escrow::apply_transfer(tx, t);
  for (const auto& [pledge_id, amount] : plan.per_pledge) tx.exec_params0(sql::add_released, pledge_id, amount);
  for (const auto& [position, released] : plan.per_milestone) {
    tx.exec_params0(sql::milestone_released, bounty_id(), released, position);
  }
}

}  // namespace

std::int64_t upsert_repository(pqxx::work& tx, const issue_ref& issue) {
  const auto id =
      tx.exec_params1(sql::upsert_repository, issue.platform, issue.repository_id, issue.repository_path)[0].as<int64_t>();
  tx.exec_params0(sql::upsert_path, issue.platform, issue.repository_path, id);
  return id;
}

void upsert_user(pqxx::work& tx, const user_ref& user) { tx.exec_params0(sql::upsert_user, user.platform, user.id, user.login); }

open_vote load_vote(pqxx::work& tx, std::int64_t vote_id) { return load_vote_details(tx, tx.exec_params1(sql::vote_by_id, vote_id)); }

std::optional<bounty_record> load_bounty(pqxx::work& tx, std::int64_t bounty_id) {
  auto sb = load_stored(tx, bounty_id);
  if (!sb) return std::nullopt;
  return sb->rec;
}

std::optional<bounty_record> find_bounty(pqxx::work& tx, const std::string& platform, const std::string& full_path,
                                         std::int64_t number) {
  const auto r = tx.exec_params(sql::bounty_by_path, platform, full_path, number);
  if (r.empty()) return std::nullopt;
  return load_bounty(tx, r[0][0].as<int64_t>());
}

bool is_frozen(pqxx::work& tx, std::string_view platform, std::int64_t user_id) {
  const auto r = tx.exec_params(sql::frozen, std::string(platform), user_id);
  return !r.empty() && r[0][0].as<bool>();
}

bool claim_cause(pqxx::work& tx, const event_cause& cause) {
  assert(!cause.empty() && "adapters give every event a cause");
  return !tx.exec_params(sql::claim_cause, cause, app::current_log_fields().delivery).empty();
}

namespace {

// The view a comment's commands are decided on, read under the issue's lock: the bounty if any,
// the assignees with the logins the service has seen, and the author's balances, locked so that
// a comment of the same author on another issue cannot spend what is decided on, and whether a
// card dispute froze them.
bounty_view comment_view(pqxx::work& tx, const comment_posted& event, const std::optional<stored_bounty>& existing) {
  bounty_view view = existing ? view_of(*existing) : bounty_view{};
  view.issue = event.issue;
  view.assignees = event.assignees;
  for (auto& a : view.assignees) {  // logins the platform did not send come from what the service has seen
    const auto known = tx.exec_params(sql::login, a.platform, a.id);
    if (!known.empty()) a.login = known[0][0].as<std::string>();
  }
  view.author_available =
      escrow::lock_balances_by_currency(tx, escrow::available_account(event.author.platform, event.author.id));
  view.author_frozen = is_frozen(tx, event.author.platform, event.author.id);
  return view;
}

// The reply to a comment: its parts in command order, funding requests with their stored pledge ids.
std::string comment_reply(const decision& d, const applier& a, const comment_posted& event, const store_settings& settings) {
  std::vector<std::string> parts;
  for (const auto& part : d.reply) {
    if (const auto* text = std::get_if<std::string>(&part)) {
      parts.push_back(*text);
    } else {
      const auto& fr = std::get<funds_request>(part);
      parts.push_back(render_funds_request(settings.public_url, a.stored(fr.pledge_id), fr.missing_minor, fr.currency,
                                           settings.repo.awaiting_funds_ttl));
    }
  }
  return render_reply(event.author.login, parts);
}

std::string command_names(const std::vector<command_line>& commands) {
  std::string names;
  for (const auto& c : commands) {
    names += (names.empty() ? "" : ",") + std::string(c.parsed ? to_string(c.parsed->kind) : "invalid");
  }
  return names;
}

}  // namespace

bool process_comment(pqxx::work& tx, const comment_posted& event, const store_settings& settings, utc_time now,
                     const maintainer_check& is_maintainer) {
  if (event.by_bot) return true;
  const auto commands = parse_comment(event.body);
  if (commands.empty()) return true;
  if (!claim_cause(tx, event.cause)) return false;
  const app::log_scope scope({.command = command_names(commands)});
  const auto& issue = event.issue;
  lock_issue(tx, issue);
  const int64_t repo_id = upsert_repository(tx, issue);
  upsert_user(tx, event.author);
  const auto existing = load_for_issue(tx, repo_id, issue.number);
  auto view = comment_view(tx, event, existing);
  if (needs_maintainer_check(commands)) view.author_is_maintainer = is_maintainer(issue, event.author);

  const decision d = decide(view, event.author, commands, settings.repo, now);
  spdlog::info("{} command(s) done, {} refused", d.done, d.refused);
  stored_bounty sb = existing.value_or(stored_bounty{});
  sb.repo_id = repo_id;
  sb.rec.issue = issue;
  applier a{tx, sb, now, event.cause, event.cause + ":vote"};
  a.apply(d);
  if (!d.reply.empty()) enqueue(tx, sb, {.kind = outbox_kind::reply, .body = comment_reply(d, a, event, settings)});
  for (const auto reaction : acknowledgement(d)) {
    enqueue(tx, sb, {.kind = outbox_kind::reaction, .comment_id = event.comment_id, .reaction = reaction});
  }
  return true;
}

bool process_labels(pqxx::work& tx, const labels_changed& event, const store_settings& settings, utc_time now,
                    const maintainer_check& is_maintainer) {
  if (event.by_bot || !accepted_label_change(event, settings.repo)) return true;
  if (!claim_cause(tx, event.cause)) return false;
  lock_issue(tx, event.issue);
  const int64_t repo_id = upsert_repository(tx, event.issue);
  upsert_user(tx, event.actor);
  auto sb = load_for_issue(tx, repo_id, event.issue.number);
  if (!sb) return true;  // no bounty on the issue: the label means nothing to the bot
  auto view = view_of(*sb);
  view.author_is_maintainer = is_maintainer(event.issue, event.actor);
  applier{tx, *sb, now, event.cause, event.cause + ":vote"}.apply(decide_labels(view, event, settings.repo, now));
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
  applier{tx, *sb, now, event.cause, event.cause + ":vote"}.apply(
      decide_closed(view_of(*sb), event, settings.repo, now));
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
    const auto key = event.cause + ":" + std::to_string(number) + ":vote";
    const auto d = decide_merged(view_of(*sb), event, settings.repo, now);
    applier{tx, *sb, now, event.cause, key}.apply(d);
  }
  return true;
}

bool process_reaction(pqxx::work& tx, const reaction_changed& event, const store_settings& settings, utc_time now) {
  if (!is_ballot_emoji(event.name)) return true;
  // Claimed before anything depends on the state: an award replayed after its vote opened must
  // still be the award that was processed (and did nothing) before.
  if (!claim_cause(tx, event.cause)) return false;
  const auto r = tx.exec_params(sql::open_vote_by_comment, event.issue.platform, event.issue.repository_id, event.comment_id);
  if (r.empty()) return true;  // not a vote comment: ignored
  auto sb = lock_and_load(tx, r[0][0].as<int64_t>());
  applier{tx, sb, now, event.cause, {}}.apply(decide_reaction(view_of(sb), event, settings.repo, now));
  return true;
}

void record_vote_reactions(pqxx::work& tx, std::int64_t vote_id,
                           const std::vector<std::pair<std::int64_t, std::string>>& reactions,
                           const store_settings& settings, utc_time now) {
  const auto v = tx.exec_params(sql::open_vote_of_bounty, vote_id);
  if (v.empty()) return;
  // Not under the issue's lock: the poller holds the vote's row, which every path that closes the
  // vote updates after taking the issue's lock; taking the lock here would invert that order.
  auto sb = *load_stored(tx, v[0][0].as<int64_t>());
  applier{tx, sb, now, {}, {}}.apply(decide_polled_reactions(view_of(sb), vote_id, reactions, settings.repo, now));
}

bool fire_next_timer(pqxx::work& tx, const store_settings& settings, utc_time now) {
  const auto r = tx.exec_params(sql::next_due_timer, epoch(now));
  if (r.empty()) return false;
  const auto& row = r[0];
  const int64_t timer_id = row[0].as<int64_t>();
  const auto kind_name = row[1].as<std::string>();
  due_timer timer{timer_id};
  try {
    timer.kind = timer_kind_from(kind_name);
  } catch (const std::invalid_argument&) {
    spdlog::error("timer {} has a kind this version does not know ({}); marked fired", timer_id, kind_name);
    tx.exec_params0(sql::timer_fired, timer_id, epoch(now));
    return true;
  }
  if (!row[3].is_null()) timer.pledge_id = row[3].as<int64_t>();
  if (!row[4].is_null()) timer.vote_id = row[4].as<int64_t>();
  timer.due_at = db::to_time(row[5]);
  // A timer whose transfers the ledger refuses (a balance at the int64 limit) is put back by
  // `refused_timer_retry` and logged, so that it does not block every timer due after it.
  tx.exec0("SAVEPOINT timer");
  try {
    auto sb = lock_and_load(tx, row[2].as<int64_t>());
    applier{tx, sb, now, {}, {}}.apply(decide_timer(view_of(sb), timer, settings.repo, now));
    tx.exec0("RELEASE SAVEPOINT timer");
  } catch (const escrow::ledger_refusal& e) {
    tx.exec0("ROLLBACK TO SAVEPOINT timer");
    tx.exec_params0(sql::put_back_timer, timer_id, epoch(now + refused_timer_retry));
    spdlog::error("timer {} ({}) refused by the ledger, tried again in an hour: {}", timer_id, kind_name, e.reason.message);
  }
  return true;
}

result<std::string> resolve_dispute(pqxx::work& tx, const std::string& platform, const std::string& full_path,
                                    std::int64_t number, const std::string& action, const std::string& reason,
                                    const store_settings& settings, utc_time now) {
  const dispute_resolution asked{action, reason};
  if (const auto checked = check_resolution(asked); !checked) return checked.error();
  const auto found = tx.exec_params(sql::bounty_by_path, platform, full_path, number);
  if (found.empty()) return make_problem(problem_code::not_found, "no such bounty");
  auto sb = lock_and_load(tx, found[0][0].as<int64_t>());
  std::optional<open_vote> last_rejected;
  if (const auto last = tx.exec_params(sql::last_rejected_vote, sb.rec.current.id); !last.empty()) {
    last_rejected = load_vote_details(tx, last[0]);
  }
  const auto d = decide_dispute(view_of(sb), asked, last_rejected, settings.repo, now);
  if (!d) return d.error();
  applier{tx, sb, now, {}, {}}.apply(*d);
  return result<std::string>(boost::system::in_place_value, std::string(resolution_outcome(asked)));
}

namespace {

using issue_key = std::tuple<std::string, int64_t, int64_t>;  // platform, repository id, number

// Locks the issues of the depositor's oldest awaiting pledges (at most max_issues_per_deposit),
// sorted, before any account row: comments take their issue's lock first too, and two deposits
// take theirs in the same order. Returns the issues locked.
std::set<issue_key> lock_awaiting_issues(pqxx::work& tx, const deposit_request& request, const std::string& currency) {
  std::set<issue_key> issues;
  for (const auto& row : tx.exec_params(sql::awaiting_issues, request.platform, request.user_id, currency,
                                        static_cast<int64_t>(max_issues_per_deposit))) {
    issues.insert({row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<int64_t>()});
  }
  for (const auto& [platform, repository_id, number] : issues) lock_issue(tx, platform, repository_id, number);
  return issues;
}

// The depositor's awaiting pledges in `currency`, oldest first, on the issues in `locked` only: a
// pledge on an issue not locked (made meanwhile, or past the first max_issues_per_deposit) and
// every newer one wait for the next deposit.
std::vector<awaiting_pledge> load_awaiting(pqxx::work& tx, const deposit_request& request, const std::string& currency,
                                           const std::set<issue_key>& locked) {
  std::vector<awaiting_pledge> awaiting;
  for (const auto& row : tx.exec_params(sql::awaiting_for_deposit, request.platform, request.user_id, currency)) {
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
  return awaiting;
}

// Holds the depositor's awaiting pledges the balance now covers (decide_deposit); cut, refused
// and expired ones are settled and their sponsors told. Returns the pledges held, oldest first.
std::vector<int64_t> fund_awaiting(pqxx::work& tx, const deposit_request& request, const std::string& currency,
                                   const std::set<issue_key>& locked, utc_time now) {
  const auto awaiting = load_awaiting(tx, request, currency, locked);
  if (awaiting.empty()) return {};
  const auto available = escrow::balance_of(tx, escrow::available_account(request.platform, request.user_id), currency);
  const auto login = tx.exec_params1(sql::login, request.platform, request.user_id)[0].as<std::string>();
  std::vector<int64_t> held;
  for (const auto& [bounty_id, decided] : decide_deposit(available, awaiting, login, now)) {
    auto sb = *load_stored(tx, bounty_id);
    applier{tx, sb, now, {}, {}}.apply(decided);
    for (const auto& e : decided.effects) {
      if (const auto* h = std::get_if<hold_awaiting>(&e)) held.push_back(h->p.id);
    }
  }
  std::sort(held.begin(), held.end());
  return held;
}

}  // namespace

result<deposit_result> record_deposit(pqxx::work& tx, const deposit_request& request, utc_time now,
                                      std::int64_t max_units) {
  const auto checked = check_deposit(request, max_units);
  if (!checked) return checked.error();
  const escrow::money& amount = *checked;
  const std::string& currency = amount.currency();
  const std::string account = escrow::available_account(request.platform, request.user_id);

  deposit_result out;
  const auto inserted = tx.exec_params(sql::insert_deposit, request.provider, request.reference, request.platform,
                                       request.user_id, amount.amount_minor(), currency);
  if (inserted.empty()) {
    const auto row = tx.exec_params1(sql::deposit_by_reference, request.provider, request.reference);
    const stored_deposit stored{row[1].as<std::string>(), row[2].as<int64_t>(),
                                escrow::money(row[3].as<int64_t>(), row[4].as<std::string>())};
    if (const auto replay = check_deposit_replay(request, amount, stored); !replay) return replay.error();
    out.deposit_id = row[0].as<int64_t>();
    out.available = escrow::money(escrow::balance_of(tx, account, currency), currency);
    return out;
  }
  out.created = true;
  out.deposit_id = inserted[0][0].as<int64_t>();
  const auto locked = lock_awaiting_issues(tx, request, currency);
  // A deposit without a login (a card payment, an operator who left it out) keeps the login
  // the user is known by; a user it meets first is named after their id until they comment.
  if (request.login.empty()) {
    tx.exec_params0(sql::insert_user, request.platform, request.user_id, "user-" + std::to_string(request.user_id));
  } else {
    upsert_user(tx, {request.platform, request.user_id, request.login});
  }
  escrow::apply_transfer(tx,
                         {escrow::deposit_key(request.provider, request.reference), escrow::transfer_kind::deposit,
                          escrow::external_account(request.provider), account, amount},
                         request.reference);
  out.held_pledges = fund_awaiting(tx, request, currency, locked, now);
  out.available = escrow::money(escrow::balance_of(tx, account, currency), currency);
  return out;
}

}  // namespace bountybot::bot
