#include "tests/support/fake_platform.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include "adapters/crypto.hpp"
#include "web/forms.hpp"

#include <algorithm>
#include <ctime>
#include <atomic>
#include <thread>

namespace bountybot::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct fake_platform::impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::thread thread;
  mutable std::mutex mutex;
  mutable std::condition_variable changed;
  std::vector<recorded_call> calls;
  int failures_left = 0;
  unsigned failure_status = 500;
  std::map<std::string, std::string> failure_headers;
  std::int64_t next_id = 9000;
  std::map<std::int64_t, std::vector<std::pair<std::int64_t, std::string>>> reactions;  // comment id -> (user, content)
  std::string etag = "\"r0\"";
  std::string hook_deliveries = "[]";
  std::map<std::string, std::vector<std::pair<std::int64_t, std::string>>> comments;  // collection path -> (id, body)
  int stalls_left = 0;
  std::string stall_fragment;
  std::chrono::milliseconds stall{0};
  std::int64_t oauth_user_id = 583231;
  std::string oauth_login = "octocat";
  std::map<std::string, std::string> oauth_codes;  // code -> PKCE challenge ("" for GitHub)
  int issued = 0;

  /// OAuth: the authorize page, the token endpoints and the user endpoints; false for other targets.
  bool oauth(const http::request<http::string_body>& req, http::response<http::string_body>& res) {
    const std::string target(req.target());
    const auto path = target.substr(0, target.find('?'));
    if (req.method() == http::verb::get && (path == "/login/oauth/authorize" || path == "/oauth/authorize")) {
      auto q = web::query_of(target);
      const auto code = "code-" + std::to_string(++issued);
      oauth_codes[code] = q["code_challenge"];
      res.result(http::status::found);
      res.set(http::field::location, q["redirect_uri"] + "?code=" + code + "&state=" + web::url_encode(q["state"]));
      res.body() = "";
      return true;
    }
    if (req.method() == http::verb::post && (path == "/login/oauth/access_token" || path == "/oauth/token")) {
      auto form = web::parse_form(req.body()).value_or(std::map<std::string, std::string>{});
      const bool github = path == "/login/oauth/access_token";
      const auto it = oauth_codes.find(form["code"]);
      const bool pkce_ok = github || (it != oauth_codes.end() &&
                                      adapters::pkce_challenge(form["code_verifier"]) == it->second);
      if (it == oauth_codes.end() || !pkce_ok || form["client_secret"].empty()) {
        if (!github) res.result(http::status::bad_request);
        res.body() = github ? R"({"error":"bad_verification_code"})" : R"({"error":"invalid_grant"})";
        return true;
      }
      oauth_codes.erase(it);
      res.body() = std::string(R"({"access_token":")") + (github ? "gho_fake_" : "gloas_fake_") +
                   std::to_string(++issued) + R"(","token_type":"bearer","scope":"read:org"})";
      return true;
    }
    if (req.method() == http::verb::get && (path == "/user" || path == "/api/v4/user")) {
      res.body() = "{\"id\":" + std::to_string(oauth_user_id) + ",\"" + (path == "/user" ? "login" : "username") +
                   "\":\"" + oauth_login + "\"}";
      return true;
    }
    return false;
  }

  std::string reactions_body(const std::string& target) {
    // .../comments/{id}/reactions or .../notes/{id}/award_emoji
    const auto end = target.find(target.find("/reactions") != std::string::npos ? "/reactions" : "/award_emoji");
    const auto start = target.rfind('/', end - 1) + 1;
    const auto id = std::stoll(target.substr(start, end - start));
    const bool gitlab = target.find("/award_emoji") != std::string::npos;
    std::string out = "[";
    for (const auto& [user, content] : reactions[id]) {
      if (out.size() > 1) out += ",";
      out += std::string("{\"user\":{\"id\":") + std::to_string(user) + "},\"" + (gitlab ? "name" : "content") +
             "\":\"" + content + "\"}";
    }
    return out + "]";
  }

  asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> req;
      auto [ec, n] = co_await http::async_read(stream, buffer, req, asio::as_tuple(asio::use_awaitable));
      if (ec) break;
      http::response<http::string_body> res{http::status::ok, req.version()};
      res.set(http::field::content_type, "application/json");
      {
        std::lock_guard lock(mutex);
        if (failures_left > 0) {
          --failures_left;
          res.result(failure_status);
          for (const auto& [k, v] : failure_headers) res.set(k, v);
          res.body() = R"({"message":"fake failure"})";
        } else {
          recorded_call call{std::string(req.method_string()), std::string(req.target()), req.body(), {}};
          for (const auto& f : req) {
            std::string name(f.name_string());
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            call.headers[name] = std::string(f.value());
          }
          const std::string target(req.target());
          if (oauth(req, res)) {
            // answered
          } else if (req.method() == http::verb::post && (target.ends_with("/comments") || target.ends_with("/notes"))) {
            res.result(http::status::created);
            const auto id = next_id++;
            comments[target].emplace_back(id, boost::json::parse(req.body()).at("body").as_string().c_str());
            res.body() = "{\"id\":" + std::to_string(id) + "}";
          } else if (req.method() == http::verb::get && (target.find("/comments?") != std::string::npos ||
                                                          target.find("/notes?") != std::string::npos)) {
            boost::json::array list;
            const auto base = target.substr(0, target.find('?'));
            if (target.find("page=") == std::string::npos || target.find("page=1") != std::string::npos) {
              for (const auto& [id, text] : comments[base]) list.push_back(boost::json::object{{"id", id}, {"body", text}});
            }
            res.body() = boost::json::serialize(list);
          } else if (req.method() == http::verb::get && target.find("/collaborators/") != std::string::npos) {
            // GitHub: logins starting with "maint" have write access, others read.
            const bool maint = target.find("/collaborators/maint") != std::string::npos;
            res.body() = std::string("{\"permission\":\"") + (maint ? "write" : "read") + "\"}";
          } else if (req.method() == http::verb::get && target.find("/members/all/") != std::string::npos) {
            // GitLab: user ids from 1000 up are maintainers (40), others developers (30).
            const auto id = std::stoll(target.substr(target.rfind('/') + 1));
            res.body() = "{\"access_level\":" + std::to_string(id >= 1000 ? 40 : 30) + "}";
          } else if (req.method() == http::verb::get && (target.find("/reactions") != std::string::npos ||
                                                          target.find("/award_emoji") != std::string::npos)) {
            if (std::string(req[http::field::if_none_match]) == etag) {
              res.result(http::status::not_modified);  // a conditional request for an unchanged list
            } else {
              res.body() = reactions_body(target);
              res.set(http::field::etag, etag);
            }
          } else if (req.method() == http::verb::get && target.ends_with("/installation")) {
            res.body() = R"({"id":4242,"app_id":123})";
          } else if (req.method() == http::verb::post && target.starts_with("/app/installations/")) {
            res.result(http::status::created);
            // Valid for an hour from now, as GitHub issues them.
            const auto exp = std::chrono::system_clock::now() + std::chrono::hours{1};
            const auto t = std::chrono::system_clock::to_time_t(exp);
            char buf[32];
            std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
            res.body() = std::string(R"({"token":"ghs_installation_token","expires_at":")") + buf + "\"}";
          } else if (req.method() == http::verb::get && target.starts_with("/app/hook/deliveries")) {
            res.body() = hook_deliveries;
          } else if (req.method() == http::verb::post && target.starts_with("/app/hook/deliveries/")) {
            res.result(http::status::accepted);
            res.body() = "{}";
          } else if (req.method() == http::verb::post && target.ends_with("/labels")) {
            res.body() = "[]";
          } else {
            res.body() = "{}";
          }
          calls.push_back(std::move(call));
        }
      }
      changed.notify_all();
      bool stall_now = false;
      {
        std::lock_guard lock(mutex);
        if (stalls_left > 0 && std::string(req.target()).find(stall_fragment) != std::string::npos) {
          --stalls_left;
          stall_now = true;
        }
      }
      if (stall_now) {
        // The request took effect, but the answer comes too late: the client times out.
        asio::steady_timer timer(co_await asio::this_coro::executor, stall);
        co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      }
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

fake_platform::fake_platform() : impl_(std::make_unique<impl>()) {
  asio::co_spawn(impl_->ioc, impl_->listen(), asio::detached);
  impl_->thread = std::thread([this] { impl_->ioc.run(); });
}

fake_platform::~fake_platform() {
  impl_->ioc.stop();
  impl_->thread.join();
}

std::string fake_platform::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port());
}

void fake_platform::stall_next(int count, std::chrono::milliseconds delay, std::string fragment) {
  std::lock_guard lock(impl_->mutex);
  impl_->stall_fragment = std::move(fragment);
  impl_->stalls_left = count;
  impl_->stall = delay;
}

void fake_platform::set_hook_deliveries(std::string json) {
  std::lock_guard lock(impl_->mutex);
  impl_->hook_deliveries = std::move(json);
}

void fake_platform::set_reactions(std::int64_t comment_id, std::vector<std::pair<std::int64_t, std::string>> reactions) {
  std::lock_guard lock(impl_->mutex);
  impl_->reactions[comment_id] = std::move(reactions);
  impl_->etag = "\"r" + std::to_string(++impl_->next_id) + "\"";
}

void fake_platform::set_oauth_user(std::int64_t id, std::string login) {
  std::lock_guard lock(impl_->mutex);
  impl_->oauth_user_id = id;
  impl_->oauth_login = std::move(login);
}

std::vector<recorded_call> fake_platform::calls() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calls;
}

void fake_platform::fail_next(int count, unsigned status, std::map<std::string, std::string> headers) {
  std::lock_guard lock(impl_->mutex);
  impl_->failures_left = count;
  impl_->failure_status = status;
  impl_->failure_headers = std::move(headers);
}

bool fake_platform::wait_for(const std::function<bool(const std::vector<recorded_call>&)>& pred,
                             std::chrono::milliseconds timeout) const {
  std::unique_lock lock(impl_->mutex);
  return impl_->changed.wait_for(lock, timeout, [&] { return pred(impl_->calls); });
}

std::vector<recorded_call> matching(const std::vector<recorded_call>& calls, const std::string& method,
                                    const std::string& fragment) {
  std::vector<recorded_call> out;
  for (const auto& c : calls) {
    if (c.method == method && c.target.find(fragment) != std::string::npos) out.push_back(c);
  }
  return out;
}

}  // namespace bountybot::testing
