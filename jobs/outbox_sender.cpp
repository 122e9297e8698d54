#include "jobs/outbox_sender.hpp"

#include "jobs/loop.hpp"
#include "db/db.hpp"
#include "app/log_context.hpp"
#include "bot/outbox.hpp"
#include "bot/status.hpp"
#include "bot/store/store.hpp"

#include <spdlog/spdlog.h>

#include <random>
#include <thread>

namespace bountybot::jobs {

using adapters::api_error;
using adapters::platform_api;

outbox_sender::outbox_sender(std::string db_url, std::map<std::string, std::shared_ptr<platform_api>> apis,
                             sender_settings s)
    : db_url_(std::move(db_url)), apis_(std::move(apis)), settings_(s) {}

outbox_sender::~outbox_sender() = default;

namespace {

// ---- the statements the sender runs (the outbox, outbox_turns, bounties and votes tables) ----

/// Claims the due row of the repository served least recently (so a busy one cannot starve the
/// others), its call due longest first; an index step per repository, never a sort of the
/// backlog. Counts the attempt and leases the row for $1 seconds. Returns (id, repository_id).
constexpr const char* claim_next_row_sql =
    "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + $1 * interval '1 second' WHERE id = "
    "(SELECT due.id FROM outbox_turns t CROSS JOIN LATERAL "
    " (SELECT o.id FROM outbox o WHERE o.repository_id = t.repository_id AND o.sent_at IS NULL AND NOT o.dead "
    "  AND o.next_attempt_at <= now() ORDER BY o.next_attempt_at, o.id LIMIT 1 FOR UPDATE SKIP LOCKED) due "
    " ORDER BY t.last_sent_at, t.repository_id LIMIT 1) RETURNING id, repository_id";

/// Records that repository $1 had its turn now: the others come first next time.
constexpr const char* take_turn_sql =
    "INSERT INTO outbox_turns (repository_id, last_sent_at) VALUES ($1, clock_timestamp()) "
    "ON CONFLICT (repository_id) DO UPDATE SET last_sent_at = EXCLUDED.last_sent_at";

/// Reads and locks claimed row $1 with its repository, if it is still unsent; the columns are
/// those of `column` below.
constexpr const char* load_claimed_row_sql =
    "SELECT o.id, o.kind, o.bounty_id, o.comment_id, o.body, o.reaction, o.attempts, o.issue_number, "
    "r.platform, r.platform_id, r.full_path, o.vote_id, o.label, coalesce(o.delivery, '') "
    "FROM outbox o JOIN repositories r ON r.id = o.repository_id "
    "WHERE o.id = $1 AND o.sent_at IS NULL FOR UPDATE OF o";

/// The columns of load_claimed_row_sql.
enum column : int {
  col_id, col_kind, col_bounty_id, col_comment_id, col_body, col_reaction, col_attempts, col_issue_number,
  col_platform, col_platform_id, col_full_path, col_vote_id, col_label, col_delivery
};

/// Row $1's platform has no API client: the row waits an hour ($2: why), the attempt not counted.
constexpr const char* park_without_api_sql =
    "UPDATE outbox SET next_attempt_at = now() + interval '1 hour', attempts = attempts - 1, "
    "last_error = $2 WHERE id = $1";

/// Locks bounty $1, so two senders never create two status comments for it.
constexpr const char* lock_bounty_sql = "SELECT 1 FROM bounties WHERE id = $1 FOR UPDATE";

/// Bounty $1's status comment is now comment $2.
constexpr const char* set_status_comment_sql = "UPDATE bounties SET status_comment_id = $2 WHERE id = $1";

/// Marks bounty $1's pending status rows up to row $2 sent: rendering reads the current state, so
/// one comment serves them all.
constexpr const char* serve_older_status_rows_sql =
    "UPDATE outbox SET sent_at = now() WHERE bounty_id = $1 AND kind = 'status' AND sent_at IS NULL "
    "AND id <= $2";

/// Vote $1's submitter (platform, id, login or null), its URL and its comment id (null until posted).
constexpr const char* load_vote_submission_sql =
    "SELECT submitter_platform, submitter_id, coalesce(url, ''), comment_id, "
    "(SELECT login FROM users WHERE platform = submitter_platform AND platform_id = submitter_id) "
    "FROM votes WHERE id = $1";

/// Vote $1's comment is now comment $2; its reactions are polled from now on.
constexpr const char* set_vote_comment_sql = "UPDATE votes SET comment_id = $2, next_poll_at = now() WHERE id = $1";

/// Row $1 was sent, on attempt $2.
constexpr const char* mark_sent_sql =
    "UPDATE outbox SET sent_at = now(), attempts = $2, last_error = NULL WHERE id = $1";

/// Row $1 is given up on after $2 attempts, for reason $3.
constexpr const char* mark_dead_sql =
    "UPDATE outbox SET dead = true, attempts = $2, last_error = $3 WHERE id = $1";

/// Row $1's attempt $2 failed with $3; the next one is $4 seconds from now.
constexpr const char* reschedule_sql =
    "UPDATE outbox SET attempts = $2, last_error = $3, next_attempt_at = now() + $4 * interval '1 second' "
    "WHERE id = $1";

/// Holds back the other pending calls of row $1's repository for at least $2 seconds.
constexpr const char* hold_back_repository_sql =
    "UPDATE outbox SET next_attempt_at = greatest(next_attempt_at, now() + $2 * interval '1 second') "
    "WHERE repository_id = (SELECT repository_id FROM outbox WHERE id = $1) AND sent_at IS NULL "
    "AND NOT dead AND id <> $1";

/// Backoff doubles per attempt at most this many times (then only `max_backoff` caps it).
constexpr int max_backoff_doublings = 20;
/// A retry waits up to 1/jitter_divisor of its backoff more, at random, so that calls failed
/// together do not come back together.
constexpr long long backoff_jitter_divisor = 4;

/// One claimed outbox row, read for sending.
struct claimed_row {
  pqxx::row fields;  // the columns of load_claimed_row_sql, read per kind as the call needs them
  std::int64_t id;
  std::string kind_name;  // as stored; logged as such
  int attempts;           // counting this one
  bot::issue_ref issue;
};

claimed_row read_claimed_row(const pqxx::row& row) {
  claimed_row c{.fields = row, .id = row[col_id].as<std::int64_t>(), .kind_name = row[col_kind].as<std::string>(),
                .attempts = row[col_attempts].as<int>(), .issue = {}};
  c.issue.number = row[col_issue_number].as<std::int64_t>();
  c.issue.platform = row[col_platform].as<std::string>();
  c.issue.repository_id = row[col_platform_id].as<std::int64_t>();
  c.issue.repository_path = row[col_full_path].as<std::string>();
  return c;
}

/// What performing a row's call needs: its transaction (still holding the row's lock), the row,
/// and the client of the row's platform.
struct call_context {
  pqxx::work& tx;
  const claimed_row& row;
  platform_api& api;
  const std::string& public_url;
};

/// The hidden tag that the comment of outbox row `id` carries.
std::string outbox_tag(std::int64_t id) { return "<!-- bountybot:outbox:" + std::to_string(id) + " -->"; }

/// Posts `body` with the row's tag; returns the comment id. A retry after a failed attempt first
/// looks for the comment that attempt may have created (a timeout does not say whether it was).
std::int64_t create_tagged_comment(const call_context& c, const std::string& body) {
  const std::string tag = outbox_tag(c.row.id);
  if (c.row.attempts > 1) {
    if (const auto existing = c.api.find_comment(c.row.issue, tag)) {
      spdlog::info("outbox {}: the comment of an earlier attempt exists ({}), not posting again", c.row.id, *existing);
      return *existing;
    }
  }
  return c.api.create_comment(c.row.issue, body + "\n" + tag + "\n");
}

/// `status`: renders the bounty's current state into its status comment, created if it has none.
void send_status(const call_context& c) {
  const std::int64_t bounty_id = c.row.fields[col_bounty_id].as<std::int64_t>();
  c.tx.exec_params(lock_bounty_sql, bounty_id);
  const auto rec = bot::load_bounty(c.tx, bounty_id);
  const auto body = bot::render_status(rec->issue, rec->current, rec->pledges, rec->milestones, rec->vote, c.public_url);
  if (rec->status_comment_id) {
    c.api.update_comment(c.row.issue, *rec->status_comment_id, body);
  } else {
    const auto comment_id = create_tagged_comment(c, body);
    c.tx.exec_params0(set_status_comment_sql, bounty_id, comment_id);
  }
  c.tx.exec_params0(serve_older_status_rows_sql, bounty_id, c.row.id);
}

/// `vote`: posts the vote comment of the row's vote, unless it was posted already.
void send_vote(const call_context& c) {
  const std::int64_t vote_id = c.row.fields[col_vote_id].as<std::int64_t>();
  const auto rec = bot::load_bounty(c.tx, c.row.fields[col_bounty_id].as<std::int64_t>());
  const auto v = c.tx.exec_params1(load_vote_submission_sql, vote_id);
  if (!v[3].is_null()) return;
  const auto vote = bot::load_vote(c.tx, vote_id);
  const bot::user_ref submitter{v[0].as<std::string>(), v[1].as<std::int64_t>(),
                                v[4].is_null() ? "" : v[4].as<std::string>()};
  const auto comment_id =
      create_tagged_comment(c, bot::render_vote(rec->issue, rec->current, rec->milestones, vote, submitter,
                                                v[2].as<std::string>()));
  c.tx.exec_params0(set_vote_comment_sql, vote_id, comment_id);
}

/// `reaction`: reacts to the row's comment. A stored reaction other than "done" is a refusal.
void send_reaction(const call_context& c) {
  const auto r = bot::reaction_kind_from(c.row.fields[col_reaction].as<std::string>());
  c.api.add_reaction(c.row.issue, c.row.fields[col_comment_id].as<std::int64_t>(),
                     r.value_or(bot::reaction_kind::refused));
}

/// Makes the platform call of a row of kind `kind`. Throws what the call or the database throws.
void perform_call(const call_context& c, bot::outbox_kind kind) {
  switch (kind) {
    case bot::outbox_kind::status: send_status(c); return;
    case bot::outbox_kind::reply: create_tagged_comment(c, c.row.fields[col_body].as<std::string>()); return;
    case bot::outbox_kind::vote: send_vote(c); return;
    case bot::outbox_kind::add_label: c.api.add_label(c.row.issue, c.row.fields[col_label].as<std::string>()); return;
    case bot::outbox_kind::remove_label:
      c.api.remove_label(c.row.issue, c.row.fields[col_label].as<std::string>());
      return;
    case bot::outbox_kind::reaction: send_reaction(c); return;
  }
}

/// Gives the row up: logged as an error and parked as dead with `why` as its last error.
void mark_dead(pqxx::work& tx, const claimed_row& row, const std::string& why) {
  spdlog::error("outbox {} ({} on {}) is dead after {} attempt(s): {}", row.id, row.kind_name, row.issue.key(),
                row.attempts, why);
  tx.exec_params0(mark_dead_sql, row.id, row.attempts, why);
}

/// How long to wait before attempt `attempts + 1`: `first_backoff` doubled per attempt, capped at
/// `max_backoff`, plus up to a quarter of that at random; at least what the platform asked for.
std::chrono::seconds backoff_after(int attempts, const api_error* api_err, const sender_settings& s) {
  auto backoff = s.first_backoff * (1LL << std::min(attempts - 1, max_backoff_doublings));
  if (backoff > s.max_backoff) backoff = s.max_backoff;
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  backoff += std::chrono::seconds{
      std::uniform_int_distribution<long long>(0, backoff.count() / backoff_jitter_divisor)(rng)};
  if (api_err != nullptr && api_err->retry_after && *api_err->retry_after > backoff) {
    backoff = std::chrono::duration_cast<decltype(backoff)>(*api_err->retry_after);
  }
  return std::chrono::duration_cast<std::chrono::seconds>(backoff);
}

/// Records a failed call: dead when it cannot succeed (a non-retryable platform answer) or the
/// attempts are spent, else rescheduled with backoff. Returns true when it was rescheduled.
bool record_failure(pqxx::work& tx, const claimed_row& row, const std::exception& e, const sender_settings& s) {
  const auto* api_err = dynamic_cast<const api_error*>(&e);
  const bool retryable = api_err == nullptr || api_err->retryable;  // transport errors are retryable
  if (!retryable || row.attempts >= s.max_attempts) {
    mark_dead(tx, row, e.what());
    return false;
  }
  const auto backoff = backoff_after(row.attempts, api_err, s);
  spdlog::warn("outbox {} ({} on {}) attempt {} failed, retrying in {}s: {}", row.id, row.kind_name, row.issue.key(),
               row.attempts, static_cast<long long>(backoff.count()), e.what());
  tx.exec_params0(reschedule_sql, row.id, row.attempts, std::string(e.what()), static_cast<long long>(backoff.count()));
  if (api_err != nullptr && api_err->retry_after) {
    // A rate limit covers the whole repository (installation): hold back its other calls too,
    // instead of spending them against the limit.
    tx.exec_params0(hold_back_repository_sql, row.id, static_cast<long long>(api_err->retry_after->count()));
  }
  return true;
}

}  // namespace

std::optional<std::int64_t> outbox_sender::claim_next() {
  // Claim first, in a transaction of its own: the attempt is on record before the call is made,
  // so a crash after the platform acted but before the result was stored leaves a row whose next
  // attempt knows to look for what the last one created. The lease keeps other senders away.
  std::optional<std::int64_t> claimed;
  db::transact(conn_, db_url_, [&](pqxx::work& tx) {
    claimed.reset();
    const auto r = tx.exec_params(claim_next_row_sql, static_cast<long long>(settings_.lease.count()));
    if (r.empty()) return;
    claimed = r[0][0].as<std::int64_t>();
    tx.exec_params0(take_turn_sql, r[0][1].as<std::int64_t>());
  });
  return claimed;
}

bool outbox_sender::send_claimed(pqxx::work& tx, std::int64_t claimed_id) {
  const auto rows = tx.exec_params(load_claimed_row_sql, claimed_id);
  if (rows.empty()) return false;
  const claimed_row row = read_claimed_row(rows[0]);
  const app::log_scope scope({.delivery = rows[0][col_delivery].as<std::string>(), .issue = row.issue.key()});
  const auto api = apis_.find(row.issue.platform);
  if (api == apis_.end()) {
    tx.exec_params0(park_without_api_sql, row.id, "no API client for " + row.issue.platform);
    return false;
  }
  const auto kind = bot::outbox_kind_from(row.kind_name);
  if (!kind) {
    // Written by a newer version, or by hand: no attempt can succeed.
    mark_dead(tx, row, "unknown outbox kind `" + row.kind_name + "`");
    return false;
  }
  try {
    perform_call({.tx = tx, .row = row, .api = *api->second, .public_url = settings_.public_url}, *kind);
    tx.exec_params0(mark_sent_sql, row.id, row.attempts);
  } catch (const pqxx::failure&) {
    throw;  // database trouble: the transaction runner retries or gives up; the row stays pending
  } catch (const std::exception& e) {
    return record_failure(tx, row, e, settings_);
  }
  return false;
}

bool outbox_sender::send_one() {
  const auto claimed = claim_next();
  if (!claimed) return false;
  bool retried = false;  // a failed attempt, to be retried
  db::transact(conn_, db_url_, [&](pqxx::work& tx) { retried = send_claimed(tx, *claimed); });
  if (retried && settings_.on_retry) settings_.on_retry();
  return true;
}

int outbox_sender::drain() {
  int n = 0;
  while (send_one()) ++n;
  return n;
}

void outbox_sender::run(const std::atomic<bool>& stop) {
  run_on_notify(stop, db_url_, outbox_channel, settings_.idle_wait, "outbox sender", [this] { return send_one(); });
}

}  // namespace bountybot::jobs
