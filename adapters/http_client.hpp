#pragma once
/// A small HTTPS client for the platform REST APIs, on Beast: TLS 1.2+ with peer verification
/// against the system CA store and SNI; plain HTTP only for a loopback base URL (tests, local fakes).
/// Every operation has a timeout. Blocking: call it from worker threads, never from the server's.
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>

namespace bountybot::adapters {

struct http_response {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; a repeated field joined by ", " (Set-Cookie: one a line)
  std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

/// The request never got an HTTP answer: DNS, connect, TLS, timeout, or a broken stream.
struct transport_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Upper bound for one whole request (resolve, connect, handshake, write, read).
inline constexpr std::chrono::seconds default_request_timeout{15};
/// Largest response body accepted from a platform API.
inline constexpr std::size_t max_response_bytes = 8 * 1024 * 1024;

class http_client {
 public:
  /// `base_url`: `https://host[:port][/path]`, or `http://` with a loopback host (127.0.0.0/8,
  /// ::1, localhost); anything else throws std::invalid_argument.
  explicit http_client(const std::string& base_url, std::chrono::seconds timeout = default_request_timeout);

  /// Sends `method` `base path + target` with `headers` and a `body` (empty: none), sent as
  /// `application/json` unless `headers` name another `Content-Type`.
  /// Throws transport_error when no HTTP response arrives.
  http_response request(const std::string& method, const std::string& target, const std::string& body,
                        const std::map<std::string, std::string>& headers) const;

  const std::string& host() const { return host_; }

 private:
  bool tls_ = true;
  std::string host_;
  std::string port_;
  std::string base_path_;
  std::chrono::seconds timeout_;
};

}  // namespace bountybot::adapters
