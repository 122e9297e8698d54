#pragma once
/// Charts drawn on the server as inline SVG (SPEC §15 "funding over time … drawn as a chart"):
/// a step chart of an amount over time, with axes, units and a text alternative. Pure.
#include "bot/time.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bountybot::web {

/// The chart's size in SVG user units (it scales to its container's width).
inline constexpr int chart_width = 600;
inline constexpr int chart_height = 220;  // likewise, its height

/// One point of a series: from `at` on, the amount is `minor` (minor units).
struct chart_point {
  bot::utc_time at;
  std::int64_t minor = 0;
};

/// The SVG of `points` (oldest first) as a step chart in `currency` up to `until`: the y axis
/// from 0 to the largest amount, labelled in the currency; the x axis from the first point to
/// `until`, labelled with dates (UTC; with times when the span is under two days); `title` and a
/// `<desc>` that says in words what the chart
/// shows (first and last date, the largest and the last amount), so it has a text alternative.
/// With no point, a chart that says there is nothing to draw yet.
[[nodiscard]] std::string render_step_chart(const std::vector<chart_point>& points, std::string_view currency,
                                            bot::utc_time until, std::string_view title);

}  // namespace bountybot::web
