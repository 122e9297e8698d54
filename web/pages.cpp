#include "web/pages.hpp"

#include "accounts/store/store.hpp"
#include "adapters/oauth.hpp"
#include "jobs/payout_sender.hpp"
#include "payments/store/store.hpp"
#include "app/clock.hpp"
#include "escrow/ledger.hpp"
#include "escrow/money.hpp"
#include "escrow/store/store.hpp"
#include "web/forms.hpp"
#include "web/page_kit.hpp"
#include "webhooks/signature.hpp"

#include <boost/json.hpp>
#include <kainjow/mustache.hpp>
#include <spdlog/spdlog.h>

#include <charconv>
#include <limits>
#include <set>
#include <variant>

namespace bountybot::web {
namespace {

namespace json = boost::json;
using accounts::person;
using accounts::session;

/// How long browsers may keep the style sheet, seconds.
constexpr int style_max_age_seconds = 3600;

bool starts_with_ignoring_case(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
  }
  return true;
}

/// A one-time `request_id` of a form that moves money: 43 base64url characters (adapters::random_token).
bool is_request_id(std::string_view s) {
  if (s.size() != 43) return false;
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

/// The cookie that carries the funding page's CSRF token for visitors who are not signed in
/// (anyone with the link may pay): the form's `csrf` must equal it.
constexpr std::string_view fund_csrf_cookie = "bountybot_csrf";
/// How long that cookie lasts, seconds.
constexpr std::chrono::seconds fund_csrf_lifetime = std::chrono::hours{24};

}  // namespace

struct pages::impl {
  page_settings settings;
  db::pool& pool;
  bool secure;

  impl(page_settings s, db::pool& p) : settings(std::move(s)), pool(p), secure(accounts::secure_cookies(settings.public_url)) {}

  // ---- rendering ----

  http_reply page(unsigned status, const std::string& title, std::string_view name, const mustache::data& data,
                  const std::optional<session>& who, std::vector<std::string> cookies = {},
                  const std::string& form_target = "") {
    return page_reply(status, title, name, data, who, std::move(cookies), form_target);
  }

  http_reply message(unsigned status, const std::string& heading, std::string_view text,
                     const std::optional<session>& who, std::vector<std::string> cookies = {},
                     std::optional<std::pair<std::string, std::string>> link = std::nullopt) {
    mustache::data d;
    d.set("heading", heading);
    d.set("text", std::string(text));
    d.set("role", status >= 400 ? "alert" : "status");
    if (link) {
      mustache::data l;
      l.set("href", link->first);
      l.set("label", link->second);
      d.set("link", l);
    }
    return page(status, heading, "message.mustache", d, who, std::move(cookies));
  }

  http_reply forbidden(const std::optional<session>& who) {
    return message(403, "This form has expired",
                   "The form was not sent from a page of this site, or your session changed since it was shown. "
                   "Nothing was changed: go back, reload the page and try again.",
                   who);
  }

  // ---- sessions ----

  std::optional<session> session_of(const http_request& request) { return web::session_of(pool, request); }

  /// The session whose form this is: the form's `csrf` must be the session's (constant time).
  std::optional<session> form_session(const std::optional<session>& who, const std::map<std::string, std::string>& form) {
    const auto it = form.find("csrf");
    if (!who || it == form.end() || !webhooks::constant_time_equal(it->second, who->csrf)) return std::nullopt;
    return who;
  }

  /// A signed-in user's form that moves money (SPEC §13): the session its `csrf` belongs to, its
  /// fields and its one-time `request_id`.
  struct money_form {
    session who;
    std::map<std::string, std::string> fields;
    std::string request_id;
    std::string field(const char* k) const {
      const auto it = fields.find(k);
      return it == fields.end() ? std::string() : it->second;
    }
  };

  /// The money form of `request`, or the answer to give instead: 403 without a session or its
  /// CSRF token; `page_of(400, session, why)` without a usable request_id.
  template <class Page>
  std::variant<money_form, http_reply> money_form_of(const http_request& request, Page page_of) {
    const auto who = session_of(request);
    const auto form = parse_form(request.body);
    if (!form || !form_session(who, *form)) return forbidden(who);
    money_form f{*who, *form, {}};
    f.request_id = f.field("request_id");
    if (!is_request_id(f.request_id)) return page_of(400, *who, "The form lacks its request id: reload the page.");
    return f;
  }

  const accounts::oauth_app* app_of(std::string_view platform) const {
    const auto p = bot::platform_from(platform);
    if (!p || !settings.secret_key) return nullptr;
    const auto& app = *p == bot::platform::github ? settings.github : settings.gitlab;
    return app ? &*app : nullptr;
  }

  /// The PKCE verifier of a sign-in, derived from its state so that nothing more is stored:
  /// base64url(HMAC-SHA256(pkce key, state)), 43 characters (RFC 7636 §4.1). The pkce key is
  /// HMAC-SHA256(secret key, "bountybot pkce"), so the AES key is used for nothing else.
  std::string pkce_verifier(std::string_view state) const {
    const auto& key = *settings.secret_key;
    const auto pkce_key = adapters::hmac_sha256(std::string_view(reinterpret_cast<const char*>(key.data()), key.size()),
                                                "bountybot pkce");
    return adapters::base64url(adapters::hmac_sha256(pkce_key, state));
  }

  // ---- the routes ----

  http_reply login(const http_request& request) {
    const auto next = accounts::safe_next(query_of(request.target)["next"]);
    const auto who = session_of(request);
    if (who) return redirect(next);
    std::vector<mustache::data> providers;
    for (const auto* name : {"github", "gitlab"}) {
      if (app_of(name) == nullptr) continue;
      mustache::data p;
      p.set("name", std::string(name) == "github" ? "GitHub" : "GitLab");
      p.set("href", "/login/" + std::string(name) + "?next=" + url_encode(next));
      providers.push_back(std::move(p));
    }
    mustache::data d;
    d.set("any_providers", providers.empty() ? mustache::data::type::bool_false : mustache::data::type::bool_true);
    d.set("providers", list_of(std::move(providers)));
    return page(200, "Sign in", "login.mustache", d, std::nullopt);
  }

  http_reply start_sign_in(const http_request& request, const std::string& platform) {
    const auto* app = app_of(platform);
    if (app == nullptr) return message(404, "Not found", "Signing in with this provider is not set up here.", std::nullopt);
    const auto next = accounts::safe_next(query_of(request.target)["next"]);
    const auto state = adapters::random_token();
    const auto now = app::now_utc();
    pool.transact([&](pqxx::work& tx) {
      accounts::begin_sign_in(tx, stored_hash(state), app->platform, next, now + accounts::sign_in_lifetime);
    });
    const auto url = accounts::authorize_url(*app, settings.public_url, state, adapters::pkce_challenge(pkce_verifier(state)));
    http_reply r = redirect(url, {accounts::set_cookie(accounts::sign_in_cookie, state, accounts::sign_in_lifetime, secure, "/login")});
    r.status = 302;
    return r;
  }

  http_reply callback(const http_request& request, const std::string& platform) {
    const auto* app = app_of(platform);
    if (app == nullptr) return message(404, "Not found", "Signing in with this provider is not set up here.", std::nullopt);
    auto q = query_of(request.target);
    const auto cookie = accounts::cookie_value(request.header("cookie"), accounts::sign_in_cookie).value_or("");
    const auto& state = q["state"];
    const bool match = !cookie.empty() && !state.empty() && webhooks::constant_time_equal(cookie, state);
    const auto forget = accounts::set_cookie(accounts::sign_in_cookie, "", std::chrono::seconds{0}, secure, "/login");
    const auto again = std::make_pair(std::string("/login"), std::string("Sign in again"));
    if (const auto refusal = accounts::check_callback(q["error"], q["code"], match)) {
      return message(400, "Not signed in", accounts::to_text(*refusal), std::nullopt, {forget}, again);
    }
    // The sign-in is taken before the provider is called: the same callback twice signs in once.
    std::optional<std::string> next;
    const auto now = app::now_utc();
    pool.transact([&](pqxx::work& tx) { next = accounts::take_sign_in(tx, stored_hash(state), app->platform, now); });
    if (!next) {
      return message(400, "Not signed in", accounts::to_text(accounts::callback_refusal::not_started), std::nullopt,
                     {forget}, again);
    }
    adapters::signed_in user;
    try {
      user = adapters::complete_sign_in(*app, settings.github_api_url, settings.public_url, q["code"], pkce_verifier(state));
    } catch (const adapters::sign_in_error& e) {
      spdlog::warn("sign-in with {} failed: {}", platform, e.what());
      return message(502, "Not signed in", e.what(), std::nullopt, {forget}, again);
    }
    const auto cookie_value = adapters::random_token();
    const auto sealed = adapters::hex(adapters::seal(*settings.secret_key, user.access_token, token_context(user.who)));
    const auto previous = accounts::cookie_value(request.header("cookie"), accounts::session_cookie);
    pool.transact([&](pqxx::work& tx) {
      if (previous && !previous->empty()) accounts::end_session(tx, stored_hash(*previous));  // one session per browser
      accounts::start_session(tx, user.who, sealed, stored_hash(cookie_value), adapters::random_token(), now);
    });
    spdlog::info("{} user {} ({}) signed in", platform, user.who.id, user.who.login);
    return redirect(*next, {accounts::set_cookie(accounts::session_cookie, cookie_value, accounts::session_lifetime, secure),
                            forget});
  }

  /// What a sealed platform token is bound to: its owner, so a row copied to another user does not open.
  static std::string token_context(const person& who) {
    return "platform-token:" + std::string(bot::to_string(who.platform)) + ":" + std::to_string(who.id);
  }

  http_reply logout(const http_request& request) {
    const auto who = session_of(request);
    const auto forget = accounts::set_cookie(accounts::session_cookie, "", std::chrono::seconds{0}, secure);
    if (!who) return redirect("/login", {forget});
    const auto form = parse_form(request.body);
    if (!form || !form_session(who, *form)) return forbidden(who);
    const auto cookie = accounts::cookie_value(request.header("cookie"), accounts::session_cookie).value_or("");
    pool.transact([&](pqxx::work& tx) { accounts::end_session(tx, stored_hash(cookie)); });
    return redirect("/login", {forget});
  }

  http_reply me(const http_request& request) {
    const auto who = session_of(request);
    if (!who) return redirect("/login?next=%2Fme");
    if (query_of(request.target)["deposited"] == "1") {
      return me_page(200, *who, "", "Thank you. Stripe is confirming the payment; your balance grows as soon as it does.");
    }
    return me_page(200, *who);
  }

  http_reply me_page(unsigned status, const session& signed_in, const std::string& error = "", const std::string& notice = "") {
    const std::optional<session> who = signed_in;
    accounts::overview o;
    std::vector<payments::payout_row> outgoing;
    pool.transact([&](pqxx::work& tx) {
      o = accounts::overview_of(tx, who->who);
      outgoing = payments::payouts_of(tx, {who->who.platform, who->who.id}, accounts::overview_rows);
    });
    mustache::data d;
    d.set("csrf", who->csrf);
    d.set("request_id", adapters::random_token());
    d.set("stripe", cards());
    d.set("frozen", o.frozen);
    if (!error.empty()) d.set("error", error);
    if (!notice.empty()) d.set("notice", notice);
    mustache::data spendable{mustache::data::type::list};
    for (const auto& [c, v] : o.available) {
      if (v > 0) spendable.push_back(c);
    }
    d.set("any_available", !spendable.is_empty_list());
    d.set("available_currencies", spendable);
    set_list(d, "outgoing", payout_rows(outgoing));
    d.set("login", who->who.login);
    d.set("platform_name", who->who.platform == bot::platform::github ? "GitHub" : "GitLab");
    d.set("user_id", std::to_string(who->who.id));
    std::set<std::string> currencies;
    for (const auto& [c, v] : o.available) currencies.insert(c);
    for (const auto& [c, v] : o.payable) currencies.insert(c);
    std::vector<mustache::data> balances;
    for (const auto& c : currencies) {
      mustache::data b;
      b.set("currency", c);
      b.set("available", escrow::format_money(o.available.contains(c) ? o.available.at(c) : 0, c));
      b.set("payable", escrow::format_money(o.payable.contains(c) ? o.payable.at(c) : 0, c));
      balances.push_back(std::move(b));
    }
    set_list(d, "balances", std::move(balances));
    std::vector<mustache::data> pledges;
    for (const auto& p : o.pledges) {
      mustache::data row;
      row.set("issue", p.issue_key);
      row.set("url", web_link(p.issue_url));
      row.set("amount", p.zero_value ? std::string("support, no money") : escrow::format_money(p.amount));
      row.set("state", p.state == "awaiting_funds" ? std::string("awaiting funds") : p.state);
      row.set("bounty_state", p.bounty_state);
      pledges.push_back(std::move(row));
    }
    set_list(d, "pledges", std::move(pledges));
    set_list(d, "earnings", credit_rows(o.earnings));
    set_list(d, "credits", credit_rows(o.credits));
    return page(status, who->who.login, "me.mustache", d, who);
  }

  http_reply withdraw(const http_request& request) {
    auto taken = money_form_of(request, [this](unsigned status, const session& who, const std::string& why) {
      return me_page(status, who, why);
    });
    if (auto* answer = std::get_if<http_reply>(&taken)) return std::move(*answer);
    const auto& f = std::get<money_form>(taken);
    const payments::payer me{f.who.who.platform, f.who.who.id};
    result<payments::booked_withdrawal> booked = make_problem(problem_code::none, "");
    try {
      pool.transact([&](pqxx::work& tx) {
        const auto view = payments::load_withdrawal_view(tx, me, cards(), settings.payout_minimum_units);
        if (payments::payout_by_request(tx, me, f.request_id, payments::payout_kind::withdrawal)) {  // the same form again
          booked = payments::book_withdrawal(tx, me, {}, f.request_id, app::now_utc());
          return;
        }
        const auto parts = payments::decide_withdrawal(view, {f.field("currency"), f.field("amount")});
        if (!parts) {
          booked = parts.error();
          return;
        }
        booked = payments::book_withdrawal(tx, me, *parts, f.request_id, app::now_utc());
        if (booked->created) tx.exec(std::string("NOTIFY ") + jobs::payout_channel);
      });
    } catch (const escrow::ledger_refusal&) {
      booked = make_problem(problem_code::amount, "that is more than your available balance now");
    }
    if (!booked) return me_page(409, f.who, booked.error().message);
    escrow::money total(0, booked->parts.empty() ? "USD" : booked->parts.front().amount.currency());
    for (const auto& p : booked->parts) total = escrow::checked_add(total, p.amount).value();
    if (booked->created) {
      spdlog::info("{} user {} withdrew {} in {} part(s)", bot::to_string(me.platform), me.user_id, escrow::format_money(total),
                   booked->parts.size());
    }
    escrow::money by_card(0, total.currency());
    for (const auto& p : booked->parts) {
      if (p.provider == payments::payout_provider::stripe) by_card = escrow::checked_add(by_card, p.amount).value();
    }
    std::string notice = "Withdrawal of " + escrow::format_money(total);
    if (by_card == total) {
      notice += " is being refunded to your card.";
    } else if (by_card.amount_minor() == 0) {
      notice += " is requested: the operator returns it.";
    } else {
      notice += ": " + escrow::format_money(by_card) + " is being refunded to your card, and the operator returns the rest.";
    }
    return me_page(200, f.who, "", notice);
  }

  static std::vector<mustache::data> credit_rows(const std::vector<accounts::credit_row>& rows) {
    std::vector<mustache::data> out;
    for (const auto& c : rows) {
      mustache::data row;
      row.set("at", when(c.at));
      row.set("amount", escrow::format_money(c.amount));
      row.set("kind", c.kind);
      out.push_back(std::move(row));
    }
    return out;
  }

  /// The rows of a list of payouts and withdrawals, as me.mustache and payouts.mustache show them.
  static std::vector<mustache::data> payout_rows(const std::vector<payments::payout_row>& rows) {
    std::vector<mustache::data> out;
    for (const auto& p : rows) {
      mustache::data row;
      row.set("id", std::to_string(p.id));
      row.set("at", when(p.requested_at));
      row.set("kind", std::string(payments::to_string(p.kind)));
      row.set("amount", escrow::format_money(p.amount));
      row.set("provider", p.provider == payments::payout_provider::stripe ? std::string("Stripe") : std::string("the operator"));
      row.set("state", std::string(payments::to_string(p.state)));
      if (!p.reason.empty()) row.set("detail", p.reason);
      out.push_back(std::move(row));
    }
    return out;
  }

  static void set_list(mustache::data& d, const std::string& name, std::vector<mustache::data> items) {
    d.set("any_" + name, items.empty() ? mustache::data::type::bool_false : mustache::data::type::bool_true);
    d.set(name, list_of(std::move(items)));
  }

  http_reply tokens_page(unsigned status, const session& who, const std::string& error = "",
                         const std::string& new_token = "", const std::string& new_name = "") {
    std::vector<accounts::token_row> rows;
    pool.transact([&](pqxx::work& tx) { rows = accounts::tokens_of(tx, who.who); });
    mustache::data d;
    d.set("csrf", who.csrf);
    d.set("max_name", std::to_string(accounts::max_token_name_chars));
    if (!error.empty()) d.set("error", error);
    if (!new_token.empty()) {
      d.set("new_token", new_token);
      d.set("new_token_name", new_name);
    }
    std::vector<mustache::data> list;
    for (const auto& t : rows) {
      mustache::data row;
      row.set("id", std::to_string(t.id));
      row.set("name", t.name);
      row.set("csrf", who.csrf);
      row.set("created", when(t.created_at));
      row.set("last_used", t.last_used_at ? when(*t.last_used_at) : std::string("never"));
      if (t.revoked_at) row.set("revoked", when(*t.revoked_at));
      list.push_back(std::move(row));
    }
    set_list(d, "tokens", std::move(list));
    return page(status, "API tokens", "tokens.mustache", d, who);
  }

  http_reply tokens(const http_request& request) {
    const auto who = session_of(request);
    if (!who) return redirect("/login?next=%2Fme%2Ftokens");
    return tokens_page(200, *who);
  }

  http_reply create_token(const http_request& request) {
    const auto who = session_of(request);
    const auto form = parse_form(request.body);
    if (!form || !form_session(who, *form)) return forbidden(who);
    const auto name = accounts::token_name(form->contains("name") ? form->at("name") : "");
    if (!name) {
      return tokens_page(400, *who, "A token needs a name of 1 to " + std::to_string(accounts::max_token_name_chars) +
                                        " characters, without control characters.");
    }
    const auto token = std::string(accounts::api_token_prefix) + adapters::random_token();
    result<std::int64_t> id = make_problem(problem_code::none, "");
    pool.transact([&](pqxx::work& tx) { id = accounts::create_token(tx, who->who, *name, stored_hash(token), app::now_utc()); });
    if (!id) return tokens_page(409, *who, id.error().message);
    spdlog::info("{} user {} created API token {}", bot::to_string(who->who.platform), who->who.id, *id);
    return tokens_page(201, *who, "", token, *name);
  }

  http_reply revoke_token(const http_request& request, const std::string& id_text) {
    const auto who = session_of(request);
    const auto form = parse_form(request.body);
    if (!form || !form_session(who, *form)) return forbidden(who);
    const auto id = parse_id(id_text);
    bool revoked = false;
    if (id) pool.transact([&](pqxx::work& tx) { revoked = accounts::revoke_token(tx, who->who, *id, app::now_utc()); });
    if (!revoked) return tokens_page(404, *who, "No such live token of yours.");
    return redirect("/me/tokens");
  }

  // ---- funding a pledge (SPEC §14 "Money in") ----

  /// Whether cards are taken (a provider other than the operator by hand).
  bool cards() const { return settings.provider->name() != payments::payout_provider::manual; }

  /// Where a form's answer may send the browser (CSP `form-action`): the provider's pages.
  std::string checkout_targets(bool onboarding = false) const {
    std::string out;
    for (const auto& o : settings.provider->page_origins(onboarding)) out += (out.empty() ? "" : " ") + o;
    return out;
  }

  http_reply fund(const http_request& request, const std::string& id_text) {
    const auto who = session_of(request);
    const auto id = parse_id(id_text);
    std::optional<payments::funding_view> view;
    if (id) pool.transact([&](pqxx::work& tx) { view = payments::load_funding(tx, *id, app::now_utc()); });
    if (!view) return message(404, "No such pledge", "There is no money pledge with this number.", who);
    const auto fee = settings.provider->fee();
    const auto offer = payments::decide_funding(*view, fee, app::now_utc(), settings.max_deposit_units);
    if (!offer) return message(409, "This pledge cannot be paid", offer.error().message, who);
    auto csrf = accounts::cookie_value(request.header("cookie"), fund_csrf_cookie).value_or("");
    std::vector<std::string> cookies;
    if (csrf.size() != 43) {
      csrf = adapters::random_token();
      cookies.push_back(accounts::set_cookie(fund_csrf_cookie, csrf, fund_csrf_lifetime, secure, "/fund"));
    }
    mustache::data d;
    d.set("pledge_id", std::to_string(view->pledge_id));
    d.set("sponsor", view->sponsor_login);
    d.set("platform", std::string(bot::to_string(view->sponsor.platform)));
    d.set("user_id", std::to_string(view->sponsor.user_id));
    d.set("pledged", escrow::format_money(view->pledged));
    d.set("issue", view->issue_key);
    d.set("issue_url", web_link(view->issue_url));
    d.set("state", view->state == bot::pledge_state::awaiting_funds ? std::string("expired") : std::string(bot::to_string(view->state)));
    d.set("paid", query_of(request.target)["paid"] == "1" && offer->state == payments::funding_state::payable);
    d.set("payable", offer->state == payments::funding_state::payable);
    d.set("held", offer->state == payments::funding_state::held);
    d.set("covered", offer->state == payments::funding_state::covered);
    d.set("ended", offer->state == payments::funding_state::ended);
    d.set("frozen", offer->state == payments::funding_state::frozen);
    const bool cards = settings.provider->takes_cards(view->pledged.currency());
    d.set("cards", cards);
    if (view->awaiting_before.amount_minor() > 0) {
      d.set("older", escrow::format_money(view->awaiting_before));
    }
    d.set("missing", escrow::format_money(offer->missing));
    d.set("surcharge", escrow::format_money(offer->surcharge));
    d.set("total", escrow::format_money(offer->total));
    if (view->funds_expire_at) d.set("expires", when(*view->funds_expire_at));
    d.set("csrf", csrf);
    d.set("request_id", adapters::random_token());
    return page(200, "Fund pledge #" + std::to_string(view->pledge_id), "fund.mustache", d, who, std::move(cookies),
                checkout_targets());
  }

  http_reply checkout(const http_request& request, const std::string& id_text) {
    const auto who = session_of(request);
    const auto form = parse_form(request.body);
    const auto cookie = accounts::cookie_value(request.header("cookie"), fund_csrf_cookie).value_or("");
    const bool csrf_ok = form && form->contains("csrf") && !cookie.empty() &&
                         webhooks::constant_time_equal(form->at("csrf"), cookie);
    if (!csrf_ok) return forbidden(who);
    const auto request_id = form->contains("request_id") ? form->at("request_id") : std::string();
    const auto id = parse_id(id_text);
    if (!is_request_id(request_id) || !id) return message(400, "Not a payment form", "The form lacks its request id.", who);
    if (!cards()) return message(404, "No card payments", "Card payments are not set up here.", who);
    std::optional<payments::funding_view> view;
    pool.transact([&](pqxx::work& tx) { view = payments::load_funding(tx, *id, app::now_utc()); });
    if (!view) return message(404, "No such pledge", "There is no money pledge with this number.", who);
    if (!settings.provider->takes_cards(view->pledged.currency())) {
      return message(409, "No card payments in this currency",
                     "Stripe cannot take this currency here: pay the operator instead.", who);
    }
    const auto offer = payments::decide_funding(*view, settings.provider->fee(), app::now_utc(), settings.max_deposit_units);
    if (!offer || offer->state != payments::funding_state::payable) return redirect("/fund/" + id_text);
    payments::checkout_request r;
    r.amount = offer->total;
    r.product = "Pledge #" + std::to_string(view->pledge_id) + " on " + view->issue_key;
    r.account = payments::account_ref(view->sponsor);
    r.pledge_id = view->pledge_id;
    r.surcharge_minor = offer->surcharge.amount_minor();
    const auto here = settings.public_url + (settings.public_url.ends_with('/') ? "" : "/") + "fund/" + id_text;
    r.success_url = here + "?paid=1";
    r.cancel_url = here;
    try {
      // The same form sent twice (a double click) gives one session: Stripe answers a repeated key alike.
      const auto session = settings.provider->start_checkout(r, "checkout-" + id_text + "-" + request_id);
      spdlog::info("checkout session {} for pledge {}: {}", session.id, view->pledge_id, escrow::format_money(offer->total));
      return redirect(session.url, {}, checkout_targets());
    } catch (const payments::provider_error& e) {
      spdlog::warn("checkout for pledge {} failed: {}", view->pledge_id, e.what());
      return message(502, "The payment could not be started",
                     "Stripe did not open the payment page, and nothing was charged. Go back and try again in a moment.", who);
    }
  }

  // ---- payouts (SPEC §14 "Money out") ----

  http_reply payouts_page(unsigned status, const session& who, const std::string& error = "", const std::string& notice = "") {
    const payments::payer me{who.who.platform, who.who.id};
    std::map<std::string, std::int64_t> payable;
    std::optional<payments::payout_account> account;
    std::vector<payments::payout_row> rows;
    pool.transact([&](pqxx::work& tx) {
      payable = escrow::balances_by_currency(tx, escrow::payable_account(bot::to_string(me.platform), me.user_id));
      account = payments::payout_account_of(tx, me);
      rows = payments::payouts_of(tx, me, accounts::overview_rows);
    });
    mustache::data d;
    d.set("csrf", who.csrf);
    d.set("request_id", adapters::random_token());
    d.set("minimum", std::to_string(settings.payout_minimum_units));
    if (!error.empty()) d.set("error", error);
    if (!notice.empty()) d.set("notice", notice);
    d.set("stripe", cards());
    if (account) d.set("account_id", account->account_id);
    d.set("enabled", account && account->payouts_enabled);
    std::vector<mustache::data> balances;
    for (const auto& [c, v] : payable) {
      if (v <= 0) continue;
      mustache::data b;
      b.set("currency", c);
      b.set("payable", escrow::format_money(v, c));
      balances.push_back(std::move(b));
    }
    set_list(d, "balances", std::move(balances));
    set_list(d, "payouts", payout_rows(rows));
    return page(status, "Payouts", "payouts.mustache", d, who, {}, checkout_targets(true));
  }

  http_reply payouts(const http_request& request) {
    const auto who = session_of(request);
    if (!who) return redirect("/login?next=%2Fme%2Fpayouts");
    return payouts_page(200, *who);
  }

  http_reply request_payout(const http_request& request) {
    auto taken = money_form_of(request, [this](unsigned status, const session& who, const std::string& why) {
      return payouts_page(status, who, why);
    });
    if (auto* answer = std::get_if<http_reply>(&taken)) return std::move(*answer);
    const auto& f = std::get<money_form>(taken);
    const payments::payer me{f.who.who.platform, f.who.who.id};
    result<payments::booked_payout> booked = make_problem(problem_code::none, "");
    try {
      pool.transact([&](pqxx::work& tx) {
        const auto view = payments::load_payout_view(tx, me, cards(), settings.payout_minimum_units);
        if (auto before = payments::payout_by_request(tx, me, f.request_id, payments::payout_kind::payout)) {  // the same form again
          booked = payments::booked_payout{std::move(*before), false};
          return;
        }
        const auto plan = payments::decide_payout(view, {f.field("currency"), f.field("amount")});
        if (!plan) {
          booked = plan.error();
          return;
        }
        booked = payments::book_payout(tx, me, *plan, f.request_id, app::now_utc());
        if (booked->created) tx.exec(std::string("NOTIFY ") + jobs::payout_channel);
      });
    } catch (const escrow::ledger_refusal&) {
      booked = make_problem(problem_code::amount, "that is more than your payable balance now");
    }
    if (!booked) return payouts_page(409, f.who, booked.error().message);
    const auto& p = booked->payout;
    if (booked->created) {
      spdlog::info("{} user {} requested payout {} of {}", bot::to_string(me.platform), me.user_id, p.id,
                   escrow::format_money(p.amount));
    }
    return payouts_page(200, f.who, "",
                        "Payout #" + std::to_string(p.id) + " of " + escrow::format_money(p.amount) +
                            (p.provider == payments::payout_provider::stripe ? " is on its way through Stripe."
                                                                             : " is requested: the operator pays it."));
  }

  http_reply setup_payouts(const http_request& request) {
    const auto who = session_of(request);
    const auto form = parse_form(request.body);
    if (!form || !form_session(who, *form)) return forbidden(who);
    if (!cards()) return payouts_page(404, *who, "Payouts through Stripe are not set up on this service.");
    const payments::payer me{who->who.platform, who->who.id};
    std::optional<payments::payout_account> account;
    pool.transact([&](pqxx::work& tx) { account = payments::payout_account_of(tx, me); });
    const auto base = settings.public_url + (settings.public_url.ends_with('/') ? "" : "/") + "me/payouts";
    try {
      std::string id = account ? account->account_id : "";
      if (id.empty()) {
        // One connected account per user, whatever is clicked: the key names the user.
        id = settings.provider->create_payout_account("account-" + payments::account_ref(me));
        pool.transact([&](pqxx::work& tx) {
          payments::record_payout_account(tx, me, id, app::now_utc());
          account = payments::payout_account_of(tx, me);  // the first one recorded, if two clicks raced
        });
        id = account->account_id;
      }
      const auto link = settings.provider->onboarding_link(id, base, base, "onboarding-" + id + "-" + adapters::random_token());
      return redirect(link, {}, checkout_targets(true));
    } catch (const payments::provider_error& e) {
      spdlog::warn("payout setup for {}: {}", payments::account_ref(me), e.what());
      return payouts_page(502, *who, "Stripe did not answer; nothing was changed. Try again in a moment.");
    }
  }

  // ---- topping up one's own balance (SPEC §14 "Money in") ----

  http_reply deposit_page(unsigned status, const session& who, const std::string& error = "",
                          const std::string& currency = "USD", const std::string& amount = "") {
    mustache::data d;
    d.set("csrf", who.csrf);
    d.set("request_id", adapters::random_token());
    d.set("cards", cards());
    d.set("login", who.who.login);
    d.set("platform", std::string(bot::to_string(who.who.platform)));
    d.set("user_id", std::to_string(who.who.id));
    d.set("currency", currency);
    d.set("amount", amount);
    d.set("maximum", grouped(settings.max_deposit_units));
    if (cards()) {
      const auto fee = settings.provider->fee();
      d.set("fee", percent_of(fee.bps) + " of the amount plus " + std::to_string(fee.fixed_minor) +
                       " of the currency's smallest unit (" + escrow::format_money(fee.fixed_minor, "USD") + " in USD)");
    }
    if (!error.empty()) d.set("error", error);
    return page(status, "Add money", "deposit.mustache", d, who, {}, checkout_targets());
  }

  http_reply deposit(const http_request& request) {
    const auto who = session_of(request);
    if (!who) return redirect("/login?next=%2Fme%2Fdeposit");
    return deposit_page(200, *who);
  }

  http_reply deposit_checkout(const http_request& request) {
    auto taken = money_form_of(request, [this](unsigned status, const session& who, const std::string& why) {
      return deposit_page(status, who, why);
    });
    if (auto* answer = std::get_if<http_reply>(&taken)) return std::move(*answer);
    const auto& f = std::get<money_form>(taken);
    if (!cards()) return deposit_page(404, f.who, "Card payments are not set up here.");
    bool frozen = false;
    pool.transact([&](pqxx::work& tx) { frozen = accounts::is_frozen(tx, f.who.who); });
    const payments::top_up_form asked{f.field("currency"), f.field("amount")};
    const auto top_up = payments::decide_top_up(asked, settings.provider->fee(), settings.max_deposit_units, frozen);
    if (!top_up) return deposit_page(409, f.who, top_up.error().message, asked.currency, asked.amount);
    const payments::payer me{f.who.who.platform, f.who.who.id};
    payments::checkout_request r;
    r.amount = top_up->total;
    r.product = "Balance of " + f.who.who.login + " on bountybot";
    r.account = payments::account_ref(me);
    r.surcharge_minor = top_up->surcharge.amount_minor();
    const auto base = settings.public_url + (settings.public_url.ends_with('/') ? "" : "/");
    r.success_url = base + "me?deposited=1";
    r.cancel_url = base + "me/deposit";
    try {
      // A double click gives one session: the key names the user and the form.
      const auto session = settings.provider->start_checkout(r, "deposit-" + payments::account_ref(me) + "-" + f.request_id);
      spdlog::info("checkout session {} tops up {}: {}", session.id, payments::account_ref(me), escrow::format_money(top_up->total));
      return redirect(session.url, {}, checkout_targets());
    } catch (const payments::provider_error& e) {
      spdlog::warn("top-up checkout for {} failed: {}", payments::account_ref(me), e.what());
      return deposit_page(502, f.who, "Stripe did not open the payment page, and nothing was charged. Try again in a moment.",
                          asked.currency, asked.amount);
    }
  }

  // ---- the API for a user's own token ----

  /// The user `Authorization: Bearer <token>` acts for (marking the token used), or nullopt.
  std::optional<person> token_user(const http_request& request) {
    const auto auth = request.header("authorization");
    constexpr std::string_view bearer = "Bearer ";  // the scheme is case-insensitive (RFC 9110 §11.1)
    std::optional<person> who;
    if (starts_with_ignoring_case(auth, bearer) && auth.size() > bearer.size()) {
      pool.transact([&](pqxx::work& tx) { who = accounts::use_token(tx, stored_hash(auth.substr(bearer.size())), app::now_utc()); });
    }
    return who;
  }

  static http_reply token_required() {
    http_reply r{401, "application/json", "{\"error\":\"an API token is required (Authorization: Bearer <token>)\"}\n", {}, {}};
    r.headers["WWW-Authenticate"] = "Bearer";
    return r;
  }

  static http_reply api_error(unsigned status, const std::string& message) {
    return {status, "application/json", json::serialize(json::object{{"error", message}}) + "\n", {{"Cache-Control", "no-store"}}, {}};
  }

  http_reply api_ledger(const http_request& request) {
    const auto who = token_user(request);
    if (!who) return token_required();
    auto q = query_of(request.target);
    std::int64_t before = std::numeric_limits<std::int64_t>::max();
    if (q.contains("before")) {
      const auto id = parse_id(q.at("before"));
      if (!id) return api_error(400, "before is a transfer id (a positive integer)");
      before = *id;
    }
    int limit = accounts::ledger_page_rows;
    if (q.contains("limit")) {
      const auto n = parse_id(q.at("limit"));
      if (!n || *n > accounts::max_ledger_page_rows) {
        return api_error(400, "limit is 1 to " + std::to_string(accounts::max_ledger_page_rows));
      }
      limit = static_cast<int>(*n);
    }
    std::vector<accounts::ledger_row> rows;
    pool.transact([&](pqxx::work& tx) { rows = accounts::ledger_of(tx, *who, before, limit); });
    json::array list;
    for (const auto& t : rows) {
      list.push_back(json::object{{"id", t.id},
                                  {"kind", t.kind},
                                  {"key", t.key},
                                  {"from", t.from},
                                  {"to", t.to},
                                  {"amount", t.amount.amount_minor()},
                                  {"currency", t.amount.currency()},
                                  {"created_at", bot::format_rfc3339(t.at)}});
    }
    json::value next = nullptr;
    if (!rows.empty() && static_cast<int>(rows.size()) == limit) {
      next = "/api/v1/me/ledger?before=" + std::to_string(rows.back().id) + "&limit=" + std::to_string(limit);
    }
    return {200, "application/json", json::serialize(json::object{{"transfers", std::move(list)}, {"next", std::move(next)}}) + "\n",
            {{"Cache-Control", "no-store"}}, {}};
  }

  http_reply api_me(const http_request& request) {
    const auto who = token_user(request);
    if (!who) return token_required();
    accounts::overview o;
    pool.transact([&](pqxx::work& tx) { o = accounts::overview_of(tx, *who); });
    json::object balances;
    for (const auto& [c, v] : o.available) balances[c] = json::object{{"available", v}, {"payable", 0}};
    for (const auto& [c, v] : o.payable) {
      if (!balances.contains(c)) balances[c] = json::object{{"available", 0}};
      balances[c].as_object()["payable"] = v;
    }
    json::object out{{"platform", std::string(bot::to_string(who->platform))},
                     {"user_id", who->id},
                     {"login", who->login},
                     {"balances", std::move(balances)}};
    return {200, "application/json", json::serialize(out) + "\n", {{"Cache-Control", "no-store"}}, {}};
  }
};

pages::pages(page_settings settings, db::pool& pool) : impl_(std::make_unique<impl>(std::move(settings), pool)) {
  // A template that does not parse fails at start, not on a visitor's request.
  check_templates({"layout.mustache", "login.mustache", "message.mustache", "me.mustache", "tokens.mustache",
                   "fund.mustache", "payouts.mustache", "deposit.mustache"});
}

pages::~pages() = default;

std::vector<api_route> pages::routes() {
  auto* p = impl_.get();
  auto blocking = [](auto f) { return blocking_handler(std::move(f)); };
  return {
      /// The sign-in page: a button per configured provider; a signed-in visitor goes to `next`.
      {"GET", "/login", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params&) { return p->login(r); })},
      /// Leaves for the provider (302) with a fresh state bound to this browser by a cookie.
      {"GET", "/login/{platform}", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params& m) { return p->start_sign_in(r, m.at("platform")); })},
      /// The provider's return: checks the state, trades the code, starts a session (303 to `next`).
      {"GET", "/login/{platform}/callback", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params& m) { return p->callback(r, m.at("platform")); })},
      /// Ends the session (form with `csrf`; 403 without it).
      {"POST", "/logout", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params&) { return p->logout(r); })},
      /// The signed-in user's page: balances, pledges, earnings, deposits and refunds.
      {"GET", "/me", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params&) { return p->me(r); })},
      /// The user's API tokens; POST creates one (shown once in `id="new-token"`).
      {"GET", "/me/tokens", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params&) { return p->tokens(r); })},
      {"POST", "/me/tokens", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params&) { return p->create_token(r); })},
      /// Revokes one of the user's tokens (form with `csrf`), then back to the list.
      {"POST", "/me/tokens/{id}/revoke", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params& m) { return p->revoke_token(r, m.at("id")); })},
      /// A pledge's funding page (the link of the bot's reply): what is missing, the surcharge and
      /// a card form, or how to pay the operator; `?paid=1` after Stripe sent the payer back.
      {"GET", "/fund/{pledge_id}", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params& m) { return p->fund(r, m.at("pledge_id")); })},
      /// Creates a Checkout Session for what is missing (form: `csrf`, `request_id`), `303` to Stripe.
      {"POST", "/fund/{pledge_id}/checkout", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params& m) { return p->checkout(r, m.at("pledge_id")); })},
      /// Withdraws unspent available money (form: `currency`, `amount`, `csrf`, `request_id`):
      /// refunds of the user's card payments with Stripe, else a request to the operator.
      {"POST", "/me/withdrawals", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params&) { return p->withdraw(r); })},
      /// The user's payable balances, how they are paid, a payout form and their payouts.
      {"GET", "/me/payouts", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params&) { return p->payouts(r); })},
      /// Requests a payout (form: `currency`, `amount` in units or empty for all, `csrf`, `request_id`).
      {"POST", "/me/payouts", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params&) { return p->request_payout(r); })},
      /// Adding money to one's own balance: by card (a form) or, without Stripe, how to pay the operator.
      {"GET", "/me/deposit", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params&) { return p->deposit(r); })},
      /// Creates a Checkout Session topping up the user's balance (form: `currency`, `amount`,
      /// `csrf`, `request_id`), `303` to Stripe.
      {"POST", "/me/deposit", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params&) { return p->deposit_checkout(r); })},
      /// Creates the user's Stripe Express account once and sends them to its onboarding (303).
      {"POST", "/me/payouts/setup", route_auth::none, refusal_format::text,
       blocking([p](const http_request& r, const route_params&) { return p->setup_payouts(r); })},
      /// The pages' style sheet.
      {"GET", "/static/style.css", route_auth::none, refusal_format::text,
       blocking([](const http_request&, const route_params&) {
         return http_reply{200, "text/css; charset=utf-8", asset_text("style.css"),
                           {{"Cache-Control", "public, max-age=" + std::to_string(style_max_age_seconds)},
                            {"X-Content-Type-Options", "nosniff"}},
                           {}};
       })},
      /// The token's user and balances by currency (minor units); 401 without a live token.
      {"GET", "/api/v1/me", route_auth::none, refusal_format::json,
       blocking([p](const http_request& r, const route_params&) { return p->api_me(r); })},
      /// The token's user's transfers, newest first (SPEC §14): `?before={id}&limit={1..200}`;
      /// {"transfers": [{id, kind, key, from, to, amount, currency, created_at}], "next": URL or null}.
      {"GET", "/api/v1/me/ledger", route_auth::none, refusal_format::json,
       blocking([p](const http_request& r, const route_params&) { return p->api_ledger(r); })},
  };
}

}  // namespace bountybot::web
