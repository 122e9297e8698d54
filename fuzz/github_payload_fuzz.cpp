// libFuzzer target: GitHub payload translation. Any JSON either translates or raises
// payload_error; nothing else escapes, nothing crashes.
#include "adapters/github/events.hpp"
#include "adapters/json_util.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const char* events[] = {"issue_comment", "issues", "pull_request"};
  const char* event = events[data[0] % 3];
  boost::system::error_code ec;
  const auto payload = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), ec);
  if (ec) return 0;
  try {
    bountybot::github::translate(event, payload, {"bot"});
  } catch (const bountybot::adapters::payload_error&) {
  }
  return 0;
}
