// The HTTP server's limits (web/server.*), over loopback against a handler that answers at
// once: malformed requests, connections per address and under pressure, the admin listener, the
// budget of bodies in flight, and running out of file descriptors. Raw sockets play the clients
// that misbehave. All clients come from 127.0.0.1, so each test sets the per-address limit.
#include "web/server.hpp"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace bountybot::web {
namespace {

using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

const std::string get_healthz = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";

// A client socket to 127.0.0.1:port that sends raw bytes and reads raw answers.
class raw_client {
 public:
  explicit raw_client(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect failed");
    }
  }
  ~raw_client() { ::close(fd_); }
  raw_client(const raw_client&) = delete;
  raw_client& operator=(const raw_client&) = delete;

  /// Sends all of `bytes`; false if the connection broke first.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  /// One answer (header and Content-Length body) arriving within `timeout`; empty if none did.
  std::string read_answer(std::chrono::milliseconds timeout = 3s) {
    const auto deadline = clock_type::now() + timeout;
    for (;;) {
      const auto end = pending_.find("\r\n\r\n");
      if (end != std::string::npos) {
        const auto length = content_length(pending_.substr(0, end));
        if (pending_.size() >= end + 4 + length) {
          auto answer = pending_.substr(0, end + 4 + length);
          pending_.erase(0, answer.size());
          return answer;
        }
      }
      if (!receive_until(deadline)) return {};
    }
  }

  /// True if the server closes the connection (end of stream or reset) within `timeout`;
  /// bytes arriving meanwhile are kept for read_answer.
  bool closed_by_server(std::chrono::milliseconds timeout) {
    const auto deadline = clock_type::now() + timeout;
    while (clock_type::now() < deadline) {
      if (!receive_until(deadline)) return closed_;
    }
    return false;
  }

 private:
  static std::size_t content_length(std::string header) {
    for (auto& c : header) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const auto at = header.find("\r\ncontent-length:");
    return at == std::string::npos ? 0 : std::stoul(header.substr(at + 17));
  }

  // Reads what arrives before `deadline`; false on end of stream, reset or timeout.
  bool receive_until(clock_type::time_point deadline) {
    if (closed_) return false;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
    pollfd p{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char chunk[16384];
    const auto n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    pending_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  std::string pending_;
  bool closed_ = false;
};

// Answers every request at once with its method, target and body size.
void echo(http_request request, reply_sink reply) {
  reply({200, "text/plain; charset=utf-8", request.method + " " + request.target + " " + std::to_string(request.body.size()), {}});
}

server_settings test_settings() {
  server_settings s;
  s.port = 0;
  s.read_timeout = 5s;
  s.idle_timeout = 30s;
  s.max_connections = 64;
  s.max_connections_per_address = 64;
  return s;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = clock_type::now() + timeout;
  while (clock_type::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return condition();
}

std::string post_header(std::size_t content_length) {
  return "POST /webhooks/github HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

std::string chunk(const std::string& data) {
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  return size + data + "\r\n";
}

long long resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  long long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * ::sysconf(_SC_PAGESIZE);
}

std::chrono::microseconds cpu_time() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return std::chrono::seconds(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         std::chrono::microseconds(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

TEST(ServerRequests, KeepAliveAndPipelinedRequestsAreAnswered) {
  http_server server(test_settings(), echo);
  server.start();
  raw_client c(server.port());
  ASSERT_TRUE(c.send(get_healthz));
  EXPECT_TRUE(c.read_answer().ends_with("GET /healthz 0"));
  // Two requests in one write, the second with a body that arrives in two pieces.
  ASSERT_TRUE(c.send(get_healthz + post_header(10) + "01234"));
  EXPECT_TRUE(c.read_answer().ends_with("GET /healthz 0"));
  ASSERT_TRUE(c.send("56789"));
  EXPECT_TRUE(c.read_answer().ends_with("POST /webhooks/github 10"));
  ASSERT_TRUE(c.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk("abc") + chunk("de") + "0\r\n\r\n"));
  EXPECT_TRUE(c.read_answer().ends_with("POST /c 5"));
  EXPECT_FALSE(c.closed_by_server(100ms));
}

TEST(ServerRequests, ClientsCompetingForFewConnectionsOnTwoThreadsGetWholeAnswersOrAClose) {
  auto s = test_settings();
  s.io_threads = 2;
  s.max_connections = 6;
  http_server server(s, echo);
  server.start();
  std::atomic<int> answered{0}, wrong{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 12; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 40; ++i) {
        try {
          raw_client c(server.port());
          const auto target = "/t" + std::to_string(t) + "-" + std::to_string(i);
          if (i % 3 == 0) std::this_thread::sleep_for(2ms);  // idle a moment: may be closed to make room
          if (!c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n")) continue;
          const auto answer = c.read_answer(2s);
          if (answer.empty()) continue;  // closed: refused, or made room for another
          if (answer.ends_with("GET " + target + " 0")) ++answered;
          else ++wrong;
        } catch (const std::exception&) {
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(answered, 0);
  raw_client after(server.port());
  ASSERT_TRUE(after.send(get_healthz));
  EXPECT_TRUE(after.read_answer().starts_with("HTTP/1.1 200 "));
}

TEST(ServerMalformed, EachMalformedRequestIsAnsweredWithItsStatusAndClosed) {
  http_server server(test_settings(), echo);
  server.start();
  struct example {
    const char* what;
    std::string bytes;
    std::string status;
  };
  const std::vector<example> examples{
      {"not HTTP", "HELLO THERE\r\n\r\n", "400"},
      {"a bad version", "GET / HTTP/2.5\r\nHost: x\r\n\r\n", "400"},
      {"conflicting Content-Length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "400"},
      {"a Content-Length that is no number", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\nhello", "400"},
      {"Content-Length then Transfer-Encoding",
       "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "400"},
      {"Transfer-Encoding then Content-Length",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", "400"},
      {"a Transfer-Encoding that does not end with chunked",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
      {"a bad chunk size", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n", "400"},
      {"a control character in a field", std::string("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x01") + "b\r\n\r\n", "400"},
      {"a space in a field name", "GET / HTTP/1.1\r\nHost: x\r\nX A: b\r\n\r\n", "400"},
      {"a header over the limit", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(max_header_bytes + 100, 'a') + "\r\n\r\n",
       "431"},
      {"a body over the limit", post_header((1u << 20) + 1), "413"},
      // Beast bounds neither a chunk line nor the trailer: without a limit of their own, one
      // connection's buffer grew with every byte sent.
      {"a chunk extension that never ends",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1;a=" + std::string(4 * max_header_bytes, 'a'), "431"},
      {"a trailer that never ends",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-T: " +
           std::string(4 * max_header_bytes, 'a'), "431"},
      {"a trailer field (it would join the header after a proxy checked it)",
       "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\nX-Hub-Signature-256: sha256=00\r\n\r\n",
       "400"},
  };
  for (const auto& e : examples) {
    raw_client c(server.port());
    ASSERT_TRUE(c.send(e.bytes)) << e.what;
    const auto answer = c.read_answer();
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 " + e.status + " ")) << e.what << ": " << answer;
    EXPECT_NE(answer.find("\r\nConnection: close\r\n"), std::string::npos) << e.what << ": " << answer;
    EXPECT_TRUE(c.closed_by_server(3s)) << e.what;
  }
  raw_client good(server.port());
  ASSERT_TRUE(good.send(get_healthz));
  EXPECT_TRUE(good.read_answer().starts_with("HTTP/1.1 200 "));
}

// RFC 9112 §6.1: a server that answers an HTTP/1.0 request with Transfer-Encoding closes the
// connection after the answer; otherwise what follows could be read as another request.
TEST(ServerMalformed, AnHttp10RequestWithTransferEncodingClosesAfterItsAnswer) {
  http_server server(test_settings(), echo);
  server.start();
  raw_client c(server.port());
  ASSERT_TRUE(c.send("POST /a HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n"
                     "1\r\nx\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"));
  const auto answer = c.read_answer();
  EXPECT_TRUE(answer.ends_with("POST /a 1")) << answer;
  EXPECT_TRUE(c.closed_by_server(3s));
}

TEST(ServerConnections, OneAddressHoldsNoMoreThanItsLimit) {
  auto s = test_settings();
  s.max_connections_per_address = 4;
  http_server server(s, echo);
  server.start();
  std::vector<std::unique_ptr<raw_client>> held;
  for (int i = 0; i < 4; ++i) held.push_back(std::make_unique<raw_client>(server.port()));
  raw_client extra(server.port());
  EXPECT_TRUE(extra.closed_by_server(2s)) << "a fifth connection from one address is closed";
  for (auto& c : held) {
    ASSERT_TRUE(c->send(get_healthz));
    EXPECT_TRUE(c->read_answer().starts_with("HTTP/1.1 200 ")) << "the four others still work";
  }
  held.pop_back();
  EXPECT_TRUE(eventually([&] {
    raw_client again(server.port());
    return again.send(get_healthz) && again.read_answer(500ms).starts_with("HTTP/1.1 200 ");
  })) << "a slot freed is taken again";
}

TEST(ServerConnections, AtTheLimitTheConnectionIdleLongestMakesRoom) {
  auto s = test_settings();
  s.max_connections = 4;
  http_server server(s, echo);
  server.start();
  raw_client busy(server.port());
  ASSERT_TRUE(busy.send("POST /slow HTTP/1.1\r\nHost: x\r\n"));  // in a request: never closed to make room
  std::vector<std::unique_ptr<raw_client>> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(std::make_unique<raw_client>(server.port()));
    std::this_thread::sleep_for(30ms);  // so that their idle times are in this order
  }
  // Every slot is taken: a new request is still answered, and the connection idle longest goes.
  raw_client first(server.port());
  ASSERT_TRUE(first.send(get_healthz));
  EXPECT_TRUE(first.read_answer().starts_with("HTTP/1.1 200 "));
  EXPECT_TRUE(idle[0]->closed_by_server(2s));
  EXPECT_FALSE(idle[1]->closed_by_server(100ms));
  raw_client second(server.port());
  ASSERT_TRUE(second.send(get_healthz));
  EXPECT_TRUE(second.read_answer().starts_with("HTTP/1.1 200 "));
  EXPECT_TRUE(idle[1]->closed_by_server(2s));
  EXPECT_FALSE(idle[2]->closed_by_server(100ms));
  EXPECT_FALSE(first.closed_by_server(100ms)) << "idle for less time than the third";
  // When every connection is in a request, a new one is closed at once instead.
  ASSERT_TRUE(idle[2]->send("GET /slow HTTP/1.1\r\n"));
  ASSERT_TRUE(first.send("GET /slow HTTP/1.1\r\n"));
  ASSERT_TRUE(second.send("GET /slow HTTP/1.1\r\n"));
  std::this_thread::sleep_for(100ms);
  raw_client refused(server.port());
  EXPECT_TRUE(refused.closed_by_server(2s));
  EXPECT_FALSE(busy.closed_by_server(100ms));
  ASSERT_TRUE(busy.send("Content-Length: 0\r\n\r\n"));
  EXPECT_TRUE(busy.read_answer().ends_with("POST /slow 0"));
}

TEST(ServerConnections, IdleConnectionsAreClosedAfterTheIdleTimeout) {
  auto s = test_settings();
  s.idle_timeout = 1s;
  http_server server(s, echo);
  server.start();
  raw_client never_asked(server.port());
  raw_client asked_once(server.port());
  ASSERT_TRUE(asked_once.send(get_healthz));
  EXPECT_TRUE(asked_once.read_answer().starts_with("HTTP/1.1 200 "));
  raw_client in_a_request(server.port());
  ASSERT_TRUE(in_a_request.send("GET /slow HTTP/1.1\r\n"));  // the read timeout (5 s) applies to it instead
  EXPECT_FALSE(never_asked.closed_by_server(500ms));
  EXPECT_TRUE(never_asked.closed_by_server(3s));
  EXPECT_TRUE(asked_once.closed_by_server(2s));
  EXPECT_FALSE(in_a_request.closed_by_server(100ms));
  ASSERT_TRUE(in_a_request.send("Host: x\r\n\r\n"));
  EXPECT_TRUE(in_a_request.read_answer().ends_with("GET /slow 0"));
}

TEST(ServerConnections, HealthIsAnsweredOnTheAdminListenerWhileTheMainOneIsFull) {
  auto s = test_settings();
  s.max_connections = 2;
  s.admin = listen_address{"127.0.0.1", 0};
  http_server server(s, echo);
  server.start();
  ASSERT_NE(server.admin_port(), 0);
  ASSERT_NE(server.admin_port(), server.port());
  std::vector<std::unique_ptr<raw_client>> stalled;
  for (int i = 0; i < 2; ++i) {
    stalled.push_back(std::make_unique<raw_client>(server.port()));
    ASSERT_TRUE(stalled.back()->send("GET /slow HTTP/1.1\r\n"));
  }
  std::this_thread::sleep_for(100ms);
  raw_client main(server.port());
  EXPECT_TRUE(main.closed_by_server(2s)) << "the main listener is full";
  for (const char* path : {"/healthz", "/metrics"}) {
    raw_client admin(server.admin_port());
    ASSERT_TRUE(admin.send(std::string("GET ") + path + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    EXPECT_TRUE(admin.read_answer().ends_with(std::string("GET ") + path + " 0"));
  }
}

TEST(ServerBodies, BodiesInFlightAreBoundedByTheBudget) {
  constexpr std::size_t mib = 1u << 20;
  auto s = test_settings();
  s.max_body_bytes = 4 * mib;
  s.max_body_bytes_in_flight = 8 * mib;
  s.max_body_bytes_per_address = 8 * mib;  // every client of the test is 127.0.0.1
  http_server server(s, echo);
  server.start();
  const std::string partial(3 * mib, '{');
  const auto before = resident_bytes();
  // Twelve clients announce 4 MiB bodies: two fit in the budget, the others are refused at once.
  std::vector<std::unique_ptr<raw_client>> clients;
  int admitted = 0, refused = 0;
  for (int i = 0; i < 12; ++i) {
    clients.push_back(std::make_unique<raw_client>(server.port()));
    ASSERT_TRUE(clients.back()->send(post_header(4 * mib)));
    const auto answer = clients.back()->read_answer(300ms);
    if (answer.empty()) {
      ++admitted;
      EXPECT_TRUE(clients.back()->send(partial));  // most of the body, then stall
    } else {
      ++refused;
      EXPECT_TRUE(answer.starts_with("HTTP/1.1 503 ")) << answer;
      EXPECT_NE(answer.find("\r\nRetry-After: 5\r\n"), std::string::npos) << answer;
      EXPECT_TRUE(clients.back()->closed_by_server(3s));
    }
  }
  EXPECT_EQ(admitted, 2);
  EXPECT_EQ(refused, 10);
  std::this_thread::sleep_for(300ms);  // the server reads what was sent
  EXPECT_LT(resident_bytes() - before, static_cast<long long>(16 * mib)) << "memory held for bodies stays near the budget";
  // When the stalled bodies go, the budget is free again.
  clients.clear();
  EXPECT_TRUE(eventually([&] {
    raw_client c(server.port());
    return c.send(post_header(4 * mib) + std::string(4 * mib, 'x')) && c.read_answer(1s).ends_with("POST /webhooks/github 4194304");
  }));
}

// With the default share, one host with stalled bodies cannot take the whole budget: others'
// deliveries still get in.
TEST(ServerBodies, OneAddressHoldsAtMostItsShareOfTheBudget) {
  constexpr std::size_t mib = 1u << 20;
  auto s = test_settings();
  s.max_body_bytes = 1 * mib;
  s.max_body_bytes_in_flight = 8 * mib;  // one address: 2 MiB of it
  http_server server(s, echo);
  server.start();
  std::vector<std::unique_ptr<raw_client>> stalled;
  int admitted = 0;
  for (int i = 0; i < 4; ++i) {
    stalled.push_back(std::make_unique<raw_client>(server.port()));
    ASSERT_TRUE(stalled.back()->send(post_header(mib)));
    const auto answer = stalled.back()->read_answer(300ms);
    if (answer.empty()) ++admitted;
    else EXPECT_TRUE(answer.starts_with("HTTP/1.1 503 ")) << answer;
  }
  EXPECT_EQ(admitted, 2);
}

TEST(ServerBodies, AChunkedBodyIsCountedAsItGrows) {
  constexpr std::size_t mib = 1u << 20;
  auto s = test_settings();
  s.max_body_bytes = 8 * mib;
  s.max_body_bytes_in_flight = 8 * mib;
  http_server server(s, echo);
  server.start();
  raw_client large(server.port());
  ASSERT_TRUE(large.send(post_header(6 * mib)));  // reserves 6 MiB and stalls
  EXPECT_TRUE(large.read_answer(200ms).empty());
  raw_client chunked(server.port());
  ASSERT_TRUE(chunked.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  const std::string piece(mib / 2, 'x');
  std::string answer;
  for (int i = 0; i < 16 && answer.empty(); ++i) {
    if (!chunked.send(chunk(piece))) break;
    answer = chunked.read_answer(200ms);
  }
  if (answer.empty()) answer = chunked.read_answer(1s);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 503 ")) << "the chunked body outgrew the 2 MiB left: " << answer;
  large.send(std::string(6 * mib, 'x'));
  EXPECT_TRUE(large.read_answer().ends_with("POST /webhooks/github 6291456"));
  raw_client after(server.port());
  ASSERT_TRUE(after.send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk(std::string(3 * mib, 'y')) +
                         "0\r\n\r\n"));
  EXPECT_TRUE(after.read_answer().ends_with("POST /c 3145728"));
}

// Lowers the soft RLIMIT_NOFILE for a test and puts it back after.
class soft_fd_limit {
 public:
  explicit soft_fd_limit(rlim_t soft) {
    ::getrlimit(RLIMIT_NOFILE, &saved_);
    rlimit lowered = saved_;
    lowered.rlim_cur = soft;
    if (::setrlimit(RLIMIT_NOFILE, &lowered) != 0) throw std::runtime_error("setrlimit");
  }
  ~soft_fd_limit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  const rlimit& saved() const { return saved_; }

 private:
  rlimit saved_{};
};

rlim_t current_soft_limit() {
  rlimit r{};
  ::getrlimit(RLIMIT_NOFILE, &r);
  return r.rlim_cur;
}

TEST(ServerFiles, AcceptWaitsWhileFileDescriptorsRunOutAndServesWhenTheyAreBack) {
  auto s = test_settings();
  s.max_connections = 8;
  http_server server(s, echo);
  server.start();
  std::vector<int> taken;
  std::unique_ptr<raw_client> waiting;
  {
    soft_fd_limit limit(256);
    for (int fd; (fd = ::open("/dev/null", O_RDONLY)) >= 0;) taken.push_back(fd);
    ASSERT_EQ(errno, EMFILE);
    ::close(taken.back());  // one for the client; none is left for the server to accept it with
    taken.pop_back();
    waiting = std::make_unique<raw_client>(server.port());
    const auto cpu_before = cpu_time();
    std::this_thread::sleep_for(1s);
    const auto cpu = cpu_time() - cpu_before;
    EXPECT_LT(cpu, 250ms) << "the accept loop must wait between attempts, not spin: "
                          << std::chrono::duration_cast<std::chrono::milliseconds>(cpu).count() << " ms of CPU in 1 s";
    for (const int fd : taken) ::close(fd);
  }
  ASSERT_TRUE(waiting->send(get_healthz));
  EXPECT_TRUE(waiting->read_answer(3s).starts_with("HTTP/1.1 200 ")) << "the connection is accepted once descriptors are free";
}

TEST(ServerFiles, StartRaisesTheSoftLimitToWhatTheConnectionsNeed) {
  soft_fd_limit limit(300);
  const int connections = 512;
  if (limit.saved().rlim_max != RLIM_INFINITY && limit.saved().rlim_max < connections + reserved_fds) {
    GTEST_SKIP() << "the hard limit is below " << connections + reserved_fds;
  }
  auto s = test_settings();
  s.max_connections = connections;
  http_server server(s, echo);
  server.start();
  EXPECT_GE(current_soft_limit(), connections + reserved_fds);
}

TEST(ServerFiles, StartRefusesWhenTheHardLimitIsTooLowAndSaysWhatToChange) {
  rlimit r{};
  ::getrlimit(RLIMIT_NOFILE, &r);
  if (r.rlim_max == RLIM_INFINITY || r.rlim_max > 10'000'000) GTEST_SKIP() << "no hard limit to exceed";
  auto s = test_settings();
  s.max_connections = static_cast<int>(r.rlim_max - reserved_fds + 1);
  http_server server(s, echo);
  try {
    server.start();
    ADD_FAILURE() << "started with " << s.max_connections << " connections and a hard limit of " << r.rlim_max << " files";
  } catch (const std::runtime_error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("BOUNTYBOT_MAX_CONNECTIONS"), std::string::npos) << message;
    EXPECT_NE(message.find("ulimit -n"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace bountybot::web
