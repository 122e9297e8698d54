// The bounty badge (SPEC §15): text widths from DejaVu Sans's real metrics (checked against
// FreeType reading the same font), amounts without cents when whole, and valid, accessible SVG.
#include "web/badge.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <gtest/gtest.h>
#include <pugixml.hpp>

namespace bountybot::web {
namespace {

// The width of ASCII `text` at `px` as FreeType reads the font's advances, no kerning.
double freetype_width(const std::string& text, int px) {
  FT_Library lib = nullptr;
  FT_Face face = nullptr;
  EXPECT_EQ(FT_Init_FreeType(&lib), 0);
  EXPECT_EQ(FT_New_Face(lib, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0, &face), 0);
  long units = 0;
  for (unsigned char c : text) {
    EXPECT_EQ(FT_Load_Char(face, c, FT_LOAD_NO_SCALE), 0);
    units += face->glyph->advance.x;
  }
  const double em = face->units_per_EM;
  FT_Done_Face(face);
  FT_Done_FreeType(lib);
  return static_cast<double>(units) * px / em;
}

TEST(BadgeWidths, AreTheFontsOwnAdvanceWidths) {
  for (const std::string text : {"bounty", "$350", "WWW", "iii", "12.500 KWD", "completed"}) {
    EXPECT_NEAR(text_width_px(text), freetype_width(text, badge_font_px), 1e-9) << text;
  }
  EXPECT_GT(text_width_px("WWW"), 2 * text_width_px("iii"));  // a proportional font, not a fixed guess
  EXPECT_GT(text_width_px("bounty"), 30.0);
  EXPECT_LT(text_width_px("bounty"), 45.0);
}

TEST(BadgeWidths, CountUtf8CharactersAndReadBrokenBytesAsWideOnes) {
  EXPECT_NEAR(text_width_px("€50"), text_width_px("€") + text_width_px("50"), 1e-9);
  EXPECT_GT(text_width_px("€"), text_width_px("1") / 2);
  EXPECT_NEAR(text_width_px("¥"), text_width_px("\xc2\xa5"), 1e-9);
  EXPECT_NEAR(text_width_px("\xff"), text_width_px("M"), 1e-9);          // not UTF-8
  EXPECT_NEAR(text_width_px("\xe2\x82"), 2 * text_width_px("M"), 1e-9);  // a cut sequence: two bad bytes
  EXPECT_NEAR(text_width_px("\xe4\xb8\xad"), text_width_px("M"), 1e-9);  // a character the table lacks
  EXPECT_EQ(text_width_px(""), 0.0);
}

TEST(BadgeAmount, DropsTheCentsOnlyWhenWhole) {
  EXPECT_EQ(badge_amount(35000, "USD"), "$350");
  EXPECT_EQ(badge_amount(35050, "USD"), "$350.50");
  EXPECT_EQ(badge_amount(120000000, "USD"), "$1,200,000");
  EXPECT_EQ(badge_amount(5000, "EUR"), "€50");
  EXPECT_EQ(badge_amount(500, "JPY"), "¥500");
  EXPECT_EQ(badge_amount(12000, "KWD"), "12 KWD");
  EXPECT_EQ(badge_amount(12500, "KWD"), "12.500 KWD");
  EXPECT_EQ(badge_amount(0, "USD"), "$0");
}

TEST(Badge, IsValidAccessibleSvgWhoseHalvesFitTheirText) {
  const auto svg = bounty_badge(bot::bounty_state::accepted, std::string("USD"), 35000);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(svg.c_str())) << svg;
  const auto root = doc.child("svg");
  EXPECT_STREQ(root.attribute("role").value(), "img");
  EXPECT_STREQ(root.attribute("aria-label").value(), "bounty: $350");
  EXPECT_STREQ(root.child("title").text().get(), "bounty: $350");
  const auto rects = root.child("g");
  const double left = rects.find_child_by_attribute("rect", "fill", "#555").attribute("width").as_double();
  const double right = rects.find_child_by_attribute("rect", "fill", "#97ca00").attribute("width").as_double();
  EXPECT_DOUBLE_EQ(root.attribute("width").as_double(), left + right);
  EXPECT_GE(left, text_width_px("bounty") + 2 * badge_padding_px);
  EXPECT_GE(right, text_width_px("$350") + 2 * badge_padding_px);
  EXPECT_LT(right, text_width_px("$350") + 2 * badge_padding_px + 1);
}

TEST(Badge, EscapesItsTextAndColoursByState) {
  const auto svg = render_badge("a<b", "x&\"y'", "#007ec6");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(svg.c_str())) << svg;
  EXPECT_STREQ(doc.child("svg").attribute("aria-label").value(), "a<b: x&\"y'");
  EXPECT_EQ(badge_color(bot::bounty_state::open), "#007ec6");
  EXPECT_EQ(badge_color(bot::bounty_state::completed), "#44cc11");
  EXPECT_EQ(badge_color(bot::bounty_state::expired), badge_color(bot::bounty_state::cancelled));
  // No money yet: the state instead of an amount.
  EXPECT_NE(bounty_badge(bot::bounty_state::open, std::nullopt, 0).find("aria-label=\"bounty: open\""), std::string::npos);
}

}  // namespace
}  // namespace bountybot::web
