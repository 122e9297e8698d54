#pragma once
/// The HTTP server (Boost.Beast, C++20 coroutines): reads a request with a body limit and
/// timeouts, hands it to a non-blocking handler on the io thread, and writes the answer the
/// handler gives, now or later, from any thread. Blocking work (the database) is the handler's
/// to move elsewhere; the io threads never wait on it.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bountybot::web {

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
  std::vector<std::string> cookies;  // one `Set-Cookie` header each
};

/// What a log line may say of a request target: its path, without the query (which can hold an
/// OAuth code or state).
std::string loggable_target(const std::string& target);

/// A listening address: `host:port` (port 0: pick a free port, for tests).
struct listen_address {
  std::string host = "127.0.0.1";
  unsigned short port = 0;
};

/// Limits of the server, named with units.
struct server_settings {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;           // 0: pick a free port (tests)
  /// Larger bodies get 413. SPEC §8 allows up to 25 MiB (GitHub's cap on payloads); the issue,
  /// comment and merge events the service processes are tens of KiB.
  std::size_t max_body_bytes = 1u << 20;
  /// Bytes of all request bodies being read at once, over every connection: a request whose
  /// `Content-Length` (reserved when its header arrives) or chunked body (counted as it grows)
  /// does not fit gets 503 with `Retry-After` and is closed. Bodies are read before their
  /// signature can be checked, so this bounds what unauthenticated clients can make it hold.
  std::size_t max_body_bytes_in_flight = 64u << 20;
  /// Of those, what one client address may hold (bytes); 0: max_body_bytes_in_flight /
  /// body_budget_address_share, and never less than max_body_bytes.
  std::size_t max_body_bytes_per_address = 0;
  /// A whole request must arrive within this, from its first byte.
  std::chrono::seconds read_timeout{30};
  /// Connections idle longer are closed (checked every second).
  std::chrono::seconds idle_timeout{60};
  /// Open connections at once. At the limit, a new connection closes the connection that has
  /// waited longest for its next request; when every connection is in a request, the new one is
  /// closed as soon as it is accepted. Memory for requests is bounded by max_connections x 16 KiB
  /// (read buffers) + max_body_bytes_in_flight; a chunk line or trailer is held to
  /// max_header_bytes.
  int max_connections = 1024;
  /// Open connections at once from one client address (IPv4-mapped IPv6 counted as IPv4); one
  /// more is closed as soon as it is accepted. Loopback clients all share 127.0.0.1.
  int max_connections_per_address = 64;
  /// Threads reading, verifying and writing requests. Sessions are not on strands yet: with more
  /// than one, a Beast timeout may run beside its session's completion (keep the default, 1).
  int io_threads = 1;
  /// A second listener with connections of its own (`admin_max_connections`), serving the same
  /// handler: the operator's route to /healthz, /readyz and /metrics while the main listener is
  /// full. None when unset.
  std::optional<listen_address> admin;
};

/// Open connections at once on the admin listener (each address may hold them all).
inline constexpr int admin_max_connections = 16;

/// File descriptors kept, beyond the HTTP connections, for the database connections, the
/// listeners, epoll and the threads' wake-ups, and files. `start` raises the soft RLIMIT_NOFILE to
/// max_connections (+ admin_max_connections) + this, up to the hard limit.
inline constexpr std::size_t reserved_fds = 256;

/// The largest header (request line and fields) read, in bytes; a larger one gets 431.
inline constexpr std::size_t max_header_bytes = 8 * 1024;

/// When accepting fails (no file descriptor left, no memory), the accept loop waits this long
/// before trying again, doubling up to `accept_retry_max`, instead of retrying at once.
inline constexpr std::chrono::milliseconds accept_retry_initial{100};
inline constexpr std::chrono::milliseconds accept_retry_max{1000};
/// How the wait grows from one failed accept to the next.
inline constexpr int accept_retry_factor = 2;

/// By default one client address may hold 1/`body_budget_address_share` of
/// max_body_bytes_in_flight (but always one body of max_body_bytes): with the defaults 16 MiB, so
/// it takes four hosts, not one, to have every other delivery answered 503 with stalled bodies.
inline constexpr std::size_t body_budget_address_share = 4;

/// `Retry-After` of a 503 for a body that does not fit in max_body_bytes_in_flight.
inline constexpr std::chrono::seconds busy_retry_after{5};

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
  /// Raises the soft RLIMIT_NOFILE to what the connection limits need (up to the hard limit),
  /// binds and starts serving in background threads. Throws std::runtime_error, naming
  /// BOUNTYBOT_MAX_CONNECTIONS and `ulimit -n`, if the hard limit is too low, or if an address
  /// cannot be bound.
  void start();
  /// Stops accepting, closes connections, joins the threads.
  void stop();
  /// The bound port (after start).
  unsigned short port() const;
  /// The admin listener's bound port (after start); 0 without one.
  unsigned short admin_port() const;

 private:
  struct impl;
  std::shared_ptr<impl> impl_;  // shared with the sinks of requests in flight
};

}  // namespace bountybot::web
