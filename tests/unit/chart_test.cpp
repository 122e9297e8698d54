// Charts drawn on the server (SPEC §15): a step chart of an amount over time, valid SVG with
// axes labelled in the currency and dates, and a text alternative saying what it shows.
#include "web/chart.hpp"

#include <gtest/gtest.h>
#include <pugixml.hpp>

namespace bountybot::web {
namespace {

const bot::utc_time t0{std::chrono::seconds{1764806400}};  // 2025-12-04T00:00:00Z

TEST(StepChart, DrawsEachChangeWithAxesUnitsAndAText) {
  const std::vector<chart_point> points = {{t0, 5000}, {t0 + std::chrono::days{3}, 8000}, {t0 + std::chrono::days{5}, 2000}};
  const auto svg = render_step_chart(points, "USD", t0 + std::chrono::days{10}, "Money held in escrow over time");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(svg.c_str())) << svg;
  const auto root = doc.child("svg");
  EXPECT_STREQ(root.attribute("role").value(), "img");
  EXPECT_STREQ(root.child("title").text().get(), "Money held in escrow over time");
  EXPECT_STREQ(root.child("desc").text().get(),
               "Money held in escrow over time, 2025-12-04 to 2025-12-14: at most $80.00, now $20.00.");
  std::vector<std::string> labels;
  for (const auto& t : root.child("g").next_sibling("g").children("text")) labels.emplace_back(t.text().get());
  EXPECT_EQ(labels, (std::vector<std::string>{"$80.00", "$0.00", "2025-12-04", "2025-12-14", "held in escrow, USD"}));
  // One step per change: a horizontal then a vertical segment each, then on to `until`.
  const std::string d = root.find_child_by_attribute("path", "class", "series").attribute("d").value();
  EXPECT_EQ(std::count(d.begin(), d.end(), 'H'), 3);
  EXPECT_EQ(std::count(d.begin(), d.end(), 'V'), 2);
}

TEST(StepChart, ShortSpansShowTimesAndNoPointsSaySo) {
  const auto svg = render_step_chart({{t0, 100}}, "EUR", t0 + std::chrono::hours{5}, "Held");
  EXPECT_NE(svg.find("2025-12-04 00:00 to 2025-12-04 05:00"), std::string::npos) << svg;
  const auto empty = render_step_chart({}, "USD", t0, "Held");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(empty.c_str())) << empty;
  EXPECT_STREQ(doc.child("svg").child("desc").text().get(), "No money has been held yet.");
}

}  // namespace
}  // namespace bountybot::web
