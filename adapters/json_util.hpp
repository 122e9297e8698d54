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

/// A platform id (user, repository, project, comment, note) or an issue number: an integer of at
/// least 1. Zero and negative values never name anything on GitHub or GitLab, so they raise
/// `payload_error` rather than create bounties and pledges that could never be funded.
std::int64_t id_at(const boost::json::value& root, std::string_view path);

/// The longest repository path accepted (bytes): GitHub `owner/name` is at most 39 + 1 + 100;
/// GitLab allows 20 levels of groups of up to 255 characters, far beyond real projects.
inline constexpr std::size_t max_repository_path_chars = 1024;

/// A repository's full path (`owner/name`, `group/sub/name`): 1 to `max_repository_path_chars`
/// of `A-Z a-z 0-9 - _ .` and `/`, as both platforms allow in paths; anything else raises
/// `payload_error` (paths are stored and shown in the bot's comments).
std::string repository_path_at(const boost::json::value& root, std::string_view path);

/// A login (`bot::is_login`: platform login characters, at most `bot::max_login_chars`);
/// anything else (spaces, control characters, Markdown) raises `payload_error`, because logins
/// are repeated in the bot's comments.
std::string login_at(const boost::json::value& root, std::string_view path);

}  // namespace bountybot::adapters
