#include "escrow/inert.hpp"

#include <algorithm>
#include <cstdint>

namespace bountybot {

bool has_control_chars(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; });
}

std::string xml_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
  return out;
}

bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t extra = b < 0x80 ? 0 : (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : 4;
    if (extra == 4 || i + extra >= text.size() + (extra == 0 ? 1 : 0)) return false;
    std::uint32_t c = extra == 0 ? b : b & (0x7fu >> (extra + 1));
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto cont = static_cast<unsigned char>(text[i + k]);
      if ((cont & 0xc0) != 0x80) return false;
      c = (c << 6) | (cont & 0x3fu);
    }
    constexpr std::uint32_t smallest[] = {0, 0x80, 0x800, 0x10000};
    if (c < smallest[extra] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return false;
    i += extra + 1;
  }
  return true;
}

std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  std::size_t n = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the sequence that was cut.
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return text.substr(0, n);
}

std::string inline_code(std::string_view text, std::size_t max_chars) {
  const auto kept = utf8_prefix(text, max_chars);
  std::string content(kept);
  for (auto& c : content) {
    if ((static_cast<unsigned char>(c) < 0x20) || c == 0x7f) c = ' ';
  }
  std::size_t longest = 0, run = 0;
  for (char c : content) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = content.empty() || content.front() == '`' || content.back() == '`' || content.front() == ' ' ||
                   content.back() == ' ';
  std::string out = fence + (pad ? " " : "") + content + (pad ? " " : "") + fence;
  if (kept.size() < text.size()) out += "…";
  return out;
}

std::string table_cell_code(std::string_view text, std::size_t max_chars) {
  std::string out;
  for (char c : inline_code(text, max_chars)) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace bountybot
