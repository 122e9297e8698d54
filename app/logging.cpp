#include "app/logging.hpp"

#include "app/log_context.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <string_view>
#include <utility>

namespace bountybot::app {
namespace {

// `s` as a JSON string body (RFC 8259 §7 escaping).
void append_json_string(std::string_view s, spdlog::memory_buf_t& dest) {
  static constexpr char hex[] = "0123456789abcdef";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      dest.push_back('\\');
      dest.push_back(ch);
    } else if (c == '\n') {
      dest.append(std::string_view("\\n"));
    } else if (c < 0x20) {
      const char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      dest.append(esc, esc + 6);
    } else {
      dest.push_back(ch);
    }
  }
}

// The message, for BOUNTYBOT_LOG_FORMAT=json.
class json_message_flag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    append_json_string(std::string_view(msg.payload.data(), msg.payload.size()), dest);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<json_message_flag>(); }
};

// The thread's log fields (app/log_context.hpp): `,"delivery":"…"` and so on in JSON, ` delivery=…`
// in text. Fields that are not set are left out.
class context_flag final : public spdlog::custom_flag_formatter {
 public:
  explicit context_flag(bool json) : json_(json) {}
  void format(const spdlog::details::log_msg&, const std::tm&, spdlog::memory_buf_t& dest) override {
    const auto& f = current_log_fields();
    for (const auto& [name, value] : {std::pair{"delivery", &f.delivery}, {"issue", &f.issue}, {"command", &f.command}}) {
      if (value->empty()) continue;
      if (json_) {
        dest.append(std::string_view(",\""));
        dest.append(std::string_view(name));
        dest.append(std::string_view("\":\""));
        append_json_string(*value, dest);
        dest.push_back('"');
      } else {
        dest.push_back(' ');
        dest.append(std::string_view(name));
        dest.push_back('=');
        dest.append(*value);
      }
    }
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<context_flag>(json_); }

 private:
  bool json_;
};

}  // namespace

void setup_logging(const config& c) {
  if (c.log_format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<json_message_flag>('*').add_flag<context_flag>('&', true).set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","thread":%t,"message":"%*"%&})");
    spdlog::set_formatter(std::move(formatter));
  } else {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc);
    formatter->add_flag<context_flag>('&', false).set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v%&");
    spdlog::set_formatter(std::move(formatter));
  }
}

}  // namespace bountybot::app
