// libFuzzer target: GitLab payload translation. Any JSON either translates or raises
// payload_error; nothing else escapes, nothing crashes.
#include "adapters/gitlab/events.hpp"
#include "adapters/json_util.hpp"

#include <boost/json.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static const char* events[] = {"Note Hook", "Issue Hook", "Merge Request Hook", "Emoji Hook"};
  const char* event = events[data[0] % 4];
  boost::system::error_code ec;
  const auto payload = boost::json::parse(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), ec);
  if (ec) return 0;
  try {
    bountybot::gitlab::translate(event, payload, {"bot"});
  } catch (const bountybot::adapters::payload_error&) {
  }
  return 0;
}
