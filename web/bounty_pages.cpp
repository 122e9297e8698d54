#include "web/bounty_pages.hpp"

#include "bot/listing.hpp"
#include "bot/store/listing.hpp"
#include "bot/store/store.hpp"
#include "escrow/money.hpp"
#include "web/badge.hpp"
#include "web/chart.hpp"
#include "web/forms.hpp"
#include "web/page_kit.hpp"
#include "app/clock.hpp"

#include <algorithm>
#include <mutex>
#include <optional>

namespace bountybot::web {
namespace {

struct option {
  const char* value;
  const char* label;
};

constexpr option platform_options[] = {{"", "Any"}, {"github", "GitHub"}, {"gitlab", "GitLab"}};
constexpr option state_options[] = {{"live", "Open (open, accepted, voting)"},
                                    {"open", "Open, not accepted yet"},
                                    {"accepted", "Accepted"},
                                    {"voting", "Voting"},
                                    {"completed", "Completed"},
                                    {"cancelled", "Cancelled"},
                                    {"expired", "Expired"},
                                    {"all", "All"}};
constexpr option sort_options[] = {{"activity", "Recent activity"}, {"held", "Amount held"}};

template <std::size_t N>
mustache::data options_of(const option (&options)[N], const std::string& chosen) {
  std::vector<mustache::data> out;
  for (const auto& o : options) {
    mustache::data d;
    d.set("value", o.value);
    d.set("label", o.label);
    d.set("selected", chosen == o.value);
    out.push_back(std::move(d));
  }
  return list_of(std::move(out));
}

std::string param(const std::map<std::string, std::string>& q, const std::string& name, const std::string& absent = "") {
  const auto it = q.find(name);
  return it == q.end() || it->second.empty() ? absent : it->second;
}

std::string amount_or_dash(const std::optional<std::string>& currency, std::int64_t minor) {
  return currency ? escrow::format_money(minor, *currency) : std::string("—");
}

mustache::data row_of(const bot::listed_bounty& b) {
  mustache::data d;
  d.set("issue_url", web_link(b.issue.url));
  d.set("page", "/b/" + b.issue.platform + "/" + b.issue.repository_path + "/" + std::to_string(b.issue.number));
  d.set("repository", b.issue.repository_path);
  d.set("number", std::to_string(b.issue.number));
  d.set("platform", b.issue.platform);
  d.set("state", std::string(bot::to_string(b.state)));
  d.set("held", amount_or_dash(b.currency, b.held_minor));
  d.set("goal", b.goal_minor ? amount_or_dash(b.currency, *b.goal_minor) : std::string("—"));
  d.set("sponsors", std::to_string(b.sponsors));
  d.set("deadline", b.deadline ? bot::format_date(*b.deadline) : std::string("—"));
  d.set("activity", when(b.activity_at));
  return d;
}

mustache::data totals_of(const bot::service_totals& t) {
  mustache::data d;
  d.set("bounties", grouped(t.bounties));
  d.set("live", grouped(t.live));
  std::vector<mustache::data> rows;
  for (const auto& c : t.by_currency) {
    mustache::data r;
    r.set("currency", c.currency);
    r.set("held", escrow::format_money(c.held_minor, c.currency));
    r.set("released", escrow::format_money(c.released_minor, c.currency));
    r.set("count", grouped(c.bounties));
    rows.push_back(std::move(r));
  }
  d.set("any_totals", !rows.empty());
  d.set("totals", list_of(std::move(rows)));
  return d;
}

// The link to the page after this one: the same filters, the next cursor.
std::string next_link(const std::map<std::string, std::string>& q, const std::string& cursor) {
  std::string out = "/?";
  for (const auto* name : {"platform", "repo", "currency", "state", "sort", "limit"}) {
    if (const auto v = param(q, name); !v.empty()) out += std::string(name) + "=" + url_encode(v) + "&";
  }
  return out + "cursor=" + url_encode(cursor);
}

// ---- the bounty page ----

// An amount of a bounty, or "nothing yet" while it has no currency (no money pledged).
std::string money_of(const std::optional<std::string>& currency, std::int64_t minor) {
  return currency ? escrow::format_money(minor, *currency) : std::string("nothing yet");
}

// What one history entry says, in a sentence.
std::string history_text(const bot::history_entry& e, const std::optional<std::string>& currency) {
  const auto amount = money_of(currency, e.amount_minor);
  if (e.kind == "pledge") {
    if (e.amount_minor == 0) return "@" + e.who + " supported the bounty";
    const auto state = e.detail == "held" ? "" : " (now " + std::string(e.detail == "awaiting_funds" ? "awaiting funds" : e.detail) + ")";
    return "@" + e.who + " pledged " + amount + state;
  }
  if (e.kind == "pledge_hold:in") return amount + " held in escrow";
  if (e.kind == "release:out") return amount + " released to the solvers";
  if (e.kind == "fee:out") return amount + " paid in fees";
  if (e.kind == "refund:out") return amount + " refunded to a sponsor";
  if (e.kind == "vote_opened") return "@" + e.who + " submitted the work; a vote on releasing " + amount + " opened";
  if (e.kind == "vote_approved") return "The sponsors approved the release of " + amount;
  if (e.kind == "vote_rejected") return "The sponsors rejected the submission";
  if (e.kind == "resolution_release") return "The operator released the escrow: " + e.detail;
  if (e.kind == "resolution_refund") return "The operator refunded the sponsors: " + e.detail;
  if (e.kind == "state_accepted") return "A maintainer accepted the task";
  if (e.kind == "state_open") return "The task is open again (not accepted)";
  if (e.kind == "state_voting") return "The sponsors' vote opened";
  if (e.kind == "state_completed") return "The bounty was completed";
  if (e.kind == "state_cancelled") return "The bounty was cancelled";
  if (e.kind == "state_expired") return "The bounty expired";
  return e.kind + " " + amount;
}

void set_people(mustache::data& d, const bot::bounty_record& rec) {
  std::map<std::string, std::int64_t> held_by;  // login -> held, unreleased
  std::vector<std::string> supporters;
  for (const auto& p : rec.pledges) {
    if (p.state != bot::pledge_state::held) continue;
    if (p.is_support()) supporters.push_back(p.sponsor.login);
    else if (p.amount_minor > p.released_minor) held_by[p.sponsor.login] += p.amount_minor - p.released_minor;
  }
  std::vector<mustache::data> sponsors;
  for (const auto& [login, held] : held_by) {
    mustache::data r;
    r.set("login", login);
    r.set("held", money_of(rec.current.currency, held));
    sponsors.push_back(std::move(r));
  }
  d.set("sponsor_count", std::to_string(sponsors.size()));
  d.set("supporter_count", std::to_string(supporters.size()));
  d.set("any_sponsors", !sponsors.empty());
  d.set("sponsors", list_of(std::move(sponsors)));
  mustache::data names{mustache::data::type::list};
  for (const auto& s : supporters) names.push_back(mustache::data(s));
  d.set("any_supporters", !supporters.empty());
  d.set("supporters", names);
}

void set_milestones_and_vote(mustache::data& d, const bot::bounty_record& rec) {
  std::vector<mustache::data> rows;
  std::string voted;
  for (const auto& m : bot::effective_milestones(rec.milestones)) {
    mustache::data r;
    r.set("name", m.name);
    r.set("percent", std::to_string(m.percent));
    r.set("state", std::string(bot::to_string(m.state)));
    r.set("released", money_of(rec.current.currency, m.released_minor));
    rows.push_back(std::move(r));
    if (rec.vote && std::find(rec.vote->milestone_ids.begin(), rec.vote->milestone_ids.end(), m.id) != rec.vote->milestone_ids.end()) {
      voted += (voted.empty() ? "" : ", ") + m.name;
    }
  }
  d.set("milestones_rows", list_of(std::move(rows)));
  if (!rec.vote) return;
  const auto t = bot::tally_of(*rec.vote);
  std::string solvers;
  for (const auto& s : rec.vote->solvers) solvers += (solvers.empty() ? "@" : ", @") + s.user.login;
  mustache::data v;
  v.set("submitter", solvers);
  v.set("milestones", "“" + voted + "”");
  v.set("release", money_of(rec.current.currency, rec.vote->release_minor));
  v.set("closes_at", when(rec.vote->closes_at));
  v.set("approve", grouped(t.approve));
  v.set("reject", grouped(t.reject));
  v.set("eligible", grouped(t.eligible_weight));
  d.set("vote", v);
}

void set_history_and_chart(mustache::data& d, const bot::bounty_record& rec, const std::vector<bot::history_entry>& history,
                           const std::vector<bot::escrow_point>& escrow, bot::utc_time now) {
  std::vector<mustache::data> rows;
  for (const auto& e : history) {
    mustache::data r;
    r.set("when", when(e.at));
    r.set("text", history_text(e, rec.current.currency));
    rows.push_back(std::move(r));
  }
  d.set("history", list_of(std::move(rows)));
  std::vector<chart_point> series;
  for (const auto& p : escrow) {
    if (!series.empty() && series.back().at == p.at) series.back().minor = p.held_minor;
    else series.push_back({p.at, p.held_minor});
  }
  if (!rec.current.currency) {
    d.set("chart", render_step_chart({}, "USD", now, "Money held in escrow over time"));
    d.set("chart_caption", "No money has been pledged yet.");
    d.set("any_points", false);
    return;
  }
  const auto& currency = *rec.current.currency;
  d.set("chart", render_step_chart(series, currency, now, "Money held in escrow over time"));
  d.set("chart_caption", "Money held in escrow for this bounty, in " + currency + ", from the first pledge to now.");
  std::vector<mustache::data> points;
  for (const auto& p : series) {
    mustache::data r;
    r.set("when", when(p.at));
    r.set("held", escrow::format_money(p.minor, currency));
    points.push_back(std::move(r));
  }
  d.set("any_points", !points.empty());
  d.set("points", list_of(std::move(points)));
}

}  // namespace

struct bounty_pages::impl {
  db::pool& pool;
  std::mutex totals_mutex;
  std::optional<bot::service_totals> totals;
  std::chrono::steady_clock::time_point totals_read_at{};
  bool totals_reading = false;  // one request is reading them

  explicit impl(db::pool& p) : pool(p) {}

  // The totals, read again when older than totals_cache_ttl by one request while the others
  // keep showing the old ones: no request waits on another's database round trip.
  bot::service_totals current_totals() {
    const auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard lock(totals_mutex);
      const bool fresh = totals && now - totals_read_at < totals_cache_ttl;
      if (fresh || (totals && totals_reading)) return *totals;
      totals_reading = true;
    }
    std::optional<bot::service_totals> read;
    try {
      pool.transact([&](pqxx::work& tx) { read = bot::read_totals(tx); });
    } catch (...) {
      std::lock_guard lock(totals_mutex);
      totals_reading = false;
      throw;
    }
    std::lock_guard lock(totals_mutex);
    totals = std::move(read);
    totals_read_at = now;
    totals_reading = false;
    return *totals;
  }

  http_reply home(const http_request& request) {
    const auto who = session_of(pool, request);
    const auto q = query_of(request.target);
    mustache::data d = totals_of(current_totals());
    d.set("heading", "Open source bounties");
    d.set("platforms", options_of(platform_options, param(q, "platform")));
    d.set("repo", param(q, "repo"));
    d.set("currency", param(q, "currency"));
    d.set("states", options_of(state_options, param(q, "state", "live")));
    d.set("sorts", options_of(sort_options, param(q, "sort", "activity")));
    const auto asked = bot::parse_list_query(q, bot::live_states());
    if (!asked) {
      d.set("error", asked.error().message);
      d.set("any_rows", false);
      return page_reply(400, "Bounties", "bounties.mustache", d, who);
    }
    std::vector<bot::listed_bounty> rows;
    pool.transact([&](pqxx::work& tx) { rows = bot::list_bounties(tx, *asked); });
    const auto next = bot::next_cursor(*asked, rows);
    if (rows.size() > static_cast<std::size_t>(asked->limit)) rows.resize(static_cast<std::size_t>(asked->limit));
    std::vector<mustache::data> shown;
    for (const auto& b : rows) shown.push_back(row_of(b));
    d.set("any_rows", !shown.empty());
    d.set("rows", list_of(std::move(shown)));
    if (next) d.set("next", next_link(q, *next));
    return page_reply(200, "Bounties", "bounties.mustache", d, who);
  }

  /// The page of the bounty on `platform`/`path`#`number_text`; 404 when there is none.
  http_reply bounty(const http_request& request, const std::string& platform, const std::string& path,
                    const std::string& number_text) {
    const auto who = session_of(pool, request);
    const auto number = parse_id(number_text);
    std::optional<bot::bounty_record> rec;
    std::vector<bot::history_entry> history;
    std::vector<bot::escrow_point> escrow;
    if (number && bot::platform_from(platform)) {
      pool.transact([&](pqxx::work& tx) {
        rec = bot::find_bounty(tx, platform, path, *number);
        if (!rec) return;
        history = bot::bounty_history(tx, rec->current.id);
        escrow = bot::escrow_series(tx, rec->current.id);
      });
    }
    if (!rec) {
      mustache::data d;
      d.set("heading", "No such bounty");
      d.set("text", "There is no bounty on that issue (yet): a bounty starts with a /pledge comment on it.");
      d.set("role", "alert");
      return page_reply(404, "No such bounty", "message.mustache", d, who);
    }
    const auto& issue = rec->issue;
    const auto t = bot::totals(rec->pledges);
    mustache::data d;
    d.set("repository", issue.repository_path);
    d.set("number", std::to_string(issue.number));
    d.set("issue_url", web_link(issue.url));
    d.set("platform_name", issue.platform == "gitlab" ? "GitLab" : "GitHub");
    d.set("repository_page", "/?platform=" + issue.platform + "&repo=" + url_encode(issue.repository_path) + "&state=all");
    d.set("badge", "/badge/" + issue.platform + "/" + issue.repository_path + "/" + std::to_string(issue.number) + ".svg");
    d.set("badge_text", rec->current.currency ? badge_amount(t.held_minor, *rec->current.currency)
                                              : std::string(bot::to_string(rec->current.state)));
    d.set("state", std::string(bot::to_string(rec->current.state)));
    d.set("disputed", rec->current.disputed);
    d.set("held", money_of(rec->current.currency, t.held_minor));
    d.set("goal", rec->current.goal_minor ? money_of(rec->current.currency, *rec->current.goal_minor) : std::string("none"));
    d.set("deadline", rec->current.deadline ? when(*rec->current.deadline) + " UTC" : std::string("none"));
    set_people(d, *rec);
    set_milestones_and_vote(d, *rec);
    set_history_and_chart(d, *rec, history, escrow, app::now_utc());
    const auto title = issue.repository_path + "#" + std::to_string(issue.number) + " bounty";
    const auto description = money_of(rec->current.currency, t.held_minor) + " held for " + issue.repository_path + "#" +
                             std::to_string(issue.number) + " (" + std::string(bot::to_string(rec->current.state)) + ")";
    return page_reply(200, title, "bounty.mustache", d, who, {}, "", description);
  }

  /// The badge of the bounty on `platform`/`path`#`file` ("42.svg"); 404 with a grey badge when
  /// there is none, so an image embedded before the first pledge still renders.
  http_reply badge(const std::string& platform, const std::string& path, const std::string& file) {
    const auto stem = file.ends_with(".svg") ? file.substr(0, file.size() - 4) : std::string();
    const auto number = parse_id(stem);
    std::optional<bot::listed_bounty> found;
    if (number && bot::platform_from(platform)) {
      pool.transact([&](pqxx::work& tx) { found = bot::find_listed_bounty(tx, platform, path, *number); });
    }
    std::map<std::string, std::string> headers{
        {"Cache-Control", "public, max-age=" + std::to_string(badge_max_age_seconds)},
        {"Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"},
        {"X-Content-Type-Options", "nosniff"}};
    if (!found) return {404, "image/svg+xml", render_badge("bounty", "none", "#9f9f9f"), std::move(headers), {}};
    return {200, "image/svg+xml", bounty_badge(found->state, found->currency, found->held_minor), std::move(headers), {}};
  }
};

bounty_pages::bounty_pages(db::pool& pool) : impl_(std::make_unique<impl>(pool)) { check_templates({"bounties.mustache", "bounty.mustache"}); }

bounty_pages::~bounty_pages() = default;

std::vector<api_route> bounty_pages::routes() {
  auto* p = impl_.get();
  return {
      /// The bounties across the service (SPEC §15 `/`).
      {"GET", "/", route_auth::none, refusal_format::text,
       blocking_handler([p](const http_request& r, const route_params&) { return p->home(r); })},
      /// One bounty's page (SPEC §15): its state, money, people, milestones, vote, history and chart.
      {"GET", "/b/{platform}/{path+}/{number}", route_auth::none, refusal_format::text,
       blocking_handler([p](const http_request& r, const route_params& m) {
         return p->bounty(r, m.at("platform"), m.at("path"), m.at("number"));
       })},
      /// A bounty's SVG badge, "bounty | $350" (SPEC §15), cacheable for badge_max_age_seconds.
      {"GET", "/badge/{platform}/{path+}/{file}", route_auth::none, refusal_format::text,
       blocking_handler([p](const http_request&, const route_params& m) {
         return p->badge(m.at("platform"), m.at("path"), m.at("file"));
       })},
  };
}

}  // namespace bountybot::web
