#include "tests/support/fake_stripe.hpp"

#include "adapters/http_client.hpp"
#include "web/forms.hpp"
#include "webhooks/signature.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

namespace bountybot::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;

std::string stripe_signature(const std::string& secret, std::int64_t t, const std::string& body) {
  return "t=" + std::to_string(t) + ",v1=" + webhooks::hmac_sha256_hex(secret, std::to_string(t) + "." + body);
}

struct fake_stripe::impl {
  std::string secret;
  std::string webhook_url;
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;
  mutable std::mutex mutex;
  std::vector<recorded_call> calls;
  int failures_left = 0;
  unsigned failure_status = 500;
  int answers_to_lose = 0;  // calls done whose answer is a 500, as when a reply is lost on its way
  std::vector<json::object> transfers, refunds;  // as made, oldest first
  int next_id = 0;
  std::map<std::string, json::object> sessions;           // id -> session object
  std::map<std::string, std::string> by_idempotency_key;  // key -> session id
  std::map<std::string, std::string> accounts_by_key;     // key -> acct id
  std::map<std::string, std::string> transfers_by_key;    // key -> tr id
  std::map<std::string, std::string> return_urls;         // acct id -> return_url

  /// Connect and transfers; false for another route.
  bool connect(const std::string& target, const std::map<std::string, std::string>& form, const std::string& key,
               http::response<http::string_body>& res) {
    auto get = [&](const std::string& k) { return form.contains(k) ? form.at(k) : std::string(); };
    if (target == "/v1/accounts") {
      auto& id = accounts_by_key[key];
      if (id.empty()) id = "acct_test_" + std::to_string(++next_id);
      res.body() = json::serialize(json::object{{"id", id}, {"object", "account"}, {"type", get("type")},
                                                {"payouts_enabled", false}});
      return true;
    }
    if (target == "/v1/account_links") {
      return_urls[get("account")] = get("return_url");
      res.body() = json::serialize(json::object{{"object", "account_link"}, {"url", base() + "/connect/onboard/" + get("account")}});
      return true;
    }
    if (target == "/v1/refunds") {
      auto& id = transfers_by_key[key];
      if (id.empty()) {
        id = "re_test_" + std::to_string(++next_id);
        refunds.push_back(json::object{{"id", id}, {"object", "refund"}, {"amount", std::stoll(get("amount"))},
                                       {"payment_intent", get("payment_intent")}, {"status", "succeeded"},
                                       {"metadata", json::object{{"payout_id", get("metadata[payout_id]")}}}});
      }
      res.body() = json::serialize(*std::find_if(refunds.begin(), refunds.end(), [&](const auto& r) { return r.at("id").as_string() == id; }));
      return true;
    }
    if (target == "/v1/transfers") {
      auto& id = transfers_by_key[key];
      if (id.empty()) {
        id = "tr_test_" + std::to_string(++next_id);
        transfers.push_back(json::object{{"id", id}, {"object", "transfer"}, {"amount", std::stoll(get("amount"))},
                                         {"currency", get("currency")}, {"destination", get("destination")},
                                         {"transfer_group", get("transfer_group")},
                                         {"metadata", json::object{{"payout_id", get("metadata[payout_id]")}}}});
      }
      res.body() = json::serialize(*std::find_if(transfers.begin(), transfers.end(), [&](const auto& t) { return t.at("id").as_string() == id; }));
      return true;
    }
    return false;
  }

  /// `GET /v1/transfers?transfer_group=` and `GET /v1/refunds?payment_intent=`, newest first
  /// (https://docs.stripe.com/api/transfers/list, /api/refunds/list); false for another route.
  bool list(const std::string& target, http::response<http::string_body>& res) {
    const auto q = target.find('?');
    const auto path = target.substr(0, q);
    const auto query = web::parse_form(q == std::string::npos ? "" : target.substr(q + 1)).value_or(std::map<std::string, std::string>{});
    auto field = [&](const char* k) { return query.contains(k) ? query.at(k) : std::string(); };
    const std::vector<json::object>* all = nullptr;
    std::string by, value;
    if (path == "/v1/transfers") {
      all = &transfers;
      by = "transfer_group";
    } else if (path == "/v1/refunds") {
      all = &refunds;
      by = "payment_intent";
    } else {
      return false;
    }
    value = field(by.c_str());
    json::array data;
    for (auto it = all->rbegin(); it != all->rend(); ++it) {
      if (value.empty() || it->at(by).as_string() == value) data.push_back(*it);
    }
    res.body() = json::serialize(json::object{{"object", "list"}, {"data", std::move(data)}, {"has_more", false}, {"url", path}});
    return true;
    return false;
  }

  static json::value event_json(const std::string& id, const std::string& type, json::object object) {
    return json::object{{"id", id}, {"object", "event"}, {"api_version", "2024-06-20"},
                        {"created", std::chrono::duration_cast<std::chrono::seconds>(
                                        std::chrono::system_clock::now().time_since_epoch()).count()},
                        {"type", type}, {"livemode", false}, {"data", json::object{{"object", std::move(object)}}}};
  }

  std::string base() const { return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()); }

  json::object create_session(const std::map<std::string, std::string>& form, const std::string& key) {
    if (const auto it = by_idempotency_key.find(key); !key.empty() && it != by_idempotency_key.end()) {
      return sessions.at(it->second);
    }
    const auto id = "cs_test_" + std::to_string(++next_id);
    auto get = [&](const std::string& k) { return form.contains(k) ? form.at(k) : std::string(); };
    json::object metadata{{"pledge_id", get("metadata[pledge_id]")},
                          {"account", get("metadata[account]")},
                          {"surcharge", get("metadata[surcharge]")}};
    json::object session{{"id", id},
                         {"object", "checkout.session"},
                         {"mode", get("mode")},
                         {"amount_total", std::stoll(get("line_items[0][price_data][unit_amount]"))},
                         {"currency", get("line_items[0][price_data][currency]")},
                         {"payment_status", "unpaid"},
                         {"status", "open"},
                         {"metadata", metadata},
                         {"success_url", get("success_url")},
                         {"cancel_url", get("cancel_url")},
                         {"payment_intent", nullptr},
                         {"url", base() + "/c/pay/" + id},
                         {"name", get("line_items[0][price_data][product_data][name]")}};
    sessions[id] = session;
    if (!key.empty()) by_idempotency_key[key] = id;
    return session;
  }

  std::string event_of(const std::string& session_id, const std::string& event_id) const {
    auto session = sessions.at(session_id);
    session["payment_status"] = "paid";
    session["status"] = "complete";
    session["payment_intent"] = "pi_test_" + session_id.substr(8);
    return json::serialize(event_json(event_id, "checkout.session.completed", std::move(session)));
  }

  unsigned post_event(const std::string& body, std::int64_t t) const {
    if (t == 0) t = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto slash = webhook_url.find('/', 8);
    const adapters::http_client client(webhook_url.substr(0, slash));
    return client.request("POST", webhook_url.substr(slash), body, {{"Stripe-Signature", stripe_signature(secret, t, body)}})
        .status;
  }

  void answer(const http::request<http::string_body>& req, http::response<http::string_body>& res) {
    const std::string target(req.target());
    if (req.method() == http::verb::get && target.starts_with("/c/pay/")) {
      const auto id = target.substr(7);
      std::lock_guard lock(mutex);
      if (!sessions.contains(id)) return res.result(http::status::not_found);
      const auto& s = sessions.at(id);
      res.set(http::field::content_type, "text/html; charset=utf-8");
      res.body() = "<!doctype html><title>Fake Checkout</title><h1>Pay " + std::to_string(s.at("amount_total").as_int64()) +
                   " " + std::string(s.at("currency").as_string()) + "</h1><p>" + std::string(s.at("name").as_string()) +
                   "</p><form method=post action=\"/c/pay/" + id + "\"><button type=submit>Pay</button></form>";
      return;
    }
    if (target.starts_with("/connect/onboard/")) {
      const auto account = target.substr(17);
      if (req.method() == http::verb::get) {
        res.set(http::field::content_type, "text/html; charset=utf-8");
        res.body() = "<!doctype html><title>Fake Connect onboarding</title><h1>Set up payouts for " + account +
                     "</h1><form method=post action=\"/connect/onboard/" + account + "\"><button type=submit>Finish</button></form>";
        return;
      }
      std::string body, back;
      {
        std::lock_guard lock(mutex);
        body = json::serialize(event_json("evt_test_" + std::to_string(++next_id), "account.updated",
                                          json::object{{"id", account}, {"object", "account"}, {"payouts_enabled", true},
                                                       {"charges_enabled", true}}));
        back = return_urls[account];
      }
      post_event(body, 0);
      res.result(http::status::see_other);
      res.set(http::field::location, back);
      return;
    }
    if (req.method() == http::verb::post && target.starts_with("/c/pay/")) {
      const auto id = target.substr(7);
      std::string body, success;
      {
        std::lock_guard lock(mutex);
        if (!sessions.contains(id)) return res.result(http::status::not_found);
        body = event_of(id, "evt_test_" + std::to_string(++next_id));
        success = std::string(sessions.at(id).at("success_url").as_string());
      }
      post_event(body, 0);  // Stripe sends the event; the payer is sent back at once
      res.result(http::status::see_other);
      res.set(http::field::location, success);
      return;
    }
    recorded_call call{std::string(req.method_string()), target, req.body(), {}};
    for (const auto& f : req) {
      std::string name(f.name_string());
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      call.headers[name] = std::string(f.value());
    }
    std::lock_guard lock(mutex);
    res.set(http::field::content_type, "application/json");
    if (failures_left > 0) {
      --failures_left;
      res.result(failure_status);
      res.body() = R"({"error":{"type":"api_error","message":"fake failure"}})";
      return;
    }
    calls.push_back(call);
    if (req.method() == http::verb::get && list(target, res)) return;
    const auto form = web::parse_form(req.body()).value_or(std::map<std::string, std::string>{});
    if (req.method() == http::verb::post && target == "/v1/checkout/sessions") {
      res.body() = json::serialize(create_session(form, call.headers["idempotency-key"]));
      return;
    }
    if (req.method() == http::verb::post && connect(target, form, call.headers["idempotency-key"], res)) {
      if (answers_to_lose > 0) {
        --answers_to_lose;
        res.result(http::status::internal_server_error);
        res.body() = R"({"error":{"type":"api_error","message":"fake: done, but the answer is lost"}})";
      }
      return;
    }
    res.result(http::status::not_found);
    res.body() = R"({"error":{"type":"invalid_request_error","message":"no such route in the fake"}})";
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      auto [ec, n] = co_await http::async_read(stream, buffer, req, asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      http::response<http::string_body> res{http::status::ok, req.version()};
      answer(req, res);
      res.keep_alive(req.keep_alive());
      res.prepare_payload();
      auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      if (wec || !req.keep_alive()) break;
    }
  }

  asio::awaitable<void> listen() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) co_return;
      asio::co_spawn(ioc, session(std::move(socket)), asio::detached);
    }
  }
};

fake_stripe::fake_stripe(std::string webhook_secret) : impl_(std::make_unique<impl>()) {
  impl_->secret = std::move(webhook_secret);
  asio::co_spawn(impl_->ioc, impl_->listen(), asio::detached);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

fake_stripe::~fake_stripe() {
  impl_->ioc.stop();
  impl_->thread.join();
}

std::string fake_stripe::base_url() const { return impl_->base(); }

void fake_stripe::set_webhook_url(std::string url) {
  std::lock_guard lock(impl_->mutex);
  impl_->webhook_url = std::move(url);
}

std::vector<recorded_call> fake_stripe::calls() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calls;
}

void fake_stripe::fail_next(int count, unsigned status) {
  std::lock_guard lock(impl_->mutex);
  impl_->failures_left = count;
  impl_->failure_status = status;
}

void fake_stripe::lose_next_answers(int count) {
  std::lock_guard lock(impl_->mutex);
  impl_->answers_to_lose = count;
}

void fake_stripe::forget_idempotency_keys() {
  std::lock_guard lock(impl_->mutex);
  impl_->transfers_by_key.clear();
}

std::string fake_stripe::completed_event(const std::string& session_id, const std::string& event_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->event_of(session_id, event_id);
}

std::string fake_stripe::transfer_reversed_event(const std::string& transfer_id, std::int64_t payout_id,
                                                 const std::string& event_id) const {
  return json::serialize(impl::event_json(event_id, "transfer.reversed",
                                          json::object{{"id", transfer_id}, {"object", "transfer"}, {"reversed", true},
                                                       {"metadata", json::object{{"payout_id", std::to_string(payout_id)}}}}));
}

std::string fake_stripe::dispute_created_event(const std::string& dispute_id, const std::string& payment_intent,
                                               std::int64_t amount_minor, const std::string& currency,
                                               const std::string& event_id) const {
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  return json::serialize(impl::event_json(
      event_id, "charge.dispute.created",
      json::object{{"id", dispute_id}, {"object", "dispute"}, {"amount", amount_minor}, {"balance_transactions", json::array{}},
                   {"charge", "ch_" + payment_intent.substr(3)}, {"created", now}, {"currency", currency},
                   {"evidence", json::object{}}, {"is_charge_refundable", false}, {"livemode", false},
                   {"metadata", json::object{}}, {"payment_intent", payment_intent}, {"reason", "fraudulent"},
                   {"status", "needs_response"}}));
}

std::string fake_stripe::refund_failed_event(const std::string& refund_id, std::int64_t payout_id,
                                             const std::string& event_id) const {
  return json::serialize(impl::event_json(
      event_id, "refund.failed",
      json::object{{"id", refund_id}, {"object", "refund"}, {"status", "failed"}, {"failure_reason", "expired_or_canceled_card"},
                   {"metadata", json::object{{"payout_id", std::to_string(payout_id)}}}}));
}

unsigned fake_stripe::send_event(const std::string& body, std::int64_t t) const { return impl_->post_event(body, t); }

}  // namespace bountybot::testing
