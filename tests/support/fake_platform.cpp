#include "tests/support/fake_platform.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>

#include <algorithm>
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
          if (req.method() == http::verb::post) {
            res.result(http::status::created);
            res.body() = "{\"id\":" + std::to_string(next_id++) + "}";
          } else {
            res.body() = "{}";
          }
          calls.push_back(std::move(call));
        }
      }
      changed.notify_all();
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
