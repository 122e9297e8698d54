#include "adapters/outbox_sender.hpp"

#include "adapters/loop.hpp"
#include "app/db.hpp"
#include "app/log_context.hpp"
#include "bot/status.hpp"
#include "bot/store/store.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <random>
#include <thread>

namespace bountybot::adapters {
namespace {

using std::int64_t;

class dry_run_api final : public platform_api {
 public:
  explicit dry_run_api(std::string platform) : platform_(std::move(platform)) {}
  std::int64_t create_comment(const bot::issue_ref& issue, const std::string& body) override {
    spdlog::info("[dry-run] {} would post a comment on {}:\n{}", platform_, issue.key(), body);
    return ++next_id_;
  }
  void update_comment(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& body) override {
    spdlog::info("[dry-run] {} would edit comment {} on {}:\n{}", platform_, comment_id, issue.key(), body);
  }
  void add_reaction(const bot::issue_ref& issue, std::int64_t comment_id, reaction r) override {
    spdlog::info("[dry-run] {} would react {} to comment {} on {}", platform_,
                 r == reaction::done ? "+1" : "confused", comment_id, issue.key());
  }
  std::optional<std::int64_t> find_comment(const bot::issue_ref&, const std::string&) override { return std::nullopt; }
  bool is_maintainer(const bot::issue_ref& issue, const bot::user_ref& user) override {
    spdlog::warn("[dry-run] {} permission of @{} on {} not checked: treated as a maintainer", platform_, user.login,
                 issue.repository_path);
    return true;
  }
  void add_label(const bot::issue_ref& issue, const std::string& label) override {
    spdlog::info("[dry-run] {} would add label `{}` to {}", platform_, label, issue.key());
  }
  void remove_label(const bot::issue_ref& issue, const std::string& label) override {
    spdlog::info("[dry-run] {} would remove label `{}` from {}", platform_, label, issue.key());
  }
  reactions_page list_reactions(const bot::issue_ref&, std::int64_t, const std::string& etag) override {
    reactions_page page;  // nothing to poll in a dry run
    page.not_modified = !etag.empty();
    page.etag = "dry-run";
    return page;
  }

 private:
  std::string platform_;
  std::atomic<std::int64_t> next_id_{0};
};

std::optional<long long> to_number(const std::string& s) {
  long long v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::unique_ptr<platform_api> make_dry_run_api(std::string platform) {
  return std::make_unique<dry_run_api>(std::move(platform));
}

api_error classify_failure(const std::string& call, unsigned status, const std::string& body,
                           const std::string& retry_after, const std::string& ratelimit_remaining,
                           const std::string& ratelimit_reset, long long now_epoch) {
  std::optional<std::chrono::seconds> after;
  if (auto s = to_number(retry_after)) after = std::chrono::seconds{*s};
  const bool limited = ratelimit_remaining == "0";
  if (!after && limited) {
    if (auto reset = to_number(ratelimit_reset)) {
      // GitHub sends an epoch time; GitLab's RateLimit-Reset is also an epoch time.
      after = std::chrono::seconds{std::max(1LL, *reset - now_epoch)};
    }
  }
  const bool retryable = status >= 500 || status == 429 || (status == 403 && (limited || after));
  std::string snippet = body.substr(0, 300);
  return api_error(call + " answered " + std::to_string(status) + ": " + snippet, status, retryable, after);
}

outbox_sender::outbox_sender(std::string db_url, std::map<std::string, std::shared_ptr<platform_api>> apis,
                             sender_settings s)
    : db_url_(std::move(db_url)), apis_(std::move(apis)), settings_(s) {}

outbox_sender::~outbox_sender() = default;

bool outbox_sender::send_one() {
  // Claim first, in a transaction of its own: the attempt is on record before the call is made,
  // so a crash after the platform acted but before the result was stored leaves a row whose next
  // attempt knows to look for what the last one created. The lease keeps other senders away.
  // Which call: the repository served least recently first (so a busy one cannot starve the
  // others), then its call due longest; an index step per repository, never a sort of the backlog.
  std::optional<int64_t> claimed;
  db::transact(conn_, db_url_, [&](pqxx::work& tx) {
    claimed.reset();
    const auto r = tx.exec_params(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = now() + $1 * interval '1 second' WHERE id = "
        "(SELECT due.id FROM outbox_turns t CROSS JOIN LATERAL "
        " (SELECT o.id FROM outbox o WHERE o.repository_id = t.repository_id AND o.sent_at IS NULL AND NOT o.dead "
        "  AND o.next_attempt_at <= now() ORDER BY o.next_attempt_at, o.id LIMIT 1 FOR UPDATE SKIP LOCKED) due "
        " ORDER BY t.last_sent_at, t.repository_id LIMIT 1) RETURNING id, repository_id",
        static_cast<long long>(settings_.lease.count()));
    if (r.empty()) return;
    claimed = r[0][0].as<int64_t>();
    // This repository's turn is taken: the others come first next time.
    tx.exec_params0("INSERT INTO outbox_turns (repository_id, last_sent_at) VALUES ($1, clock_timestamp()) "
                    "ON CONFLICT (repository_id) DO UPDATE SET last_sent_at = EXCLUDED.last_sent_at",
                    r[0][1].as<int64_t>());
  });
  if (!claimed) return false;
  bool retried = false;  // a failed attempt, to be retried
  db::transact(conn_, db_url_, [&](pqxx::work& tx) {
    retried = false;
    const auto rows = tx.exec_params(
        "SELECT o.id, o.kind, o.bounty_id, o.comment_id, o.body, o.reaction, o.attempts, o.issue_number, "
        "r.platform, r.platform_id, r.full_path, o.vote_id, o.label, coalesce(o.delivery, '') "
        "FROM outbox o JOIN repositories r ON r.id = o.repository_id "
        "WHERE o.id = $1 AND o.sent_at IS NULL FOR UPDATE OF o", *claimed);
    if (rows.empty()) return;
    const auto& row = rows[0];
    const int64_t id = row[0].as<int64_t>();
    const std::string kind = row[1].as<std::string>();
    const int attempts = row[6].as<int>();
    bot::issue_ref issue;
    issue.number = row[7].as<int64_t>();
    issue.platform = row[8].as<std::string>();
    issue.repository_id = row[9].as<int64_t>();
    issue.repository_path = row[10].as<std::string>();
    const app::log_scope scope({.delivery = row[13].as<std::string>(), .issue = issue.key()});
    const auto api = apis_.find(issue.platform);
    if (api == apis_.end()) {
      tx.exec_params0("UPDATE outbox SET next_attempt_at = now() + interval '1 hour', attempts = attempts - 1, "
                      "last_error = $2 WHERE id = $1", id, "no API client for " + issue.platform);
      return;
    }
    // Comments carry the outbox row's tag; a retry after a failed attempt first looks for the
    // comment that attempt may have created (a timeout does not say whether it was).
    const std::string tag = "<!-- bountybot:outbox:" + std::to_string(id) + " -->";
    auto create = [&](const std::string& body) -> std::int64_t {
      if (attempts > 1) {
        if (const auto existing = api->second->find_comment(issue, tag)) {
          spdlog::info("outbox {}: the comment of an earlier attempt exists ({}), not posting again", id, *existing);
          return *existing;
        }
      }
      return api->second->create_comment(issue, body + "\n" + tag + "\n");
    };
    try {
      if (kind == "status") {
        const int64_t bounty_id = row[2].as<int64_t>();
        // Lock the bounty so two senders never create two status comments for it.
        tx.exec_params("SELECT 1 FROM bounties WHERE id = $1 FOR UPDATE", bounty_id);
        const auto rec = bot::load_bounty(tx, bounty_id);
        const auto body = bot::render_status(rec->issue, rec->current, rec->pledges, rec->milestones, rec->vote);
        if (rec->status_comment_id) {
          api->second->update_comment(issue, *rec->status_comment_id, body);
        } else {
          const auto comment_id = create(body);
          tx.exec_params0("UPDATE bounties SET status_comment_id = $2 WHERE id = $1", bounty_id, comment_id);
        }
        // Rendering reads the current state, so older pending status rows of this bounty are served too.
        tx.exec_params0("UPDATE outbox SET sent_at = now() WHERE bounty_id = $1 AND kind = 'status' AND sent_at IS NULL "
                        "AND id <= $2", bounty_id, id);
      } else if (kind == "reply") {
        create(row[4].as<std::string>());
      } else if (kind == "vote") {
        const int64_t vote_id = row[11].as<int64_t>();
        const auto rec = bot::load_bounty(tx, row[2].as<int64_t>());
        const auto v = tx.exec_params1("SELECT submitter_platform, submitter_id, coalesce(url, ''), comment_id, "
                                       "(SELECT login FROM users WHERE platform = submitter_platform AND platform_id = submitter_id) "
                                       "FROM votes WHERE id = $1", vote_id);
        if (v[3].is_null()) {
          const auto vote = bot::load_vote(tx, vote_id);
          const bot::user_ref submitter{v[0].as<std::string>(), v[1].as<int64_t>(), v[4].is_null() ? "" : v[4].as<std::string>()};
          const auto comment_id =
              create(bot::render_vote(rec->issue, rec->current, rec->milestones, vote, submitter, v[2].as<std::string>()));
          tx.exec_params0("UPDATE votes SET comment_id = $2, next_poll_at = now() WHERE id = $1", vote_id, comment_id);
        }
      } else if (kind == "add_label") {
        api->second->add_label(issue, row[12].as<std::string>());
      } else if (kind == "remove_label") {
        api->second->remove_label(issue, row[12].as<std::string>());
      } else if (kind == "reaction") {
        api->second->add_reaction(issue, row[3].as<int64_t>(),
                                  row[5].as<std::string>() == "done" ? reaction::done : reaction::refused);
      }
      tx.exec_params0("UPDATE outbox SET sent_at = now(), attempts = $2, last_error = NULL WHERE id = $1", id, attempts);
    } catch (const pqxx::failure&) {
      throw;  // database trouble: the transaction runner retries or gives up; the row stays pending
    } catch (const std::exception& e) {
      const auto* api_err = dynamic_cast<const api_error*>(&e);
      const bool retryable = api_err == nullptr || api_err->retryable;  // transport errors are retryable
      if (!retryable || attempts >= settings_.max_attempts) {
        spdlog::error("outbox {} ({} on {}) is dead after {} attempt(s): {}", id, kind, issue.key(), attempts, e.what());
        tx.exec_params0("UPDATE outbox SET dead = true, attempts = $2, last_error = $3 WHERE id = $1", id, attempts,
                        std::string(e.what()));
        return;
      }
      auto backoff = settings_.first_backoff * (1LL << std::min(attempts - 1, 20));
      if (backoff > settings_.max_backoff) backoff = settings_.max_backoff;
      static thread_local std::mt19937_64 rng{std::random_device{}()};
      backoff += std::chrono::seconds{std::uniform_int_distribution<long long>(0, backoff.count() / 4)(rng)};
      if (api_err != nullptr && api_err->retry_after && *api_err->retry_after > backoff) backoff = std::chrono::duration_cast<decltype(backoff)>(*api_err->retry_after);
      spdlog::warn("outbox {} ({} on {}) attempt {} failed, retrying in {}s: {}", id, kind, issue.key(), attempts,
                   backoff.count(), e.what());
      tx.exec_params0("UPDATE outbox SET attempts = $2, last_error = $3, next_attempt_at = now() + $4 * interval '1 second' "
                      "WHERE id = $1", id, attempts, std::string(e.what()), static_cast<long long>(backoff.count()));
      retried = true;
      if (api_err != nullptr && api_err->retry_after) {
        // A rate limit covers the whole repository (installation): hold back its other calls too,
        // instead of spending them against the limit.
        tx.exec_params0("UPDATE outbox SET next_attempt_at = greatest(next_attempt_at, now() + $2 * interval '1 second') "
                        "WHERE repository_id = (SELECT repository_id FROM outbox WHERE id = $1) AND sent_at IS NULL "
                        "AND NOT dead AND id <> $1", id, static_cast<long long>(api_err->retry_after->count()));
      }
    }
  });
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

}  // namespace bountybot::adapters
