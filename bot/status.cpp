#include "bot/status.hpp"

namespace bountybot::bot {

std::string render_status(const issue_ref& issue, const bounty& b, const std::vector<pledge>& pledges) {
  const auto t = totals(pledges);
  const std::string currency = b.currency.value_or("");
  auto money = [&](std::int64_t minor) {
    return currency.empty() ? std::string("nothing yet") : escrow::format_money(minor, currency);
  };
  std::string s(own_comment_marker);
  s += "\n### Bounty: " + money(t.held_minor) + " in escrow\n\n";
  s += "| | |\n|---|---|\n";
  s += "| State | " + std::string(to_string(b.state)) + " |\n";
  s += "| Held in escrow | " + money(t.held_minor) + " |\n";
  if (b.goal_minor) s += "| Goal | " + money(*b.goal_minor) + " |\n";
  s += "| Sponsors | " + std::to_string(t.sponsors) + " |\n";
  s += "| Supporters | " + std::to_string(t.supporters) + " |\n";
  s += "| Deadline | " + (b.deadline ? format_rfc3339(*b.deadline) : std::string("none")) + " |\n";
  s += "\n";
  if (b.state == bounty_state::open || b.state == bounty_state::accepted || b.state == bounty_state::voting) {
    const std::string example = currency.empty() || currency == "USD" ? "$50" : "50 " + currency;
    s += "To pledge, comment `/pledge " + example + "` (optionally `until YYYY-MM-DD`); `/support` to back it "
         "without money; `/bounty help` for every command.\n";
  }
  s += "\n<sub>" + issue.key() + " · updated by bountybot</sub>\n";
  return s;
}

std::string funding_link(std::string_view public_url, std::int64_t pledge_id) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/fund/" + std::to_string(pledge_id);
}

std::string render_funds_request(std::string_view public_url, std::int64_t pledge_id, std::int64_t missing_minor,
                                 std::string_view currency, std::chrono::seconds awaiting_ttl) {
  const auto days = std::chrono::duration_cast<std::chrono::days>(awaiting_ttl).count();
  return "Your pledge is recorded but not yet held: your balance is " + escrow::format_money(missing_minor, currency) +
         " short. Fund it at " + funding_link(public_url, pledge_id) + "; it is held as soon as the funds arrive, and " +
         "lapses if they have not arrived within " +
         (days >= 1 ? std::to_string(days) + (days == 1 ? " day" : " days")
                    : std::to_string(awaiting_ttl.count()) + " seconds") + ".";
}

std::string render_reply(std::string_view login, const std::vector<std::string>& parts) {
  std::string s(own_comment_marker);
  s += "\n@" + std::string(login) + " ";
  if (parts.size() == 1) {
    s += parts.front();
  } else {
    s += "\n";
    for (const auto& p : parts) s += "\n- " + p;
  }
  s += "\n";
  if (s.size() > max_comment_chars) s.resize(max_comment_chars);
  return s;
}

}  // namespace bountybot::bot
