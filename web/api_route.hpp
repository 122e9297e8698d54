#pragma once
/// One route of the service as the modules declare it: method, pattern, auth, refusal format and
/// handler. A module adds a `std::vector<api_route>` to the table in `web/api.cpp`.
#include "web/route_table.hpp"
#include "web/server.hpp"

#include <functional>
#include <string>
#include <variant>

namespace bountybot::web {

/// What a route asks of the caller, checked after its method (a wrong method is 405 first).
enum class route_auth {
  none,
  admin,  // `Authorization: Bearer <admin_token>`, else 401 "admin token required"
};

/// How a route writes its refusals (405, 401): `text` as text/plain, `json` as `{"error": message}`.
enum class refusal_format { text, json };

/// Runs on the io thread and answers through the sink, now or later: it must not block.
using io_handler = std::function<void(const http_request&, const route_params&, reply_sink)>;
/// Runs on the routes' thread pool and may wait on the database; an exception it throws is
/// logged and answered 500.
using blocking_handler = std::function<http_reply(const http_request&, const route_params&)>;

/// One route of the service: `method` and `pattern` as route_table reads them (`pattern` matches
/// the percent-decoded segments of the target's path); the handler's kind says which thread runs it.
struct api_route {
  std::string method;
  std::string pattern;
  route_auth auth = route_auth::none;
  refusal_format refusals = refusal_format::json;
  std::variant<blocking_handler, io_handler> handler;
};

}  // namespace bountybot::web
