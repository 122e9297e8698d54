#include "adapters/json_util.hpp"

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

}  // namespace bountybot::adapters
