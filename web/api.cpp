#include "web/api.hpp"
#include "bot/platform.hpp"

#include "adapters/github/events.hpp"
#include "adapters/gitlab/events.hpp"
#include "adapters/stripe/stripe.hpp"
#include "app/clock.hpp"
#include "bot/store/listing.hpp"
#include "bot/store/store.hpp"
#include "escrow/ledger.hpp"
#include "escrow/store/store.hpp"
#include "payments/store/store.hpp"
#include "web/forms.hpp"
#include "webhooks/inbox.hpp"
#include "webhooks/intake.hpp"
#include "webhooks/signature.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <charconv>
#include <iterator>

namespace bountybot::web {

using webhooks::constant_time_equal;
using webhooks::decide_github;
using webhooks::decide_gitlab;
using webhooks::delivery_batcher;
namespace json = boost::json;

namespace {

// ---- the statements of `GET /metrics` ----
/// Receipt-to-processed seconds over the last 1,000 processed deliveries: p50, p99, count.
constexpr const char* processing_latency_sql =
    "SELECT coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY s), 0), coalesce(percentile_cont(0.99) WITHIN GROUP "
    "(ORDER BY s), 0), count(*) FROM (SELECT extract(epoch from processed_at - received_at) AS s FROM inbox "
    "WHERE processed_at IS NOT NULL ORDER BY id DESC LIMIT 1000) t";
/// Platform calls waiting, and parked dead; both read partial indexes (migrations 010 and 011).
constexpr const char* outbox_depth_sql =
    "SELECT (SELECT count(*) FROM outbox WHERE sent_at IS NULL AND NOT dead), "
    "(SELECT count(*) FROM outbox WHERE dead AND sent_at IS NULL)";
/// Live bounties (bot::is_live's states).
const std::string live_bounties_sql = std::string("SELECT count(*) FROM bounties WHERE state IN ") + bot::live_states_sql;
/// Money in escrow by currency (minor units).
constexpr const char* held_by_currency_sql =
    "SELECT currency, sum(balance_minor) FROM accounts WHERE name LIKE 'bounty:%:escrow' GROUP BY 1 ORDER BY 1";

http_reply text(unsigned status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body) + "\n", {}};
}

http_reply json_reply(unsigned status, const json::value& v) {
  return {status, "application/json", json::serialize(v) + "\n", {}};
}

http_reply json_error(unsigned status, const std::string& message) {
  return json_reply(status, json::object{{"error", message}});
}

json::object issue_json(const bot::issue_ref& issue) {
  return {{"platform", issue.platform}, {"repository", issue.repository_path}, {"number", issue.number}, {"url", issue.url}};
}

/// A bounty as the list shows it: the keys of the bounty JSON it carries, its latest activity,
/// and where its whole JSON is.
json::value listed_json(const bot::listed_bounty& b) {
  return json::object{
      {"issue", issue_json(b.issue)},
      {"state", std::string(bot::to_string(b.state))},
      {"currency", b.currency ? json::value(*b.currency) : json::value(nullptr)},
      {"goal", b.goal_minor ? json::value(*b.goal_minor) : json::value(nullptr)},
      {"held", b.held_minor},
      {"sponsors", b.sponsors},
      {"deadline", b.deadline ? json::value(bot::format_rfc3339(*b.deadline)) : json::value(nullptr)},
      {"activity_at", bot::format_rfc3339(b.activity_at)},
      {"api", "/api/v1/bounties/" + b.issue.platform + "/" + b.issue.repository_path + "/" + std::to_string(b.issue.number)}};
}

json::value bounty_json(const bot::bounty_record& rec) {
  const auto t = bot::totals(rec.pledges);
  json::object out;
  out["issue"] = issue_json(rec.issue);
  out["state"] = std::string(bot::to_string(rec.current.state));
  out["currency"] = rec.current.currency ? json::value(*rec.current.currency) : json::value(nullptr);
  out["goal"] = rec.current.goal_minor ? json::value(*rec.current.goal_minor) : json::value(nullptr);
  out["held"] = t.held_minor;
  out["sponsors"] = t.sponsors;
  out["supporters"] = t.supporters;
  out["deadline"] = rec.current.deadline ? json::value(bot::format_rfc3339(*rec.current.deadline)) : json::value(nullptr);
  out["disputed"] = rec.current.disputed;
  // Until maintainers define milestones, a bounty is one milestone "done" of 100%.
  json::array milestones;
  for (const auto& m : bot::effective_milestones(rec.milestones)) {
    milestones.push_back(json::object{{"name", m.name},
                                      {"percent", m.percent},
                                      {"state", std::string(bot::to_string(m.state))},
                                      {"released", m.released_minor}});
  }
  out["milestones"] = std::move(milestones);
  if (rec.vote) {
    const auto t = bot::tally_of(*rec.vote);
    std::string names;
    for (const auto& m : rec.milestones) {
      if (std::find(rec.vote->milestone_ids.begin(), rec.vote->milestone_ids.end(), m.id) != rec.vote->milestone_ids.end())
        names += (names.empty() ? "" : ", ") + m.name;
    }
    out["vote"] = json::object{{"milestone", names},
                               {"closes_at", bot::format_rfc3339(rec.vote->closes_at)},
                               {"eligible_weight", t.eligible_weight},
                               {"approve", t.approve},
                               {"reject", t.reject},
                               {"release", rec.vote->release_minor}};
  } else {
    out["vote"] = nullptr;
  }
  return out;
}

http_reply refuse(const api_route& route, unsigned status, const std::string& message) {
  return route.refusals == refusal_format::json ? json_error(status, message) : text(status, message);
}

template <class... Lists>
std::vector<api_route> concatenated(Lists... lists) {
  std::vector<api_route> out;
  (out.insert(out.end(), std::make_move_iterator(lists.begin()), std::make_move_iterator(lists.end())), ...);
  return out;
}

}  // namespace

routes::routes(api_settings settings, db::pool& pool)
    : settings_(std::move(settings)),
      pool_(pool),
      pages_(std::make_unique<pages>(settings_.pages, pool)),
      bounty_pages_(std::make_unique<bounty_pages>(pool)),
      table_(concatenated(health_routes(), intake_routes(), bounty_routes(), admin_routes(), pages_->routes(),
                          bounty_pages_->routes())),
      batcher_(std::make_unique<delivery_batcher>(pool.url())),
      blocking_(std::make_unique<boost::asio::thread_pool>(pool.size())) {}

routes::~routes() {
  blocking_->join();  // answers still owed are given before the batcher and the pool go
}

std::vector<api_route> routes::health_routes() {
  return {
      /// Liveness: 200 "ok" while the process serves.
      {"GET", "/healthz", route_auth::none, refusal_format::text,
       blocking_handler([](const http_request&, const route_params&) { return text(200, "ok"); })},
      /// Prometheus metrics (text exposition 0.0.4); `bountybot_database_up 0` when the database fails.
      {"GET", "/metrics", route_auth::none, refusal_format::text,
       blocking_handler([this](const http_request&, const route_params&) { return metrics(); })},
      /// Readiness: 200 "ready", or 503 when the database is not migrated or unavailable.
      {"GET", "/readyz", route_auth::none, refusal_format::text,
       blocking_handler([this](const http_request&, const route_params&) { return ready(); })},
  };
}

std::vector<api_route> routes::intake_routes() {
  std::vector<api_route> out;
  /// GitHub deliveries: verified against the HMAC secret, stored in the inbox; answered
  /// from the io thread once the delivery's batch committed. Absent (404) without a secret.
  if (!settings_.github_webhook_secret.empty()) {
    out.push_back({"POST", "/webhooks/github", route_auth::none, refusal_format::text,
                   io_handler([this](const http_request& r, const route_params&, reply_sink reply) {
                     intake(r, true, std::move(reply));
                   })});
  }
  /// GitLab deliveries: as GitHub's, checked against the secret token. Absent (404) without a token.
  if (!settings_.gitlab_webhook_token.empty()) {
    out.push_back({"POST", "/webhooks/gitlab", route_auth::none, refusal_format::text,
                   io_handler([this](const http_request& r, const route_params&, reply_sink reply) {
                     intake(r, false, std::move(reply));
                   })});
  }
  /// Stripe events (SPEC §14): verified against the signing secrets, stored in the inbox, 200.
  /// Absent (404) without a secret.
  if (!settings_.stripe_webhook_secrets.empty()) {
    out.push_back({"POST", "/webhooks/stripe", route_auth::none, refusal_format::text,
                   io_handler([this](const http_request& r, const route_params&, reply_sink reply) {
                     intake_stripe(r, std::move(reply));
                   })});
  }
  return out;
}

std::vector<api_route> routes::bounty_routes() {
  return {
      /// A page of bounties, newest activity first (SPEC §9): filters `platform`, `repo`,
      /// `currency`, `state` (a state, `live` or `all`; default all), `sort` (`activity`, `held`),
      /// `limit` (1..100, default 20), `cursor` (the last page's `next_cursor`). 400 {"error",
      /// "code"} naming a bad parameter.
      {"GET", "/api/v1/bounties", route_auth::none, refusal_format::json,
       blocking_handler([this](const http_request& r, const route_params&) { return bounties(r); })},
      /// A bounty as JSON (amounts in minor units): `path` is the repository's full path ("group/sub/project").
      /// 404 {"error": "no such bounty"} for an unknown platform, a number that is not an integer,
      /// or no such bounty.
      {"GET", "/api/v1/bounties/{platform}/{path+}/{number}", route_auth::none, refusal_format::json,
       blocking_handler([this](const http_request&, const route_params& p) {
         return bounty(p.at("platform"), p.at("path"), p.at("number"));
       })},
  };
}

std::vector<api_route> routes::admin_routes() {
  // Without an admin token, no admin route exists: every path under /api/v1/admin/ is 404.
  if (settings_.admin_token.empty()) return {};
  return {
      /// Records a deposit: body {platform, user_id, amount (integer minor units), currency
      /// (ISO 4217), reference, login?}; 201 recorded, 200 the same reference again, 409 a
      /// conflict (the same reference with other values, or the ledger refuses), 400 otherwise.
      {"POST", "/api/v1/admin/deposits", route_auth::admin, refusal_format::json,
       blocking_handler([this](const http_request& r, const route_params&) { return deposit(r); })},
      /// Resolves a disputed bounty: body {"action": "release"|"refund", "reason": "..."}; 404 no
      /// such bounty, 409 not disputed or refused by the ledger, 400 a malformed body.
      {"POST", "/api/v1/admin/bounties/{platform}/{path+}/{number}/resolve", route_auth::admin, refusal_format::json,
       blocking_handler([this](const http_request& r, const route_params& p) {
         return resolve(r, p.at("platform"), p.at("path"), p.at("number"));
       })},
      /// Payouts and withdrawals in a state (`?state=requested|paid|failed`, default requested), oldest
      /// first: {"payouts": [{id, kind, platform, user_id, amount, currency, provider, state, requested_at, reference, reason}]}.
      {"GET", "/api/v1/admin/payouts", route_auth::admin, refusal_format::json,
       blocking_handler([this](const http_request& r, const route_params&) { return admin_payouts(r); })},
      /// The operator paid a requested payout: body {"reference": "..."}; 404 none, 409 not requested.
      {"POST", "/api/v1/admin/payouts/{id}/paid", route_auth::admin, refusal_format::json,
       blocking_handler([this](const http_request& r, const route_params& p) { return settle_payout(r, p.at("id"), true); })},
      /// A payout could not be paid: body {"reason": "..."}; its booking goes back to payable. 404, 409 failed already.
      {"POST", "/api/v1/admin/payouts/{id}/failed", route_auth::admin, refusal_format::json,
       blocking_handler([this](const http_request& r, const route_params& p) { return settle_payout(r, p.at("id"), false); })},
      /// Card disputes (SPEC §14), `?state=open` (default: the freezes in force, oldest first) or
      /// `all` (newest first): {"disputes": [{id, charge, payment_intent, platform, user_id,
      /// amount, currency, reason, opened_at, lifted_at, note}]} (platform and user_id null when
      /// the payment was not this service's).
      {"GET", "/api/v1/admin/card-disputes", route_auth::admin, refusal_format::json,
       blocking_handler([this](const http_request& r, const route_params&) { return admin_card_disputes(r); })},
      /// Lifts a dispute's freeze: body {"note": "..."}; the user may move money again once none of
      /// their disputes is open. 404 none, 409 lifted already.
      {"POST", "/api/v1/admin/card-disputes/{id}/lift", route_auth::admin, refusal_format::json,
       blocking_handler([this](const http_request& r, const route_params& p) { return lift_card_dispute(r, p.at("id")); })},
      /// A user's balances by currency: {platform, user_id, balances: {CUR: {available, payable}}}
      /// in minor units; 404 for an unknown platform or a user id that is not an integer.
      {"GET", "/api/v1/admin/accounts/{platform}/{user_id}", route_auth::admin, refusal_format::json,
       blocking_handler([this](const http_request&, const route_params& p) {
         return account(p.at("platform"), p.at("user_id"));
       })},
  };
}

void routes::handle(http_request request, reply_sink reply) {
  // Webhook intake stays on the io thread: verifying is CPU work, and storing is handed to the
  // batcher, which answers when the delivery's batch committed. No thread waits on the database.
  // The io thread's routes are matched against the decoded path cut at each '/', as intake has
  // always compared the decoded path as a whole: there `%2F` separates segments and a leading
  // "/." stays a segment, where `segments()` (below) keeps `%2F` inside one and drops "/.".
  if (const auto target = boost::urls::parse_origin_form(request.target)) {
    const auto m = table_.match(request.method, split_path(target->path()));
    if (m.outcome == route_outcome::found) {
      if (const auto* run = std::get_if<io_handler>(&m.entry->handler)) return (*run)(request, m.params, std::move(reply));
    }
  }
  boost::asio::post(*blocking_, [this, request = std::move(request), reply = std::move(reply)] {
    try {
      reply(handle_blocking(request));
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", request.method, loggable_target(request.target), e.what());
      reply(text(500, "internal error"));
    }
  });
}

bool routes::admin_allowed(const http_request& request) const {
  const auto auth = request.header("authorization");
  constexpr std::string_view bearer = "Bearer ";
  return auth.starts_with(bearer) && constant_time_equal(auth.substr(bearer.size()), settings_.admin_token);
}

http_reply routes::handle_blocking(const http_request& request) {
  const auto target = boost::urls::parse_origin_form(request.target);
  if (!target) return text(400, "bad request target");
  std::vector<std::string> seg;
  for (auto s : target->segments()) seg.push_back(s);
  const auto m = table_.match(request.method, seg);
  if (m.outcome == route_outcome::not_found) return text(404, "not found");
  const auto& route = *m.entry;
  // An io-thread route found here was not taken by `handle`: its path is spelled so only once
  // decoded into segments (e.g. "/./webhooks/github"), and it is refused as another method is.
  const auto* run = std::get_if<blocking_handler>(&route.handler);
  if (m.outcome == route_outcome::method_not_allowed || run == nullptr) return refuse(route, 405, "method not allowed");
  if (route.auth == route_auth::admin && !admin_allowed(request)) return refuse(route, 401, "admin token required");
  return (*run)(request, m.params);
}

http_reply routes::ready() {
  try {
    bool ready = false;
    pool_.with_connection([&](pqxx::connection& c) { ready = db::is_migrated(c); });
    return ready ? text(200, "ready") : text(503, "database not migrated");
  } catch (const std::exception&) {
    return text(503, "database unavailable");
  }
}

void routes::intake(const http_request& request, bool github, reply_sink reply) {
  auto d = github ? decide_github(settings_.github_webhook_secret, request.headers, request.body)
                  : decide_gitlab(settings_.gitlab_webhook_token, request.headers, request.body);
  const std::string platform = github ? "github" : "gitlab";
  if (!d.store) {
    const std::string event = request.header(github ? "x-github-event" : "x-gitlab-event");
    count_delivery(platform, d.status == 200 ? event : "", d.status == 200 ? "ignored" : "rejected_" + std::to_string(d.status));
    return reply(text(d.status, d.message));
  }
  store_delivery(std::move(*d.store), 202, std::move(reply));
}

void routes::intake_stripe(const http_request& request, reply_sink reply) {
  auto d = webhooks::decide_stripe(settings_.stripe_webhook_secrets, request.headers, request.body,
                                   app::now_utc().time_since_epoch().count());
  if (!d.store) {
    count_delivery("stripe", d.status == 200 ? "other" : "", d.status == 200 ? "ignored" : "rejected_" + std::to_string(d.status));
    return reply(text(d.status, d.message));
  }
  // Stripe counts any 2xx as delivered; SPEC §14 answers 200.
  store_delivery(std::move(*d.store), 200, std::move(reply));
}

void routes::store_delivery(webhooks::delivery d, unsigned status_fresh, reply_sink reply) {
  const auto platform = d.platform, event = d.event, id = d.delivery_id;
  batcher_->submit(std::move(d), [this, platform, event, id, status_fresh, reply = std::move(reply)](std::exception_ptr error, bool fresh) {
    if (error) {
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        spdlog::error("delivery {}:{} not stored: {}", platform, id, e.what());
      }
      return reply(text(500, "internal error"));
    }
    count_delivery(platform, event, fresh ? "accepted" : "duplicate");
    spdlog::debug("delivery {}:{} {} {}", platform, id, event, fresh ? "stored" : "duplicate");
    reply(fresh ? text(status_fresh, "accepted") : text(200, "duplicate delivery"));
  });
}

void routes::count_processed(const std::string& platform, const std::string& outcome) {
  std::lock_guard lock(metrics_mutex_);
  ++processed_[{platform, outcome}];
}

void routes::count_retry() {
  std::lock_guard lock(metrics_mutex_);
  ++retries_;
}

void routes::count_delivery(const std::string& platform, const std::string& event, const std::string& outcome) {
  // Event names come from a header: only those the service handles are kept as label values,
  // so a sender cannot grow the series without bound.
  const auto p = bot::platform_from(platform);
  const bool known = !p                               ? stripe::is_handled_event(event)
                     : *p == bot::platform::github ? github::is_handled_event(event) || event == "ping"
                                                   : gitlab::is_handled_event(event);
  std::lock_guard lock(metrics_mutex_);
  ++deliveries_[{platform, known ? event : "other", outcome}];
}

http_reply routes::metrics() {
  // Prometheus text exposition format 0.0.4.
  std::string out;
  auto label = [](const std::string& v) {
    std::string e;
    for (char c : v) e += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return e;
  };
  out += "# HELP bountybot_deliveries_total Webhook deliveries received by this instance, by outcome.\n";
  out += "# TYPE bountybot_deliveries_total counter\n";
  {
    std::lock_guard lock(metrics_mutex_);
    for (const auto& [key, n] : deliveries_) {
      const auto& [platform, event, outcome] = key;
      out += "bountybot_deliveries_total{platform=\"" + label(platform) + "\",event=\"" + label(event) + "\",outcome=\"" +
             label(outcome) + "\"} " + std::to_string(n) + "\n";
    }
    // Counted in memory, as the inbox and the outbox keep every row: a scrape that counted them
    // would read the whole history (0.3 s per scrape at 320,000 deliveries, and growing).
    out += "# HELP bountybot_inbox_processed_total Deliveries processed by this instance's workers, by outcome.\n";
    out += "# TYPE bountybot_inbox_processed_total counter\n";
    for (const auto& [key, n] : processed_) {
      out += "bountybot_inbox_processed_total{platform=\"" + label(key.first) + "\",outcome=\"" + label(key.second) +
             "\"} " + std::to_string(n) + "\n";
    }
    out += "# HELP bountybot_outbox_retries_total Platform calls this instance's sender will retry after a failure.\n";
    out += "# TYPE bountybot_outbox_retries_total counter\n";
    out += "bountybot_outbox_retries_total " + std::to_string(retries_) + "\n";
  }
  try {
    pool_.transact([&](pqxx::work& tx) {
      const auto lat = tx.exec1(processing_latency_sql);
      out += "# HELP bountybot_processing_latency_seconds Receipt to processed, over the last 1000 deliveries.\n";
      out += "# TYPE bountybot_processing_latency_seconds summary\n";
      out += "bountybot_processing_latency_seconds{quantile=\"0.5\"} " + lat[0].as<std::string>() + "\n";
      out += "bountybot_processing_latency_seconds{quantile=\"0.99\"} " + lat[1].as<std::string>() + "\n";
      out += "bountybot_processing_latency_seconds_count " + lat[2].as<std::string>() + "\n";
      const auto ob = tx.exec1(outbox_depth_sql);
      out += "# HELP bountybot_outbox_depth Platform calls waiting to be sent.\n# TYPE bountybot_outbox_depth gauge\n";
      out += "bountybot_outbox_depth " + ob[0].as<std::string>() + "\n";
      out += "# HELP bountybot_outbox_dead Platform calls parked after failing.\n# TYPE bountybot_outbox_dead gauge\n";
      out += "bountybot_outbox_dead " + ob[1].as<std::string>() + "\n";
      out += "# HELP bountybot_open_bounties Bounties open, accepted or voting.\n# TYPE bountybot_open_bounties gauge\n";
      out += "bountybot_open_bounties " +
             tx.exec1(live_bounties_sql)[0].as<std::string>() + "\n";
      out += "# HELP bountybot_held_minor Money held in escrow, minor units by currency.\n# TYPE bountybot_held_minor gauge\n";
      for (const auto& r : tx.exec(held_by_currency_sql)) {
        out += "bountybot_held_minor{currency=\"" + r[0].as<std::string>() + "\"} " + r[1].as<std::string>() + "\n";
      }
    });
    out += "bountybot_database_up 1\n";
  } catch (const std::exception&) {
    out += "bountybot_database_up 0\n";
  }
  return {200, "text/plain; version=0.0.4; charset=utf-8", out, {}};
}

http_reply routes::bounties(const http_request& request) {
  const auto q = bot::parse_list_query(query_of(request.target), {});
  if (!q) return json_reply(400, json::object{{"error", q.error().message}, {"code", std::string(to_string(q.error().code))}});
  std::vector<bot::listed_bounty> rows;
  pool_.transact([&](pqxx::work& tx) { rows = bot::list_bounties(tx, *q); });
  json::array out;
  for (std::size_t i = 0; i < rows.size() && i < static_cast<std::size_t>(q->limit); ++i) out.push_back(listed_json(rows[i]));
  const auto next = bot::next_cursor(*q, rows);
  return json_reply(200, json::object{{"bounties", std::move(out)}, {"next_cursor", next ? json::value(*next) : json::value(nullptr)}});
}

http_reply routes::bounty(const std::string& platform, const std::string& full_path, const std::string& number) {
  const auto n = parse_id(number);
  if (!n || !bot::platform_from(platform)) return json_error(404, "no such bounty");
  std::optional<bot::bounty_record> rec;
  pool_.transact([&](pqxx::work& tx) { rec = bot::find_bounty(tx, platform, full_path, *n); });
  if (!rec) return json_error(404, "no such bounty");
  return json_reply(200, bounty_json(*rec));
}

http_reply routes::deposit(const http_request& request) {
  boost::system::error_code ec;
  const auto body = json::parse(request.body, ec);
  if (ec || !body.is_object()) return json_error(400, "body must be a JSON object");
  const auto& o = body.get_object();
  auto str = [&](const char* k) -> std::optional<std::string> {
    const auto* v = o.if_contains(k);
    if (v == nullptr || !v->is_string()) return std::nullopt;
    return std::string(v->get_string());
  };
  auto integer = [&](const char* k) -> std::optional<std::int64_t> {
    const auto* v = o.if_contains(k);
    if (v == nullptr) return std::nullopt;
    if (v->is_int64()) return v->get_int64();
    if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v->get_uint64());
    return std::nullopt;  // floats and strings are refused: amounts are integer minor units
  };
  bot::deposit_request req;
  const auto platform = str("platform");
  const auto user_id = integer("user_id");
  const auto amount = integer("amount");
  const auto currency = str("currency");
  const auto reference = str("reference");
  if (!platform || !user_id || !amount || !currency || !reference) {
    return json_error(400, "required: platform (string), user_id (integer), amount (integer minor units), "
                           "currency (ISO 4217 code), reference (string)");
  }
  req.platform = *platform;
  req.user_id = *user_id;
  req.login = str("login").value_or("");
  req.amount_minor = *amount;
  req.currency = *currency;
  req.reference = *reference;
  result<bot::deposit_result> r = make_problem(problem_code::none, "");
  try {
    pool_.transact([&](pqxx::work& tx) {
      r = bot::record_deposit(tx, req, app::now_utc(), settings_.store.max_deposit_units);
      if (!r) throw problem_error(r.error());  // roll back anything written before the refusal
      if (!r->held_pledges.empty()) tx.exec("NOTIFY bountybot_outbox");
    });
  } catch (const escrow::ledger_refusal& e) {
    r = make_problem(problem_code::conflict, e.reason.message);  // the ledger cannot take it: nothing was written
  } catch (const problem_error&) {
    // r holds the refusal
  }
  if (!r) return json_error(r.error().code == problem_code::conflict ? 409 : 400, r.error().message);
  json::array held;
  for (auto id : r->held_pledges) held.push_back(id);
  return json_reply(r->created ? 201 : 200, json::object{{"deposit_id", r->deposit_id},
                                                         {"created", r->created},
                                                         {"available", r->available.amount_minor()},
                                                         {"currency", std::string(escrow::find_currency(req.currency)->code)},
                                                         {"held_pledges", std::move(held)}});
}

http_reply routes::resolve(const http_request& request, const std::string& platform, const std::string& full_path,
                           const std::string& number) {
  const auto n = parse_id(number);
  boost::system::error_code ec;
  const auto body = json::parse(request.body, ec);
  if (!n || ec || !body.is_object()) return json_error(400, "body must be {\"action\": \"release\"|\"refund\", \"reason\": \"...\"}");
  const auto* action = body.as_object().if_contains("action");
  const auto* reason = body.as_object().if_contains("reason");
  if (!action || !action->is_string() || !reason || !reason->is_string()) {
    return json_error(400, "body must be {\"action\": \"release\"|\"refund\", \"reason\": \"...\"}");
  }
  result<std::string> r = make_problem(problem_code::none, "");
  try {
    pool_.transact([&](pqxx::work& tx) {
      r = bot::resolve_dispute(tx, platform, full_path, *n, std::string(action->as_string()),
                               std::string(reason->as_string()), settings_.store, app::now_utc());
      if (!r) throw problem_error(r.error());
      tx.exec("NOTIFY bountybot_outbox");
    });
  } catch (const escrow::ledger_refusal& e) {
    r = make_problem(problem_code::ledger, e.reason.message);  // the ledger cannot take it: nothing was written
  } catch (const problem_error&) {
  }
  if (!r) {
    const auto& code = r.error().code;
    return json_error(code == problem_code::not_found ? 404 : code == problem_code::not_disputed || code == problem_code::ledger ? 409 : 400, r.error().message);
  }
  return json_reply(200, json::object{{"resolved", *r}});
}

http_reply routes::account(const std::string& platform, const std::string& user_id) {
  const auto id = parse_id(user_id);
  if (!id || !bot::platform_from(platform)) return json_error(404, "no such account");
  json::object balances;
  pool_.transact([&](pqxx::work& tx) {
    for (const auto& [cur, v] : escrow::balances_by_currency(tx, escrow::available_account(platform, *id))) {
      balances[cur].emplace_object()["available"] = v;
    }
    for (const auto& [cur, v] : escrow::balances_by_currency(tx, escrow::payable_account(platform, *id))) {
      auto& slot = balances[cur];
      if (!slot.is_object()) slot.emplace_object()["available"] = 0;
      slot.as_object()["payable"] = v;
    }
  });
  for (auto& [cur, v] : balances) {
    if (!v.as_object().contains("payable")) v.as_object()["payable"] = 0;
  }
  return json_reply(200, json::object{{"platform", platform}, {"user_id", *id}, {"balances", std::move(balances)}});
}

json::object payout_json(const payments::payout_row& p) {
  return json::object{{"id", p.id},
                      {"kind", std::string(payments::to_string(p.kind))},
                      {"platform", std::string(bot::to_string(p.who.platform))},
                      {"user_id", p.who.user_id},
                      {"amount", p.amount.amount_minor()},
                      {"currency", p.amount.currency()},
                      {"provider", std::string(payments::to_string(p.provider))},
                      {"state", std::string(payments::to_string(p.state))},
                      {"requested_at", bot::format_rfc3339(p.requested_at)},
                      {"reference", p.reference},
                      {"reason", p.reason}};
}

/// The most payouts one admin listing answers.
constexpr int admin_payouts_limit = 500;

http_reply routes::admin_payouts(const http_request& request) {
  const auto q = query_of(request.target);
  const auto state = payments::payout_state_from(q.contains("state") ? q.at("state") : "requested");
  if (!state) return json_error(400, "state is one of requested, paid, failed");
  json::array list;
  pool_.transact([&](pqxx::work& tx) {
    for (const auto& p : payments::payouts_in_state(tx, *state, admin_payouts_limit)) list.push_back(payout_json(p));
  });
  return json_reply(200, json::object{{"payouts", std::move(list)}});
}

http_reply routes::settle_payout(const http_request& request, const std::string& id_text, bool paid) {
  const auto id = parse_id(id_text);
  boost::system::error_code ec;
  const auto body = json::parse(request.body, ec);
  const char* field = paid ? "reference" : "reason";
  const auto* text = !ec && body.is_object() ? body.as_object().if_contains(field) : nullptr;
  if (!id || text == nullptr || !text->is_string() || text->as_string().empty() ||
      text->as_string().size() > bot::max_reason_chars) {
    return json_error(400, std::string("body must be {\"") + field + "\": \"...\"} (1 to 1000 bytes)");
  }
  result<payments::payout_row> r = make_problem(problem_code::none, "");
  pool_.transact([&](pqxx::work& tx) {
    const std::string value(text->as_string());
    r = payments::settle_manual_payout(tx, *id, paid, value, app::now_utc());
  });
  if (!r) return json_error(r.error().code == problem_code::not_found ? 404 : 409, r.error().message);
  spdlog::info("operator marked payout {} {}", *id, paid ? "paid" : "failed");
  return json_reply(200, payout_json(*r));
}

json::object card_dispute_json(const payments::card_dispute_row& d) {
  json::object o{{"id", d.dispute.dispute_id},
                 {"charge", d.dispute.charge},
                 {"payment_intent", d.dispute.payment_intent},
                 {"platform", nullptr},
                 {"user_id", nullptr},
                 {"amount", d.dispute.amount_minor},
                 {"currency", d.dispute.currency},
                 {"reason", d.dispute.reason},
                 {"opened_at", bot::format_rfc3339(d.opened_at)},
                 {"lifted_at", nullptr},
                 {"note", d.lift_note}};
  if (d.who) {
    o["platform"] = std::string(bot::to_string(d.who->platform));
    o["user_id"] = d.who->user_id;
  }
  if (d.lifted_at) o["lifted_at"] = bot::format_rfc3339(*d.lifted_at);
  return o;
}

/// The most card disputes one admin listing answers.
constexpr int admin_card_disputes_limit = 500;

http_reply routes::admin_card_disputes(const http_request& request) {
  const auto q = query_of(request.target);
  const std::string state = q.contains("state") ? q.at("state") : "open";
  if (state != "open" && state != "all") return json_error(400, "state is one of open, all");
  json::array list;
  pool_.transact([&](pqxx::work& tx) {
    for (const auto& d : payments::card_disputes(tx, state == "open", admin_card_disputes_limit)) {
      list.push_back(card_dispute_json(d));
    }
  });
  return json_reply(200, json::object{{"disputes", std::move(list)}});
}

http_reply routes::lift_card_dispute(const http_request& request, const std::string& id) {
  boost::system::error_code ec;
  const auto body = json::parse(request.body, ec);
  const auto* note = !ec && body.is_object() ? body.as_object().if_contains("note") : nullptr;
  if (note == nullptr || !note->is_string()) return json_error(400, "body must be {\"note\": \"...\"}");
  const std::string text(note->as_string());
  if (const auto checked = payments::check_lift_note(text); !checked) return json_error(400, checked.error().message);
  result<payments::card_dispute_row> r = make_problem(problem_code::none, "");
  pool_.transact([&](pqxx::work& tx) { r = payments::lift_card_dispute(tx, id, text, app::now_utc()); });
  if (!r) return json_error(r.error().code == problem_code::not_found ? 404 : 409, r.error().message);
  spdlog::info("operator lifted card dispute {}", id);
  return json_reply(200, card_dispute_json(*r));
}

}  // namespace bountybot::web
