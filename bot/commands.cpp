#include "bot/commands.hpp"

#include "bot/status.hpp"
#include "escrow/inert.hpp"

#include <algorithm>
#include <charconv>
#include <set>

namespace bountybot::bot {
std::string ascii_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
  return out;
}

namespace {

std::string lower(std::string_view s) { return ascii_lower(s); }

std::vector<std::string_view> split_ws(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < s.size()) {
    while (pos < s.size() && (s[pos] == ' ' || s[pos] == '\t')) ++pos;
    std::size_t end = pos;
    while (end < s.size() && s[end] != ' ' && s[end] != '\t') ++end;
    if (end > pos) out.push_back(s.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string join(std::span<const std::string_view> tokens) {
  std::string out;
  for (auto t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

problem usage(std::string message) { return make_problem(problem_code::usage, std::move(message)); }

std::optional<int> parse_percent(std::string_view t) {
  if (t.ends_with('%')) t.remove_suffix(1);
  int v = 0;
  const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc{} || ptr != t.data() + t.size() || v < 1 || v > 100) return std::nullopt;
  return v;
}

result<command> parse_pledge(std::span<const std::string_view> args) {
  command c{command_kind::pledge};
  std::size_t used = 0;
  auto amount = escrow::parse_amount(args, used);
  if (!amount) return amount.error();
  c.amount = *amount;
  args = args.subspan(used);
  if (!args.empty() && lower(args[0]) == "until") {
    if (args.size() < 2) return usage(text_usage_until_needs_date());
    auto when = parse_deadline(args[1]);
    if (!when) return when.error();
    c.until = *when;
    args = args.subspan(2);
  }
  if (!args.empty()) return usage(text_usage_pledge_leftover(join(args)));
  return c;
}

result<command> parse_milestones(std::string_view rest) {
  command c{command_kind::milestones};
  std::set<std::string> names;
  int sum = 0;
  std::size_t pos = 0;
  while (pos <= rest.size()) {
    const auto comma = rest.find(',', pos);
    const auto part = trim(rest.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    const auto tokens = split_ws(part);
    if (tokens.size() < 2) return usage(text_usage_milestone_shape());
    const auto pct = parse_percent(tokens.back());
    if (!pct || !tokens.back().ends_with('%')) return usage(text_usage_milestone_percent(tokens.back()));
    milestone_spec m{join(std::span(tokens).first(tokens.size() - 1)), *pct};
    if (m.name.size() > max_milestone_name_chars) return usage(text_usage_milestone_name_too_long(m.name));
    if (!names.insert(lower(m.name)).second) return usage(text_usage_milestone_twice(m.name));
    sum += m.percent;
    c.milestones.push_back(std::move(m));
    if (c.milestones.size() > max_milestones) return usage(text_usage_too_many_milestones());
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  if (sum != 100) return usage(text_usage_milestone_sum(sum));
  return c;
}

result<command> parse_split(std::span<const std::string_view> args) {
  command c{command_kind::split};
  if (args.empty() || args.size() % 2 != 0) return usage(text_usage_split_shape());
  int sum = 0;
  std::set<std::string> seen;
  for (std::size_t i = 0; i < args.size(); i += 2) {
    if (!args[i].starts_with('@') || !is_login(args[i].substr(1))) return usage(text_usage_split_login(args[i]));
    const auto pct = parse_percent(args[i + 1]);
    if (!pct) return usage(text_usage_split_percent(args[i + 1]));
    split_share s{std::string(args[i].substr(1)), *pct};
    if (!seen.insert(lower(s.login)).second) return usage(text_usage_split_twice(s.login));
    sum += s.percent;
    c.split.push_back(std::move(s));
  }
  if (sum != 100) return usage(text_usage_split_sum(sum));
  return c;
}

result<command> parse_bounty(std::span<const std::string_view> args, std::string_view line) {
  if (args.empty()) return command{command_kind::help};
  const std::string sub = lower(args[0]);
  const auto rest = args.subspan(1);
  auto no_args = [&](command_kind k) -> result<command> {
    if (!rest.empty()) return usage(text_usage_no_arguments(sub));
    return command{k};
  };
  if (sub == "status") return no_args(command_kind::status);
  if (sub == "help") return no_args(command_kind::help);
  if (sub == "cancel") return no_args(command_kind::cancel);
  if (sub == "goal") {
    command c{command_kind::goal};
    if (rest.size() == 1 && lower(rest[0]) == "none") return c;
    std::size_t used = 0;
    auto amount = escrow::parse_amount(rest, used);
    if (!amount) return amount.error();
    if (used != rest.size()) return usage(text_usage_goal_shape());
    c.amount = *amount;
    return c;
  }
  if (sub == "deadline") {
    if (rest.size() != 1) return usage(text_usage_deadline_shape());
    auto when = parse_deadline(rest[0]);
    if (!when) return when.error();
    command c{command_kind::deadline};
    c.until = *when;
    return c;
  }
  if (sub == "milestones") {
    const auto at = lower(line).find("milestones");
    return parse_milestones(trim(line.substr(at + std::string_view("milestones").size())));
  }
  if (sub == "submit") {
    command c{command_kind::submit};
    auto words = rest;
    if (!words.empty() && (words.back().starts_with("https://") || words.back().starts_with("http://"))) {
      if (!is_plain_url(words.back())) return usage(text_usage_submit_url(words.back()));
      c.url = std::string(words.back());
      words = words.first(words.size() - 1);
    }
    c.milestone = join(words);
    if (c.milestone.size() > max_milestone_name_chars) return usage(text_usage_submit_name_too_long());
    return c;
  }
  if (sub == "split") return parse_split(rest);
  return usage(text_usage_unknown_bounty_command(args[0]));
}

// Length of the fence opening this line (``` or ~~~, 3+), or 0.
std::size_t fence_length(std::string_view line, char& fence_char) {
  if (line.size() < 3 || (line[0] != '`' && line[0] != '~')) return 0;
  std::size_t n = 0;
  while (n < line.size() && line[n] == line[0]) ++n;
  if (n < 3) return 0;
  fence_char = line[0];
  return n;
}

}  // namespace

std::vector<command_line> parse_comment(std::string_view body) {
  std::vector<command_line> out;
  char fence_char = 0;
  std::size_t fence_len = 0;  // > 0 while inside a fenced block
  bool in_html_comment = false;
  std::size_t pos = 0;
  while (pos <= body.size() && out.size() < max_commands_per_comment) {
    const auto nl = body.find('\n', pos);
    std::string_view raw = body.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? body.size() + 1 : nl + 1;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);

    if (in_html_comment) {
      if (raw.find("-->") != std::string_view::npos) in_html_comment = false;
      continue;
    }
    // Up to three spaces of indentation; a tab or four spaces make indented code (CommonMark).
    std::size_t indent = 0;
    while (indent < raw.size() && raw[indent] == ' ' && indent < 4) ++indent;
    const bool indented_code = indent >= 4 || (indent < raw.size() && raw[indent] == '\t');
    const std::string_view line = raw.substr(std::min(indent, raw.size()));

    char c = 0;
    if (fence_len > 0) {
      const std::size_t n = fence_length(line, c);
      if (!indented_code && n >= fence_len && c == fence_char && trim(line.substr(n)).empty()) fence_len = 0;
      continue;
    }
    if (!indented_code) {
      if (const std::size_t n = fence_length(line, c); n > 0) {
        fence_len = n;
        fence_char = c;
        continue;
      }
      if (line.starts_with("<!--")) {
        in_html_comment = line.find("-->", 4) == std::string_view::npos;
        continue;
      }
    }
    if (indented_code || !line.starts_with('/')) continue;

    const auto tokens = split_ws(line);
    const std::string word = lower(tokens[0]);
    const auto args = std::span(tokens).subspan(1);
    std::optional<result<command>> parsed;
    if (word == "/pledge") {
      parsed = parse_pledge(args);
    } else if (word == "/support") {
      parsed = args.empty() ? result<command>(command{command_kind::support})
                            : result<command>(usage(text_usage_support_arguments()));
    } else if (word == "/unpledge") {
      parsed = args.empty() ? result<command>(command{command_kind::unpledge})
                            : result<command>(usage(text_usage_unpledge_arguments()));
    } else if (word == "/bounty") {
      parsed = parse_bounty(args, line);
    } else {
      continue;  // not ours: GitLab quick actions and other bots' commands
    }
    if (has_control_chars(line)) {
      parsed = result<command>(usage(text_usage_control_character()));
    }
    out.push_back(command_line{std::string(trim(line)), out.size(), std::move(*parsed)});
  }
  return out;
}

std::vector<std::int64_t> closing_references(std::string_view text, std::string_view repository_path) {
  static const std::set<std::string> keywords = {
      "close", "closes", "closed", "closing", "fix", "fixes", "fixed", "fixing", "resolve", "resolves",
      "resolved", "resolving", "implement", "implements", "implemented", "implementing"};
  const std::string path = lower(repository_path);
  std::vector<std::int64_t> out;
  std::string word;
  // Tokenise on whitespace and commas; a keyword (optionally with a trailing colon) followed by a reference.
  std::vector<std::string> tokens;
  std::string cur;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',') {
      if (!cur.empty()) tokens.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) tokens.push_back(cur);
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    std::string kw = lower(tokens[i]);
    if (!kw.empty() && kw.back() == ':') kw.pop_back();
    if (!keywords.contains(kw)) continue;
    std::string ref = lower(tokens[i + 1]);
    while (!ref.empty() && (ref.back() == '.' || ref.back() == ')' || ref.back() == ';')) ref.pop_back();
    std::string number;
    if (ref.starts_with("#")) {
      number = ref.substr(1);
    } else if (const auto hash = ref.find('#'); hash != std::string::npos && ref.substr(0, hash) == path) {
      number = ref.substr(hash + 1);
    } else if (const auto at = ref.find("/" + path + "/"); at != std::string::npos && ref.starts_with("http")) {
      auto rest = ref.substr(at + path.size() + 2);
      if (rest.starts_with("-/")) rest = rest.substr(2);
      if (rest.starts_with("issues/")) number = rest.substr(7);
    }
    std::int64_t n = 0;
    const auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
    if (!number.empty() && ec == std::errc{} && ptr == number.data() + number.size() && n > 0 &&
        std::find(out.begin(), out.end(), n) == out.end()) {
      out.push_back(n);
    }
  }
  return out;
}

bool is_login(std::string_view login) {
  if (login.size() > max_login_chars) return false;
  static constexpr std::string_view app_suffix = "[bot]";  // GitHub Apps' accounts
  if (login.ends_with(app_suffix)) login.remove_suffix(app_suffix.size());
  return !login.empty() && std::all_of(login.begin(), login.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
  });
}

bool is_plain_url(std::string_view url) {
  if (url.size() > max_url_chars || !(url.starts_with("https://") || url.starts_with("http://"))) return false;
  static constexpr std::string_view allowed = "-._~:/?#@!$&'*+,;=%";
  return std::all_of(url.begin(), url.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           allowed.find(c) != std::string_view::npos;
  });
}

std::string help_text() {
  return "**bountybot commands** (one per line of a comment):\n\n"
         "- `/pledge AMOUNT [until DATE]`: pledge money, e.g. `/pledge $50` or `/pledge 50 EUR until 2027-01-31`; "
         "a second pledge adds to yours\n"
         "- `/pledge 0` or `/support`: say you want this too, without money\n"
         "- `/unpledge`: take back your pledges while the bounty is open\n"
         "- `/bounty status`: refresh the status comment\n"
         "- `/bounty help`: this list\n"
         "- `/bounty goal AMOUNT` or `/bounty goal none` (maintainers): set or remove the funding goal\n"
         "- `/bounty deadline YYYY-MM-DD` (maintainers): set the bounty deadline\n"
         "- `/bounty milestones NAME PCT%, ...` (maintainers): split the bounty into milestones\n"
         "- `/bounty submit [MILESTONE] [URL]`: submit the next milestone for the sponsors' vote\n"
         "- `/bounty split @login PCT ...`: split the next release between solvers\n"
         "- `/bounty cancel` (maintainers): cancel and refund everything unreleased\n";
}

std::string_view to_string(command_kind kind) {
  switch (kind) {
    case command_kind::pledge: return "pledge";
    case command_kind::support: return "support";
    case command_kind::unpledge: return "unpledge";
    case command_kind::status: return "status";
    case command_kind::help: return "help";
    case command_kind::goal: return "goal";
    case command_kind::deadline: return "deadline";
    case command_kind::milestones: return "milestones";
    case command_kind::submit: return "submit";
    case command_kind::split: return "split";
    case command_kind::cancel: return "cancel";
  }
  return "unknown";
}

}  // namespace bountybot::bot
