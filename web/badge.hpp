#pragma once
/// The bounty badge (SPEC §15): a shields.io-style flat SVG, "bounty | $350", its text widths from
/// DejaVu Sans's advance widths (a table generated at build time with FreeType from Debian's
/// fonts-dejavu-core; tools/font_widths.cpp). Pure.
#include "bot/bounty.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bountybot::web {

namespace font {
/// One character's advance width in font units.
struct glyph_width {
  unsigned code_point;
  int advance;
};
extern const int units_per_em;
extern const glyph_width widths[];
extern const std::size_t width_count;
}  // namespace font

/// The badge's font size, pixels (shields.io's flat style: 11 px Verdana; DejaVu Sans is its
/// metric-alike on Debian).
inline constexpr int badge_font_px = 11;
/// Padding on each side of each half's text, pixels.
inline constexpr int badge_padding_px = 5;
/// How long caches may keep a badge, seconds (SPEC §15: `Cache-Control: max-age=300`).
inline constexpr int badge_max_age_seconds = 300;

/// The width of `text` (UTF-8) at `px` pixels, in pixels: the sum of its characters' advance
/// widths, no kerning; a character the table lacks counts as wide as "M"; bytes that are not
/// UTF-8 count as such a character each.
[[nodiscard]] double text_width_px(std::string_view text, int px = badge_font_px);

/// The amount a badge shows: without cents when whole ("$350", "€1,200"), else as
/// `escrow::format_money` writes it ("$350.50", "12.500 KWD").
[[nodiscard]] std::string badge_amount(std::int64_t minor, std::string_view currency);

/// The colour of a badge for a bounty in `state` (hex): open blue, accepted and voting green,
/// completed bright green, cancelled and expired grey.
[[nodiscard]] std::string_view badge_color(bot::bounty_state state);

/// The SVG of a badge `label | message` with the right half in `color` (#rrggbb): valid XML with
/// `role="img"`, `aria-label` and `<title>`, every text escaped.
[[nodiscard]] std::string render_badge(std::string_view label, std::string_view message, std::string_view color);

/// The badge of a bounty: "bounty | $350" (held), or the state while no money is pledged; colour by
/// state.
[[nodiscard]] std::string bounty_badge(bot::bounty_state state, const std::optional<std::string>& currency,
                                       std::int64_t held_minor);

}  // namespace bountybot::web
