#include "adapters/http_client.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url.hpp>

#include <algorithm>

namespace bountybot::adapters {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "::1" || host == "[::1]") return true;
  boost::system::error_code ec;
  const auto addr = asio::ip::make_address(host, ec);
  return !ec && addr.is_loopback();
}

http::verb to_verb(const std::string& method) {
  const auto v = http::string_to_verb(method);
  if (v == http::verb::unknown) throw std::invalid_argument("unknown HTTP method " + method);
  return v;
}

template <class Stream>
asio::awaitable<http_response> exchange(Stream& stream, http::request<http::string_body>& req) {
  co_await http::async_write(stream, req, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(max_response_bytes);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  auto res = parser.release();
  http_response out;
  out.status = res.result_int();
  out.body = std::move(res.body());
  for (const auto& field : res) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    auto [it, fresh] = out.headers.try_emplace(name, std::string(field.value()));
    // A repeated field is one list (RFC 9110 §5.3), except Set-Cookie, which cannot be joined
    // with commas (RFC 6265 §3): its values are kept one a line.
    if (!fresh) it->second += (name == "set-cookie" ? "\n" : ", ") + std::string(field.value());
  }
  co_return out;
}

}  // namespace

http_client::http_client(const std::string& base_url, std::chrono::seconds timeout) : timeout_(timeout) {
  auto parsed = boost::urls::parse_uri(base_url);
  if (!parsed) throw std::invalid_argument("not a URL: " + base_url);
  const std::string scheme(parsed->scheme());
  host_ = std::string(parsed->encoded_host());
  if (host_.size() > 2 && host_.front() == '[') host_ = host_.substr(1, host_.size() - 2);
  tls_ = scheme == "https";
  if (!tls_ && scheme != "http") throw std::invalid_argument("base URL must be https: " + base_url);
  if (!tls_ && !is_loopback_host(host_)) {
    throw std::invalid_argument("plain http is only allowed for a loopback host: " + base_url);
  }
  port_ = parsed->has_port() ? std::string(parsed->port()) : (tls_ ? "443" : "80");
  base_path_ = std::string(parsed->encoded_path());
  while (!base_path_.empty() && base_path_.back() == '/') base_path_.pop_back();
}

http_response http_client::request(const std::string& method, const std::string& target, const std::string& body,
                                   const std::map<std::string, std::string>& headers) const {
  asio::io_context ioc;
  http::request<http::string_body> req{to_verb(method), base_path_ + target, 11};
  req.set(http::field::host, host_);
  req.set(http::field::user_agent, "bountybot/0.1");
  for (const auto& [name, value] : headers) req.set(name, value);
  if (!body.empty()) {
    if (req.find(http::field::content_type) == req.end()) req.set(http::field::content_type, "application/json");
    req.body() = body;
  }
  req.prepare_payload();

  std::exception_ptr failure;
  http_response response;
  auto run = [&]() -> asio::awaitable<void> {
    tcp::resolver resolver(ioc);
    const auto endpoints = co_await resolver.async_resolve(host_, port_, asio::use_awaitable);
    if (!tls_) {
      beast::tcp_stream stream(ioc);
      stream.expires_after(timeout_);
      co_await stream.async_connect(endpoints, asio::use_awaitable);
      response = co_await exchange(stream, req);
      beast::error_code ec;
      stream.socket().shutdown(tcp::socket::shutdown_both, ec);
      co_return;
    }
    ssl::context ctx(ssl::context::tls_client);
    ctx.set_default_verify_paths();
    ctx.set_verify_mode(ssl::verify_peer);
    ctx.set_options(ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    // SNI, and the certificate must name the host (RFC 6125 via OpenSSL's host check).
    if (!SSL_set_tlsext_host_name(stream.native_handle(), host_.c_str())) {
      throw transport_error("cannot set SNI host name " + host_);
    }
    stream.set_verify_callback(ssl::host_name_verification(host_));
    beast::get_lowest_layer(stream).expires_after(timeout_);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
    co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
    response = co_await exchange(stream, req);
    // A peer that closes without close_notify gives stream_truncated; the response is complete
    // already, so that is not an error here (see Beast's http_client_async_ssl example).
    auto [ec] = co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
    (void)ec;
  };
  asio::co_spawn(ioc, run(), [&](std::exception_ptr e) { failure = e; });
  ioc.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const boost::system::system_error& e) {
      throw transport_error(method + " " + host_ + target + ": " + e.code().message());
    } catch (const transport_error&) {
      throw;
    } catch (const std::exception& e) {
      throw transport_error(method + " " + host_ + target + ": " + e.what());
    }
  }
  return response;
}

}  // namespace bountybot::adapters
