#pragma once
/// The HTTP server (Boost.Beast, C++20 coroutines): reads a request with a body limit and
/// timeouts, hands it to a non-blocking handler on the io thread, and writes the answer the
/// handler gives, now or later, from any thread. Blocking work (the database) is the handler's
/// to move elsewhere; the io threads never wait on it.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace bountybot::webhooks {

/// A request as the routes see it: method, target (path and query), lower-case header names, body.
struct http_request {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;
  std::string body;
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct http_reply {
  unsigned status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  std::map<std::string, std::string> headers;
};

/// Limits of the server, named with units.
struct server_settings {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;           // 0: pick a free port (tests)
  std::size_t max_body_bytes = 25u << 20;  // SPEC §8: 25 MiB; larger bodies get 413
  std::chrono::seconds read_timeout{30};   // a whole request must arrive within this
  std::chrono::seconds idle_timeout{60};   // keep-alive connections idle longer are closed
  // Open connections at once; one more is closed as soon as it is accepted. Memory is bounded
  // by max_connections x (16 KiB read buffer + max_body_bytes of a request being read).
  int max_connections = 1024;
  int io_threads = 1;                      // threads reading, verifying and writing requests
};

/// Takes the answer to one request. Called exactly once, from any thread; it only queues the
/// answer for the request's connection, so it never blocks.
using reply_sink = std::function<void(http_reply)>;

/// Handles one request on an io thread: must not block; answers through the sink, at once or
/// later. An exception it throws becomes a 500.
using request_handler = std::function<void(http_request, reply_sink)>;

/// How long `stop` waits for requests in flight before closing the connections.
inline constexpr std::chrono::seconds shutdown_grace{3};

class http_server {
 public:
  http_server(server_settings settings, request_handler handler);
  ~http_server();
  /// Binds and starts serving in background threads; throws if the address cannot be bound.
  void start();
  /// Stops accepting, closes connections, joins the threads.
  void stop();
  /// The bound port (after start).
  unsigned short port() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;  // shared with the sinks of requests in flight
};

}  // namespace bountybot::webhooks
