#include "webhooks/server.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>
#include <vector>

namespace bountybot::webhooks {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t read_buffer_bytes = 16 * 1024;  // per connection

http::response<http::string_body> to_response(const http_reply& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "bountybot");
  res.set(http::field::content_type, r.content_type);
  for (const auto& [k, v] : r.headers) res.set(k, v);
  res.keep_alive(keep_alive);
  res.body() = r.body;
  res.prepare_payload();
  return res;
}

}  // namespace

struct http_server::impl : std::enable_shared_from_this<impl> {
  server_settings settings;
  request_handler handler;
  asio::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  unsigned short bound_port = 0;
  std::atomic<int> sessions{0};
  std::atomic<bool> refused_logged{false};  // one warning per spell of refusals

  impl(server_settings s, request_handler h) : settings(std::move(s)), handler(std::move(h)) {}

  // Hands `request` to the handler and resumes with its answer, on this coroutine's executor.
  // The sink keeps this impl (and so the io_context) alive, so an answer arriving after `stop`
  // is queued on a stopped context and dropped with it, never posted to a destroyed one.
  asio::awaitable<http_reply> answer(http_request request) {
    auto ex = co_await asio::this_coro::executor;
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(http_reply)>(
        [this, ex, &request](auto resume) {
          auto shared = std::make_shared<decltype(resume)>(std::move(resume));
          auto answered = std::make_shared<std::atomic<bool>>(false);  // a second answer is dropped
          reply_sink sink = [self = shared_from_this(), ex, shared, answered](http_reply reply) {
            if (answered->exchange(true)) return;
            asio::post(ex, [shared, reply = std::move(reply)]() mutable { (*shared)(std::move(reply)); });
          };
          const auto method = request.method, target = request.target;
          try {
            handler(std::move(request), sink);
          } catch (const std::exception& e) {
            spdlog::error("{} {}: {}", method, target, e.what());
            sink({500, "text/plain; charset=utf-8", "internal error\n"});
          }
        },
        asio::use_awaitable);
  }

  asio::awaitable<void> session(beast::tcp_stream stream) {
    struct leave {  // counted in by `listen`
      std::atomic<int>& n;
      ~leave() { --n; }
    } guard{sessions};
    // Room for a typical delivery in one read: Beast reads at most what the buffer has free (at
    // least 512 bytes), and an empty buffer would take a 12 KB payload in two dozen reads.
    beast::flat_buffer buffer;
    buffer.reserve(read_buffer_bytes);
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(settings.max_body_bytes);
      if (buffer.size() == 0) {
        // Between requests the connection may idle up to idle_timeout; from its first byte on, a
        // request must arrive whole within read_timeout (a client trickling bytes is cut off).
        stream.expires_after(settings.idle_timeout);
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(read_buffer_bytes), asio::as_tuple(asio::use_awaitable));
        if (ec) break;
        buffer.commit(n);
      }
      stream.expires_after(settings.read_timeout);
      auto [ec, n] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
      if (ec == http::error::body_limit) {
        auto res = to_response({413, "text/plain; charset=utf-8", "body over the limit\n"}, 11, false);
        stream.expires_after(settings.read_timeout);
        co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
        break;
      }
      if (ec) break;  // end of stream, timeout, or a malformed request: nothing to answer
      auto req = parser.release();
      http_request in;
      in.method = std::string(req.method_string());
      in.target = std::string(req.target());
      for (const auto& field : req) {
        std::string name(field.name_string());
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        in.headers[name] = std::string(field.value());
      }
      in.body = std::move(req.body());
      const bool keep_alive = req.keep_alive();
      const auto reply = co_await answer(std::move(in));
      auto res = to_response(reply, req.version(), keep_alive);
      stream.expires_after(settings.read_timeout);
      auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      if (wec || !keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  asio::awaitable<void> listen() {
    for (;;) {
      auto [ec, socket] = co_await acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec == asio::error::operation_aborted) co_return;
      if (ec) continue;  // e.g. too many open files: keep serving the others
      if (sessions >= settings.max_connections) {
        if (!refused_logged.exchange(true)) spdlog::warn("refusing connections: {} are open (BOUNTYBOT_MAX_CONNECTIONS)", settings.max_connections);
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
      refused_logged = false;
      ++sessions;
      asio::co_spawn(ioc, session(beast::tcp_stream(std::move(socket))), asio::detached);
    }
  }
};

http_server::http_server(server_settings settings, request_handler handler)
    : impl_(std::make_shared<impl>(std::move(settings), std::move(handler))) {}

http_server::~http_server() { stop(); }

void http_server::start() {
  auto& i = *impl_;
  const auto address = asio::ip::make_address(i.settings.host);
  i.acceptor.emplace(i.ioc, tcp::endpoint(address, i.settings.port));
  i.bound_port = i.acceptor->local_endpoint().port();
  asio::co_spawn(i.ioc, i.listen(), asio::detached);
  for (int t = 0; t < std::max(1, i.settings.io_threads); ++t) i.threads.emplace_back([&i] { i.ioc.run(); });
}

void http_server::stop() {
  auto& i = *impl_;
  if (i.threads.empty()) return;
  asio::post(i.ioc, [&i] {
    beast::error_code ec;
    i.acceptor->close(ec);
  });
  // Stop accepting, then let requests in flight finish (bounded): an idle keep-alive connection
  // counts as a session, so the wait is capped rather than open-ended.
  const auto deadline = std::chrono::steady_clock::now() + shutdown_grace;
  while (i.sessions > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll of the session count during shutdown
  }
  i.ioc.stop();
  for (auto& t : i.threads) t.join();
  i.threads.clear();
}

unsigned short http_server::port() const { return impl_->bound_port; }

}  // namespace bountybot::webhooks
