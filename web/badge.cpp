#include "web/badge.hpp"

#include "escrow/inert.hpp"
#include "escrow/money.hpp"

#include <algorithm>
#include <cmath>

namespace bountybot::web {
namespace {

int advance_of(unsigned code_point) {
  const auto* end = font::widths + font::width_count;
  const auto* it = std::lower_bound(font::widths, end, code_point,
                                    [](const font::glyph_width& g, unsigned c) { return g.code_point < c; });
  if (it != end && it->code_point == code_point) return it->advance;
  return code_point == 'M' ? 0 : advance_of('M');
}

// The next code point of UTF-8 `s` at `i` (advancing `i`); a byte that starts no valid sequence
// is read as U+FFFD and skipped alone.
unsigned next_code_point(std::string_view s, std::size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  const std::size_t extra = b < 0x80 ? 0 : (b & 0xe0) == 0xc0 ? 1 : (b & 0xf0) == 0xe0 ? 2 : (b & 0xf8) == 0xf0 ? 3 : 4;
  if (extra == 0 || extra == 4 || i + extra >= s.size()) {
    ++i;
    return extra == 0 ? b : 0xfffdu;
  }
  unsigned c = b & (0x7fu >> (extra + 1));
  for (std::size_t k = 1; k <= extra; ++k) {
    const auto cont = static_cast<unsigned char>(s[i + k]);
    if ((cont & 0xc0) != 0x80) {
      ++i;
      return 0xfffdu;
    }
    c = (c << 6) | (cont & 0x3fu);
  }
  i += extra + 1;
  return c;
}

// A pixel figure with one decimal, as SVG coordinates are written.
std::string px(double v) {
  const auto tenths = static_cast<long long>(std::lround(v * 10));
  return std::to_string(tenths / 10) + (tenths % 10 == 0 ? "" : "." + std::to_string(tenths % 10));
}

}  // namespace

double text_width_px(std::string_view text, int size_px) {
  long long units = 0;
  for (std::size_t i = 0; i < text.size();) units += advance_of(next_code_point(text, i));
  return static_cast<double>(units) * size_px / font::units_per_em;
}

std::string badge_amount(std::int64_t minor, std::string_view currency) {
  const auto* c = escrow::find_currency(currency);
  auto text = escrow::format_money(minor, currency);
  if (c == nullptr || c->exponent == 0 || minor % escrow::minor_per_unit(*c) != 0) return text;
  // "$350.00" -> "$350"; "12.000 KWD" -> "12 KWD": the fraction's digits and its point go.
  const auto point = text.rfind('.');
  if (point == std::string::npos) return text;
  return text.erase(point, static_cast<std::size_t>(c->exponent) + 1);
}

std::string_view badge_color(bot::bounty_state state) {
  switch (state) {
    case bot::bounty_state::open: return "#007ec6";
    case bot::bounty_state::accepted:
    case bot::bounty_state::voting: return "#97ca00";
    case bot::bounty_state::completed: return "#44cc11";
    case bot::bounty_state::cancelled:
    case bot::bounty_state::expired: return "#9f9f9f";
  }
  return "#9f9f9f";
}

std::string render_badge(std::string_view label, std::string_view message, std::string_view color) {
  const double left = std::ceil(text_width_px(label)) + 2 * badge_padding_px;
  const double right = std::ceil(text_width_px(message)) + 2 * badge_padding_px;
  const double width = left + right;
  const auto l = xml_escaped(label), m = xml_escaped(message);
  const auto aria = l + ": " + m;
  std::string svg;
  svg += R"(<svg xmlns="http://www.w3.org/2000/svg" width=")" + px(width) + R"(" height="20" role="img" aria-label=")" +
         aria + R"(">)";
  svg += "<title>" + aria + "</title>";
  svg += R"(<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/>)"
         R"(<stop offset="1" stop-opacity=".1"/></linearGradient>)";
  svg += R"(<clipPath id="r"><rect width=")" + px(width) + R"(" height="20" rx="3" fill="#fff"/></clipPath>)";
  svg += R"~(<g clip-path="url(#r)"><rect width=")~" + px(left) + R"(" height="20" fill="#555"/><rect x=")" + px(left) +
         R"(" width=")" + px(right) + R"(" height="20" fill=")" + xml_escaped(color) + R"("/><rect width=")" + px(width) +
         R"~(" height="20" fill="url(#s)"/></g>)~";
  svg += R"(<g fill="#fff" text-anchor="middle" font-family="DejaVu Sans,Verdana,Geneva,sans-serif" font-size=")" +
         std::to_string(badge_font_px) + R"(">)";
  for (const auto& [x, text] : {std::pair{left / 2, l}, std::pair{left + right / 2, m}}) {
    svg += R"(<text x=")" + px(x) + R"(" y="15" fill="#010101" fill-opacity=".3" aria-hidden="true">)" + text + "</text>";
    svg += R"(<text x=")" + px(x) + R"(" y="14">)" + text + "</text>";
  }
  return svg + "</g></svg>\n";
}

std::string bounty_badge(bot::bounty_state state, const std::optional<std::string>& currency, std::int64_t held_minor) {
  const auto message = currency ? badge_amount(held_minor, *currency) : std::string(bot::to_string(state));
  return render_badge("bounty", message, badge_color(state));
}

}  // namespace bountybot::web
