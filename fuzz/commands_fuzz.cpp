// libFuzzer target: the comment command parser (SPEC §4) must never crash, hang or accept a
// command whose parts are inconsistent, whatever a comment contains.
#include "bot/commands.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const auto lines = bountybot::bot::parse_comment(body);
  if (lines.size() > bountybot::bot::max_commands_per_comment) std::abort();
  for (const auto& line : lines) {
    if (!line.parsed) continue;
    const auto& c = *line.parsed;
    if (c.kind == bountybot::bot::command_kind::milestones) {
      int sum = 0;
      for (const auto& m : c.milestones) sum += m.percent;
      if (sum != 100 || c.milestones.size() > bountybot::bot::max_milestones) std::abort();
    }
    if (c.kind == bountybot::bot::command_kind::split) {
      int sum = 0;
      for (const auto& s : c.split) sum += s.percent;
      if (sum != 100) std::abort();
    }
  }
  bountybot::bot::closing_references(body, "o/r");
  return 0;
}
