#include "web/server.hpp"

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <spdlog/fmt/fmt.h>
#include <spdlog/spdlog.h>

#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bountybot::web {
namespace asio = boost::asio;

std::string loggable_target(const std::string& target) { return target.substr(0, target.find('?')); }

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

/// Bytes read from a socket at once; each connection's read buffer starts with this much room.
constexpr std::size_t read_buffer_bytes = 16 * 1024;

/// After answering a refused request, the connection reads and drops what the client still
/// sends, for at most this long and this many bytes, before it closes: closing a socket with
/// unread bytes sends a reset, which can destroy the answer before the client has read it
/// (RFC 9112 §9.6, https://www.rfc-editor.org/rfc/rfc9112#section-9.6).
constexpr std::chrono::seconds linger_timeout{1};
constexpr std::size_t linger_max_bytes = 1u << 20;

/// How many times the accept loop looks for the connection idle longest when one must make
/// room: the one it picks may start a request just then, and is then left alone.
constexpr int eviction_attempts = 4;

/// A warning about refusals from one address, or about closing idle connections to make room,
/// is logged at most this often, with the count since the last one.
constexpr std::chrono::seconds pressure_log_interval{60};

/// How often each listener closes the connections idle longer than idle_timeout: a connection
/// idles up to idle_timeout + this.
constexpr std::chrono::seconds idle_sweep_interval{1};

/// `connection::idle_since` of an idle connection the listener closed (to make room, or idle
/// too long).
constexpr std::int64_t closed_idle = -1;

using request_parser = http::request_parser<http::string_body>;
using steady = std::chrono::steady_clock;

http::response<http::string_body> to_response(const http_reply& r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "bountybot");
  res.set(http::field::content_type, r.content_type);
  for (const auto& [k, v] : r.headers) res.set(k, v);
  for (const auto& c : r.cookies) res.insert(http::field::set_cookie, c);
  res.keep_alive(keep_alive);
  res.body() = r.body;
  res.prepare_payload();
  return res;
}

/// How reading one request ended.
enum class read_outcome { request, closed, malformed, header_too_large, body_too_large, busy };

/// The answer to a request refused while it was read; none when the client went away or was
/// too slow (there is no one to answer).
std::optional<http_reply> refusal(read_outcome outcome) {
  const std::string text = "text/plain; charset=utf-8";
  switch (outcome) {
    case read_outcome::malformed: return http_reply{400, text, "malformed request\n", {}};
    case read_outcome::header_too_large: return http_reply{431, text, "header over the limit\n", {}};
    case read_outcome::body_too_large: return http_reply{413, text, "body over the limit\n", {}};
    case read_outcome::busy:
      return http_reply{503, text, "too many request bodies in flight, try again later\n",
                        {{"Retry-After", std::to_string(busy_retry_after.count())}}};
    case read_outcome::request:
    case read_outcome::closed: break;
  }
  return std::nullopt;
}

/// What a parser error means for the client: every error `put` gives is the request's.
read_outcome classify(const beast::error_code& ec) {
  if (ec == http::error::header_limit) return read_outcome::header_too_large;
  if (ec == http::error::body_limit) return read_outcome::body_too_large;
  return read_outcome::malformed;  // the request line, a field, Content-Length, Transfer-Encoding, a chunk
}

/// One open connection, as its listener sees it.
///
/// An idle connection is closed by its listener, never by its own timer: a Beast timer closes
/// the socket's descriptor at once, and the number could be reused by a new connection before
/// the session unregisters. The listener instead claims the connection (`idle_since` from a
/// time to `closed_idle`, which the session's own claim for a request makes fail) and shuts it
/// down, under the registry's lock; the descriptor is closed only in `forget`, under that lock.
/// Beast's timers run only while a connection is in a request, when the listener leaves it be.
struct connection {
  /// While the connection waits for a request: when it began to (steady clock ticks, > 0);
  /// 0 while it is in a request; `closed_idle` once the listener shut it down.
  std::atomic<std::int64_t> idle_since{0};
  int fd = -1;  // for shutdown(2) by the listener; valid while the connection is registered
  asio::ip::address address;
};

/// Logs a warning at most once per pressure_log_interval, with how many were left out.
struct pressure_log {
  steady::time_point last{};
  long long left_out = 0;
  template <class... Args>
  void warn(fmt::format_string<Args...> format, Args&&... args) {
    const auto now = steady::now();
    if (last != steady::time_point{} && now - last < pressure_log_interval) {
      ++left_out;
      return;
    }
    auto line = fmt::format(format, std::forward<Args>(args)...);
    if (left_out > 0) line += fmt::format(" ({} more since the last such warning)", left_out);
    spdlog::warn("{}", line);
    last = now;
    left_out = 0;
  }
};

/// The connections one listener accepted, with their limits. It outlives the io_context, so
/// that a session destroyed with the context still unregisters.
struct registry {
  registry(const char* name, const char* limit, std::size_t max_connections, std::size_t max_per_address)
      : name(name), limit(limit), max_connections(max_connections), max_per_address(max_per_address) {}

  const char* name;   // the variable that sets the listener's address, for logs
  const char* limit;  // what sets max_connections, for logs
  const std::size_t max_connections;
  const std::size_t max_per_address;

  std::mutex mutex;  // guards what follows; taken when a connection opens or closes, and to warn
  std::list<connection> open;
  std::size_t closing = 0;  // connections in `open` the listener shut down, not gone yet
  std::unordered_map<asio::ip::address, std::size_t> per_address;
  std::unordered_map<asio::ip::address, std::size_t> body_bytes_per_address;  // shares of the body budget
  bool full_logged = false;  // one warning per spell of refusals at max_connections
  pressure_log address_log, eviction_log, budget_log;
};

/// A request's share of max_body_bytes_in_flight, given back when it goes. One client address
/// holds at most `address_budget` of it, so that one host cannot take the whole budget with
/// stalled bodies and have every delivery answered 503.
class body_reservation {
 public:
  body_reservation(std::atomic<std::size_t>& in_flight, std::size_t budget, registry& l, const asio::ip::address& address,
                   std::size_t address_budget)
      : in_flight_(in_flight), budget_(budget), l_(l), address_(address), address_budget_(address_budget) {}
  ~body_reservation() {
    if (held_ == 0) return;
    std::lock_guard lock(l_.mutex);
    if (auto it = l_.body_bytes_per_address.find(address_); it != l_.body_bytes_per_address.end()) {
      it->second -= held_;
      if (it->second == 0) l_.body_bytes_per_address.erase(it);
    }
    in_flight_.fetch_sub(held_, std::memory_order_relaxed);
  }
  body_reservation(const body_reservation&) = delete;
  body_reservation& operator=(const body_reservation&) = delete;

  /// Grows the share to `bytes`; false, and the share unchanged, if the budget or this address's
  /// part of it has no room.
  bool grow_to(std::size_t bytes) {
    if (bytes <= held_) return true;
    const auto more = bytes - held_;
    std::lock_guard lock(l_.mutex);
    auto& mine = l_.body_bytes_per_address[address_];
    if (mine + more > address_budget_ || in_flight_.load(std::memory_order_relaxed) + more > budget_) {
      if (mine == 0) l_.body_bytes_per_address.erase(address_);
      return false;
    }
    in_flight_.fetch_add(more, std::memory_order_relaxed);
    mine += more;
    held_ = bytes;
    return true;
  }

 private:
  std::atomic<std::size_t>& in_flight_;
  const std::size_t budget_;
  registry& l_;
  const asio::ip::address address_;
  const std::size_t address_budget_;
  std::size_t held_ = 0;
};

/// Whether a request's body may be read, once its header is: a request whose Transfer-Encoding
/// does not end with `chunked` has no length to rely on and gets 400 (RFC 9112 §6.3; Beast
/// would read it as a request without a body, and its body as the next request). A declared
/// Content-Length is reserved from the budget whole, before any memory is taken for it.
std::optional<read_outcome> admit_body(const request_parser& parser, body_reservation& body) {
  if (!parser.chunked() && parser.get().count(http::field::transfer_encoding) > 0) return read_outcome::malformed;
  if (const auto length = parser.content_length(); length && !body.grow_to(*length)) return read_outcome::busy;
  return std::nullopt;
}

/// A listening socket, and the strand its accept loop runs on (closing it runs there too).
struct listener {
  listener(asio::io_context& ioc, registry& conns) : conns(conns), strand(asio::make_strand(ioc)) {}
  registry& conns;
  asio::strand<asio::io_context::executor_type> strand;
  std::optional<tcp::acceptor> acceptor;
  unsigned short bound_port = 0;
};

/// The client's address, with an IPv4-mapped IPv6 address counted as the IPv4 one.
asio::ip::address client_address(const asio::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6());
  return a;
}

/// Shuts down an idle connection of `l`, unless it started a request meanwhile. `l.mutex` is
/// held, so the connection's descriptor is still its own.
bool close_idle(registry& l, connection& c, std::int64_t since) {
  if (!c.idle_since.compare_exchange_strong(since, closed_idle)) return false;
  ::shutdown(c.fd, SHUT_RDWR);  // its pending read ends with end of stream, on its own thread
  ++l.closing;
  return true;
}

/// Closes the connection of `l` that has waited longest for its next request, if one does.
bool evict_idlest(registry& l) {
  for (int attempt = 0; attempt < eviction_attempts; ++attempt) {
    connection* idlest = nullptr;
    std::int64_t since = 0;
    for (auto& c : l.open) {
      const auto t = c.idle_since.load();
      if (t > 0 && (idlest == nullptr || t < since)) {
        idlest = &c;
        since = t;
      }
    }
    if (idlest == nullptr) return false;
    if (close_idle(l, *idlest, since)) return true;
  }
  return false;
}

/// Closes the connections of `l` that have waited for a request since `oldest` or before.
void close_idle_since(registry& l, std::int64_t oldest) {
  std::lock_guard lock(l.mutex);
  for (auto& c : l.open) {
    const auto t = c.idle_since.load();
    if (t > 0 && t <= oldest) close_idle(l, c, t);
  }
}

/// Registers a newly accepted connection in `l`, or says why it must be closed at once.
std::optional<std::list<connection>::iterator> admit(registry& l, tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return std::nullopt;  // the client is gone already
  const auto address = client_address(endpoint.address());
  std::lock_guard lock(l.mutex);
  if (const auto same = l.per_address.find(address); same != l.per_address.end() && same->second >= l.max_per_address) {
    l.address_log.warn("{}: refusing connections from {}: {} are open (BOUNTYBOT_MAX_CONNECTIONS_PER_ADDRESS)", l.name,
                       address.to_string(), same->second);
    return std::nullopt;
  }
  if (l.open.size() - l.closing >= l.max_connections) {
    if (!evict_idlest(l)) {
      if (!std::exchange(l.full_logged, true)) {
        spdlog::warn("{}: refusing connections: {} are open, each in a request ({})", l.name, l.max_connections, l.limit);
      }
      return std::nullopt;
    }
    l.eviction_log.warn("{}: closing idle keep-alive connections to make room: {} are open ({})", l.name, l.max_connections,
                        l.limit);
  }
  l.full_logged = false;
  ++l.per_address[address];
  l.open.emplace_front();
  l.open.front().fd = socket.native_handle();
  l.open.front().address = address;
  return l.open.begin();
}

/// Unregisters a connection of `l` and closes its socket, in that order under the lock, so
/// that the accept loop never shuts down a descriptor number that was reused meanwhile.
void forget(registry& l, std::list<connection>::iterator conn, beast::tcp_stream& stream) {
  std::lock_guard lock(l.mutex);
  if (conn->idle_since.load() == closed_idle) --l.closing;
  if (const auto n = l.per_address.find(conn->address); n != l.per_address.end() && --n->second == 0) l.per_address.erase(n);
  l.open.erase(conn);
  beast::error_code ignored;
  stream.socket().close(ignored);
}

/// Raises the soft limit of open files (RLIMIT_NOFILE, getrlimit(2)) to `needed`, up to the
/// hard limit; throws, saying what to change, if the hard limit is lower.
void ensure_open_files(std::size_t needed, int max_connections) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) throw std::runtime_error(std::string("getrlimit(RLIMIT_NOFILE): ") + std::strerror(errno));
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed) return;
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    throw std::runtime_error(fmt::format(
        "BOUNTYBOT_MAX_CONNECTIONS={} needs {} open files ({} of them for the database, listeners and files), but the hard limit "
        "is {}: lower BOUNTYBOT_MAX_CONNECTIONS, or raise the limit (`ulimit -n {}` as root before starting, or "
        "LimitNOFILE={} in a systemd unit)",
        max_connections, needed, reserved_fds, limit.rlim_max, needed, needed));
  }
  const auto before = limit.rlim_cur;
  limit.rlim_cur = needed;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    throw std::runtime_error(fmt::format("raising the open-file limit (`ulimit -n`) from {} to {} for BOUNTYBOT_MAX_CONNECTIONS={}: {}",
                                         before, needed, max_connections, std::strerror(errno)));
  }
  spdlog::info("raised the open-file limit from {} to {} for BOUNTYBOT_MAX_CONNECTIONS={}", before, needed, max_connections);
}

}  // namespace

struct http_server::impl : std::enable_shared_from_this<impl> {
  server_settings settings;
  request_handler handler;
  // Declared before the io_context, so that sessions destroyed with it find them.
  std::atomic<int> sessions{0};
  std::atomic<std::size_t> body_bytes_in_flight{0};  // reserved by the requests being read
  std::optional<registry> main_connections, admin_connections;
  asio::io_context ioc;
  std::optional<listener> main, admin;
  std::vector<std::thread> threads;

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
            spdlog::error("{} {}: {}", method, loggable_target(target), e.what());
            sink({500, "text/plain; charset=utf-8", "internal error\n"});
          }
        },
        asio::use_awaitable);
  }

  // Waits for the first bytes of the next request, as a connection its listener may close (idle
  // longer than idle_timeout, or to make room); false if none came, or it was closed meanwhile.
  asio::awaitable<bool> wait_for_request(connection& conn, beast::tcp_stream& stream, beast::flat_buffer& buffer) {
    stream.expires_never();  // before the listener may touch it: see `connection`
    auto since = std::max<std::int64_t>(1, steady::now().time_since_epoch().count());
    conn.idle_since.store(since);
    auto [ec, n] = co_await stream.async_read_some(buffer.prepare(read_buffer_bytes), asio::as_tuple(asio::use_awaitable));
    // Claims the connection for a request, unless the listener took it first.
    if (!conn.idle_since.compare_exchange_strong(since, 0) || ec) co_return false;
    buffer.commit(n);
    co_return true;
  }

  // What one client address may hold of the body budget (server_settings::max_body_bytes_per_address).
  std::size_t address_body_budget() const {
    if (settings.max_body_bytes_per_address != 0) return settings.max_body_bytes_per_address;
    return std::max(settings.max_body_bytes, settings.max_body_bytes_in_flight / body_budget_address_share);
  }

  // Reads one request into `parser`, from what `buffer` holds and then from the stream. The
  // parser stops after the header, so that the body is admitted (`admit_body`) before memory is
  // taken for it; a chunked body is counted against the budget as it grows.
  asio::awaitable<read_outcome> read_request(beast::tcp_stream& stream, beast::flat_buffer& buffer, request_parser& parser,
                                             body_reservation& body) {
    parser.eager(false);
    bool admitted = false;
    std::ptrdiff_t header_fields = 0;
    const auto fields = [&] { return std::distance(parser.get().begin(), parser.get().end()); };
    for (;;) {
      if (buffer.size() > 0) {
        beast::error_code ec;
        buffer.consume(parser.put(buffer.data(), ec));
        if (ec && ec != http::error::need_more) co_return classify(ec);
        if (!admitted && parser.is_header_done()) {
          if (const auto refused = admit_body(parser, body)) co_return *refused;
          admitted = true;
          header_fields = fields();
          parser.eager(true);
          if (!parser.is_done()) continue;  // parse the body bytes already read
        }
        if (parser.chunked() && !body.grow_to(parser.get().body().size())) co_return read_outcome::busy;
        if (parser.is_done()) {
          // Trailer fields would join the header after any proxy in front checked it.
          if (parser.chunked() && fields() != header_fields) co_return read_outcome::malformed;
          co_return read_outcome::request;
        }
        // What the parser left is a chunk line or trailer it is waiting to see end; Beast 1.81
        // bounds neither, so the header's limit applies to them.
        if (admitted && buffer.size() > max_header_bytes) co_return read_outcome::header_too_large;
      }
      auto [ec, n] = co_await stream.async_read_some(buffer.prepare(read_buffer_bytes), asio::as_tuple(asio::use_awaitable));
      if (ec) co_return read_outcome::closed;  // end of stream, reset, or the read timeout
      buffer.commit(n);
    }
  }

  // Answers a request refused while it was read, then closes as RFC 9112 §9.6 asks: half-close,
  // and read what the client still sends for a moment, so that it can read the answer.
  asio::awaitable<void> refuse(beast::tcp_stream& stream, beast::flat_buffer& buffer, const http_reply& reply) {
    auto res = to_response(reply, 11, false);
    stream.expires_after(settings.read_timeout);
    auto [ec, n] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (ec) co_return;
    stream.expires_after(linger_timeout);
    for (std::size_t dropped = 0; dropped < linger_max_bytes;) {
      buffer.clear();
      auto [rec, got] = co_await stream.async_read_some(buffer.prepare(read_buffer_bytes), asio::as_tuple(asio::use_awaitable));
      if (rec) break;
      dropped += got;
    }
  }

  asio::awaitable<void> session(registry& l, std::list<connection>::iterator conn, beast::tcp_stream stream) {
    struct leave {  // counted in by `listen`
      impl& i;
      registry& l;
      std::list<connection>::iterator conn;
      beast::tcp_stream& stream;
      ~leave() {
        forget(l, conn, stream);
        --i.sessions;
      }
    } guard{*this, l, conn, stream};
    // Room for a typical delivery in one read: Beast reads at most what the buffer has free (at
    // least 512 bytes), and an empty buffer would take a 12 KB payload in two dozen reads.
    beast::flat_buffer buffer;
    buffer.reserve(read_buffer_bytes);
    std::optional<http_reply> refused;
    for (;;) {
      request_parser parser;
      parser.header_limit(max_header_bytes);
      parser.body_limit(settings.max_body_bytes);
      // Between requests the connection may idle up to idle_timeout; from its first byte on, a
      // request must arrive whole within read_timeout (a client trickling bytes is cut off).
      if (buffer.size() == 0 && !co_await wait_for_request(*conn, stream, buffer)) break;
      stream.expires_after(settings.read_timeout);
      body_reservation body(body_bytes_in_flight, settings.max_body_bytes_in_flight, l, conn->address, address_body_budget());
      const auto outcome = co_await read_request(stream, buffer, parser, body);
      if (outcome != read_outcome::request) {
        if (outcome == read_outcome::busy) {
          std::lock_guard lock(l.mutex);
          l.budget_log.warn("{}: answering 503 to a request body: the bodies being read hold the {} bytes of "
                            "BOUNTYBOT_MAX_BODY_BYTES_IN_FLIGHT",
                            l.name, settings.max_body_bytes_in_flight);
        }
        refused = refusal(outcome);
        break;
      }
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
      // HTTP/1.0 with Transfer-Encoding: the connection closes after the answer (RFC 9112 §6.1).
      const bool keep_alive = req.keep_alive() && !(req.version() < 11 && req.chunked());
      const auto reply = co_await answer(std::move(in));
      auto res = to_response(reply, req.version(), keep_alive);
      stream.expires_after(settings.read_timeout);
      auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(asio::use_awaitable));
      if (wec || !keep_alive) break;
    }
    if (refused) {
      co_await refuse(stream, buffer, *refused);
    } else {
      beast::error_code ignored;
      stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  asio::awaitable<void> listen(listener& l) {
    auto retry = accept_retry_initial;
    bool failing = false;  // one warning per spell of failures
    for (;;) {
      auto [ec, socket] = co_await l.acceptor->async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec == asio::error::operation_aborted || !l.acceptor->is_open()) co_return;
      if (ec == asio::error::connection_aborted) continue;  // the client left before it was accepted
      if (ec) {
        // Out of file descriptors (EMFILE, ENFILE) or memory: the connection stays in the backlog
        // and the listener stays ready, so trying again at once would spin on a core.
        if (!std::exchange(failing, true)) {
          spdlog::warn("{}: accepting connections failed ({}); trying again after {} ms, doubling up to {} ms. With too many "
                       "open files, raise `ulimit -n` or lower BOUNTYBOT_MAX_CONNECTIONS",
                       l.conns.name, ec.message(), accept_retry_initial.count(), accept_retry_max.count());
        }
        asio::steady_timer wait(co_await asio::this_coro::executor, retry);
        co_await wait.async_wait(asio::as_tuple(asio::use_awaitable));
        retry = std::min(retry * accept_retry_factor, accept_retry_max);
        continue;
      }
      if (std::exchange(failing, false)) {
        spdlog::info("{}: accepting connections again", l.conns.name);
        retry = accept_retry_initial;
      }
      if (const auto conn = admit(l.conns, socket)) {
        ++sessions;
        asio::co_spawn(ioc, session(l.conns, *conn, beast::tcp_stream(std::move(socket))), asio::detached);
      } else {
        beast::error_code ignored;
        socket.close(ignored);
      }
    }
  }

  // Closes the connections of `l` idle longer than idle_timeout, every idle_sweep_interval.
  asio::awaitable<void> sweep(listener& l) {
    asio::steady_timer tick(co_await asio::this_coro::executor);
    for (;;) {
      tick.expires_after(idle_sweep_interval);
      co_await tick.async_wait(asio::as_tuple(asio::use_awaitable));
      if (!l.acceptor->is_open()) co_return;
      const auto oldest = steady::now() - settings.idle_timeout;
      close_idle_since(l.conns, oldest.time_since_epoch().count());
    }
  }

  void bind(listener& l, const std::string& host, unsigned short port) {
    l.acceptor.emplace(ioc, tcp::endpoint(asio::ip::make_address(host), port));
    l.bound_port = l.acceptor->local_endpoint().port();
  }
};

http_server::http_server(server_settings settings, request_handler handler)
    : impl_(std::make_shared<impl>(std::move(settings), std::move(handler))) {}

http_server::~http_server() { stop(); }

void http_server::start() {
  auto& i = *impl_;
  const auto& s = i.settings;
  const auto connections = static_cast<std::size_t>(std::max(1, s.max_connections));
  ensure_open_files(connections + (s.admin ? admin_max_connections : 0) + reserved_fds, s.max_connections);
  i.main_connections.emplace("BOUNTYBOT_LISTEN", "BOUNTYBOT_MAX_CONNECTIONS", connections,
                             static_cast<std::size_t>(std::max(1, s.max_connections_per_address)));
  i.main.emplace(i.ioc, *i.main_connections);
  i.bind(*i.main, s.host, s.port);
  if (s.admin) {
    // Probes come from few addresses: any one of them may take every admin connection.
    i.admin_connections.emplace("BOUNTYBOT_ADMIN_LISTEN", "the admin listener's limit", admin_max_connections,
                                std::numeric_limits<std::size_t>::max());
    i.admin.emplace(i.ioc, *i.admin_connections);
    i.bind(*i.admin, s.admin->host, s.admin->port);
  }
  for (auto* l : {&i.main, &i.admin}) {
    if (!*l) continue;
    asio::co_spawn((*l)->strand, i.listen(**l), asio::detached);
    asio::co_spawn((*l)->strand, i.sweep(**l), asio::detached);
  }
  for (int t = 0; t < std::max(1, s.io_threads); ++t) i.threads.emplace_back([&i] { i.ioc.run(); });
}

void http_server::stop() {
  auto& i = *impl_;
  if (i.threads.empty()) return;
  for (auto* l : {&i.main, &i.admin}) {
    if (!*l) continue;
    asio::post((*l)->strand, [&acceptor = (*l)->acceptor] {
      beast::error_code ec;
      acceptor->close(ec);
    });
  }
  // Stop accepting, close the connections waiting for a request (nothing is lost: none is in
  // one), then let requests in flight finish, within shutdown_grace. A connection that becomes
  // idle meanwhile is closed at the next poll.
  const auto deadline = std::chrono::steady_clock::now() + shutdown_grace;
  const auto close_idle_now = [&i] {
    for (auto* conns : {&i.main_connections, &i.admin_connections}) {
      if (*conns) close_idle_since(**conns, std::numeric_limits<std::int64_t>::max() - 1);
    }
  };
  close_idle_now();
  while (i.sessions > 0 && std::chrono::steady_clock::now() < deadline) {
    close_idle_now();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // poll of the session count during shutdown
  }
  i.ioc.stop();
  for (auto& t : i.threads) t.join();
  i.threads.clear();
}

unsigned short http_server::port() const { return impl_->main ? impl_->main->bound_port : 0; }

unsigned short http_server::admin_port() const { return impl_->admin ? impl_->admin->bound_port : 0; }

}  // namespace bountybot::web
