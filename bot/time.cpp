#include "bot/time.hpp"

#include "escrow/inert.hpp"

#include <charconv>
#include <cstdio>

namespace bountybot::bot {
namespace {

bool read_int(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return true;
}

problem date_problem(std::string_view text) {
  return make_problem(problem_code::date, inline_code(text) +
                                  " is not a date; write `YYYY-MM-DD` or an RFC 3339 time like `2027-01-31T18:00:00Z`");
}

}  // namespace

result<utc_time> parse_deadline(std::string_view text) {
  using namespace std::chrono;
  int y = 0, mo = 0, d = 0;
  if (!read_int(text, 0, 4, y) || text.size() < 10 || text[4] != '-' || !read_int(text, 5, 2, mo) ||
      text[7] != '-' || !read_int(text, 8, 2, d)) {
    return date_problem(text);
  }
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return date_problem(text);
  const sys_days day_start{ymd};
  if (text.size() == 10) return utc_time{day_start + days{1}};
  int hh = 0, mm = 0, ss = 0;
  if ((text[10] != 'T' && text[10] != 't' && text[10] != ' ') || !read_int(text, 11, 2, hh) || text.size() < 19 ||
      text[13] != ':' || !read_int(text, 14, 2, mm) || text[16] != ':' || !read_int(text, 17, 2, ss) || hh > 23 ||
      mm > 59 || ss > 60) {
    return date_problem(text);
  }
  std::size_t pos = 19;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') ++pos;
    if (pos == start) return date_problem(text);
  }
  seconds offset{0};
  const std::string_view zone = text.substr(pos);
  if (zone == "Z" || zone == "z") {
    // UTC
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
    int oh = 0, om = 0;
    if (!read_int(zone, 1, 2, oh) || !read_int(zone, 4, 2, om) || oh > 23 || om > 59) return date_problem(text);
    offset = hours{oh} + minutes{om};
    if (zone[0] == '-') offset = -offset;
  } else {
    return date_problem(text);
  }
  return utc_time{day_start + hours{hh} + minutes{mm} + seconds{ss} - offset};
}

std::string format_rfc3339(utc_time t) {
  using namespace std::chrono;
  const auto day_start = floor<days>(t);
  const year_month_day ymd{day_start};
  const hh_mm_ss hms{t - day_start};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string format_date(utc_time t) { return format_rfc3339(t).substr(0, 10); }

result<std::chrono::seconds> parse_duration(std::string_view text) {
  auto bad = [&] {
    return make_problem(problem_code::duration, inline_code(text) + " is not a duration; write `30s`, `15m`, `2h` or `7d`");
  };
  if (text.size() < 2) return bad();
  long long n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc{} || ptr != text.data() + text.size() - 1 || n <= 0 || n > 3650LL * 86400) return bad();
  switch (text.back()) {
    case 's': return std::chrono::seconds{n};
    case 'm': return std::chrono::seconds{n * 60};
    case 'h': return std::chrono::seconds{n * 3600};
    case 'd': return std::chrono::seconds{n * 86400};
    default: return bad();
  }
}

}  // namespace bountybot::bot
