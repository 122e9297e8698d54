#include "web/chart.hpp"

#include "escrow/inert.hpp"
#include "escrow/money.hpp"

#include <algorithm>
#include <cstdlib>

namespace bountybot::web {
namespace {

// The plot's margins inside the chart: room for the axis labels.
constexpr int margin_left = 90;
constexpr int margin_right = 16;
constexpr int margin_top = 16;
constexpr int margin_bottom = 36;

std::string num(double v) {
  const auto tenths = static_cast<long long>(v * 10 + (v >= 0 ? 0.5 : -0.5));
  return std::to_string(tenths / 10) + (tenths % 10 == 0 ? "" : "." + std::to_string(std::abs(tenths % 10)));
}

std::string svg_open(std::string_view title, const std::string& desc) {
  return R"(<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 )" + std::to_string(chart_width) + " " +
         std::to_string(chart_height) + R"(" role="img" aria-labelledby="chart-title chart-desc">)" +
         R"(<title id="chart-title">)" + xml_escaped(title) + "</title>" + R"(<desc id="chart-desc">)" + xml_escaped(desc) +
         "</desc>";
}

}  // namespace

std::string render_step_chart(const std::vector<chart_point>& points, std::string_view currency, bot::utc_time until,
                              std::string_view title) {
  if (points.empty()) {
    return svg_open(title, "No money has been held yet.") + R"(<text x="20" y="110">No money has been held yet.</text></svg>)";
  }
  const auto start = points.front().at;
  // The points' times come from the database's clock, `until` from the service's: the x axis
  // reaches whichever is later.
  const auto end = std::max({until, points.back().at, start + std::chrono::seconds{1}});
  std::int64_t top = 0;
  for (const auto& p : points) top = std::max(top, p.minor);
  const auto top_text = escrow::format_money(top, currency);
  const auto last_text = escrow::format_money(points.back().minor, currency);
  // Dates on the x axis; a span under two days also gets the times (UTC).
  const bool short_span = end - start < std::chrono::hours{48};
  const auto label = [&](bot::utc_time t) {
    auto text = bot::format_rfc3339(t);  // 2026-12-04T04:58:00Z
    return short_span ? text.substr(0, 10) + " " + text.substr(11, 5) : text.substr(0, 10);
  };
  const auto desc = std::string(title) + ", " + label(start) + " to " + label(end) +
                    ": at most " + top_text + ", now " + last_text + ".";
  const double plot_w = chart_width - margin_left - margin_right;
  const double plot_h = chart_height - margin_top - margin_bottom;
  const auto x_of = [&](bot::utc_time t) {
    return margin_left + plot_w * static_cast<double>((t - start).count()) / static_cast<double>((end - start).count());
  };
  const auto y_of = [&](std::int64_t v) {
    return margin_top + plot_h - (top == 0 ? 0.0 : plot_h * static_cast<double>(v) / static_cast<double>(top));
  };
  std::string path = "M" + num(x_of(start)) + " " + num(y_of(points.front().minor));
  for (std::size_t i = 1; i < points.size(); ++i) {
    path += " H" + num(x_of(points[i].at)) + " V" + num(y_of(points[i].minor));
  }
  path += " H" + num(x_of(end));
  const auto base = num(margin_top + plot_h);
  const auto left = num(margin_left);
  std::string svg = svg_open(title, desc);
  svg += R"(<g class="axes" stroke="#57606a" stroke-width="1">)";
  svg += "<line x1=\"" + left + "\" y1=\"" + base + "\" x2=\"" + num(margin_left + plot_w) + "\" y2=\"" + base + "\"/>";
  svg += "<line x1=\"" + left + "\" y1=\"" + num(margin_top) + "\" x2=\"" + left + "\" y2=\"" + base + "\"/></g>";
  svg += R"(<g class="labels" font-size="12" fill="#1b1f24">)";
  svg += "<text x=\"" + num(margin_left - 6) + "\" y=\"" + num(margin_top + 4) + "\" text-anchor=\"end\">" +
         xml_escaped(top_text) + "</text>";
  svg += "<text x=\"" + num(margin_left - 6) + "\" y=\"" + base + "\" text-anchor=\"end\">" +
         xml_escaped(escrow::format_money(0, currency)) + "</text>";
  svg += "<text x=\"" + left + "\" y=\"" + num(chart_height - 12) + "\">" + label(start) + "</text>";
  svg += "<text x=\"" + num(margin_left + plot_w) + "\" y=\"" + num(chart_height - 12) + "\" text-anchor=\"end\">" +
         label(end) + "</text>";
  svg += "<text x=\"" + num(margin_left + plot_w / 2) + "\" y=\"" + num(chart_height - 12) +
         "\" text-anchor=\"middle\">held in escrow, " + xml_escaped(currency) + "</text></g>";
  svg += "<path class=\"series\" d=\"" + path + "\" fill=\"none\" stroke=\"#0a5bd3\" stroke-width=\"2\"/>";
  return svg + "</svg>";
}

}  // namespace bountybot::web
