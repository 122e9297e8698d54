#include "adapters/json_util.hpp"

#include "bot/commands.hpp"

#include <algorithm>

namespace bountybot::adapters {

const boost::json::value* find(const boost::json::value& root, std::string_view path) {
  const boost::json::value* cur = &root;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    const auto dot = path.find('.', pos);
    const auto key = path.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    const auto* obj = cur->if_object();
    if (obj == nullptr) return nullptr;
    cur = obj->if_contains(key);
    if (cur == nullptr) return nullptr;
    if (dot == std::string_view::npos) break;
    pos = dot + 1;
  }
  return cur;
}

const boost::json::object& object_at(const boost::json::value& root, std::string_view path) {
  const auto* v = find(root, path);
  if (v == nullptr || !v->is_object()) throw payload_error("payload field `" + std::string(path) + "` is not an object");
  return v->get_object();
}

std::string string_at(const boost::json::value& root, std::string_view path) {
  const auto* v = find(root, path);
  if (v == nullptr || !v->is_string()) throw payload_error("payload field `" + std::string(path) + "` is not a string");
  return std::string(v->get_string());
}

std::int64_t int_at(const boost::json::value& root, std::string_view path) {
  const auto* v = find(root, path);
  if (v != nullptr && v->is_int64()) return v->get_int64();
  if (v != nullptr && v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  throw payload_error("payload field `" + std::string(path) + "` is not an integer");
}

std::string string_or(const boost::json::value& root, std::string_view path, std::string fallback) {
  const auto* v = find(root, path);
  if (v == nullptr || !v->is_string()) return fallback;
  return std::string(v->get_string());
}

std::int64_t id_at(const boost::json::value& root, std::string_view path) {
  const auto id = int_at(root, path);
  if (id < 1) throw payload_error("payload field `" + std::string(path) + "` is " + std::to_string(id) + ", not a platform id (>= 1)");
  return id;
}

std::string login_at(const boost::json::value& root, std::string_view path) {
  auto login = string_at(root, path);
  if (!bot::is_login(login)) throw payload_error("payload field `" + std::string(path) + "` is not a login");
  return login;
}

std::string repository_path_at(const boost::json::value& root, std::string_view path) {
  auto full = string_at(root, path);
  const bool ok = !full.empty() && full.size() <= max_repository_path_chars && full.front() != '/' &&
                  full.back() != '/' && std::all_of(full.begin(), full.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                           c == '_' || c == '.' || c == '/';
                  });
  if (!ok) throw payload_error("payload field `" + std::string(path) + "` is not a repository path");
  return full;
}

}  // namespace bountybot::adapters
