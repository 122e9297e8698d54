#pragma once
/// Small, strict accessors for webhook payloads: a missing or mistyped field raises
/// `payload_error` naming the field, so a malformed delivery fails with a clear message.
#include <boost/json.hpp>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace bountybot::adapters {

/// A delivery whose JSON is well-formed but whose shape is not what the platform documents.
struct payload_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The member at `path` (dot-separated, e.g. "comment.user.id"), or nullptr if absent.
const boost::json::value* find(const boost::json::value& root, std::string_view path);
/// Required members of a given type.
const boost::json::object& object_at(const boost::json::value& root, std::string_view path);
std::string string_at(const boost::json::value& root, std::string_view path);
std::int64_t int_at(const boost::json::value& root, std::string_view path);
/// Optional string: `fallback` when absent or null.
std::string string_or(const boost::json::value& root, std::string_view path, std::string fallback);

}  // namespace bountybot::adapters
