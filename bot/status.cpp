#include "bot/status.hpp"

#include "escrow/inert.hpp"

namespace bountybot::bot {

std::string bounty_page_path(const issue_ref& issue) {
  return "/b/" + issue.platform + "/" + issue.repository_path + "/" + std::to_string(issue.number);
}

std::string render_status(const issue_ref& issue, const bounty& b, const std::vector<pledge>& pledges,
                          const std::vector<milestone>& milestones, const std::optional<open_vote>& vote,
                          std::string_view public_url) {
  const auto t = totals(pledges);
  const std::string currency = b.currency.value_or("");
  auto money = [&](std::int64_t minor) {
    return currency.empty() ? std::string("nothing yet") : escrow::format_money(minor, currency);
  };
  std::string s(own_comment_marker);
  s += "\n### Bounty: " + money(t.held_minor) + " in escrow\n\n";
  if (!public_url.empty()) {
    const auto base = std::string(public_url.ends_with('/') ? public_url.substr(0, public_url.size() - 1) : public_url);
    const auto path = bounty_page_path(issue);
    s += "[![bounty: " + money(t.held_minor) + "](" + base + "/badge" + path.substr(2) + ".svg)](" + base + path + ")\n\n";
  }
  s += "| | |\n|---|---|\n";
  s += "| State | " + std::string(to_string(b.state)) + " |\n";
  s += "| Held in escrow | " + money(t.held_minor) + " |\n";
  if (b.goal_minor) s += "| Goal | " + money(*b.goal_minor) + " |\n";
  s += "| Sponsors | " + std::to_string(t.sponsors) + " |\n";
  s += "| Supporters | " + std::to_string(t.supporters) + " |\n";
  s += "| Deadline | " + (b.deadline ? format_rfc3339(*b.deadline) : std::string("none")) + " |\n";
  if (b.disputed) s += "| Disputed | the operator decides how this bounty ends |\n";
  s += "\n";
  const auto ms = effective_milestones(milestones);
  if (ms.size() > 1 || ms[0].state != milestone_state::pending || !milestones.empty()) {
    s += "**Milestones**\n\n| milestone | share | state | released |\n|---|---|---|---|\n";
    for (const auto& m : ms) {
      s += "| " + table_cell_code(m.name) + " | " + std::to_string(m.percent) + "% | " + std::string(to_string(m.state)) + " | " +
           money(m.released_minor) + " |\n";
    }
    s += "\n";
  }
  if (vote) {
    const auto t = tally_of(*vote);
    s += "**Vote open** until " + format_rfc3339(vote->closes_at) + ": releases " + money(vote->release_minor) +
         ". Approve " + std::to_string(t.approve) + " / reject " + std::to_string(t.reject) + " of " +
         std::to_string(t.eligible_weight) + " eligible weight; two thirds approve.\n\n";
  }
  if (is_live(b.state)) {
    const std::string example = currency.empty() || currency == "USD" ? "$50" : "50 " + currency;
    s += "To pledge, comment `/pledge " + example + "` (optionally `until YYYY-MM-DD`); `/support` to back it "
         "without money; `/bounty help` for every command.\n";
  }
  s += "\n<sub>" + issue.key() + " · updated by bountybot</sub>\n";
  return fit_comment(std::move(s));
}

std::string render_vote(const issue_ref& issue, const bounty& b, const std::vector<milestone>& milestones,
                        const open_vote& vote, const user_ref& submitter, const std::string& url) {
  const std::string currency = b.currency.value_or("USD");
  std::string names;
  for (auto id : vote.milestone_ids) {
    for (const auto& m : effective_milestones(milestones)) {
      if (m.id == id) names += (names.empty() ? "" : ", ") + inline_code(m.name);
    }
  }
  std::string solvers;
  for (const auto& s : vote.solvers) solvers += (solvers.empty() ? "@" : ", @") + s.user.login + " (" + std::to_string(s.percent) + "%)";
  std::string voters;
  for (std::size_t i = 0; i < vote.voters.size() && i < max_listed_voters; ++i) {
    voters += (voters.empty() ? "@" : ", @") + vote.voters[i].user.login;
  }
  if (vote.voters.size() > max_listed_voters) {
    voters += " and " + std::to_string(vote.voters.size() - max_listed_voters) + " more";
  }
  std::string s(own_comment_marker);
  s += "\n### Vote: milestone " + (names.empty() ? std::string("`done`") : names) + " submitted by @" + submitter.login + "\n\n";
  if (!url.empty()) s += "Work: " + (is_plain_url(url) ? "<" + url + ">" : inline_code(url)) + "\n\n";
  s += "Approval releases **" + escrow::format_money(vote.release_minor, currency) + "** to " + solvers + ".\n\n";
  s += "Sponsors" + (voters.empty() ? std::string() : " (" + voters + ")") +
       ": react 👍 to approve or 👎 to reject before " + format_rfc3339(vote.closes_at) +
       ". Two thirds of the held amount approving releases the money at once; more than a third rejecting "
       "rejects it; at the close, two thirds of the votes cast decide, and no votes at all approve.\n";
  s += "\n<sub>" + issue.key() + " · vote " + std::to_string(vote.id) + "</sub>\n";
  return fit_comment(std::move(s));
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

std::string render_funding_cut(std::int64_t pledged_minor, std::int64_t held_minor, std::int64_t goal_minor,
                               std::string_view currency) {
  return "the funds for your pledge of " + escrow::format_money(pledged_minor, currency) + " arrived, but this "
         "bounty's goal of " + escrow::format_money(goal_minor, currency) + " had room for " +
         escrow::format_money(held_minor, currency) + " only: that much is now held, and the rest stays in your balance.";
}

std::string render_funding_refused(std::int64_t pledged_minor, std::int64_t goal_minor, std::string_view currency) {
  return "the funds for your pledge of " + escrow::format_money(pledged_minor, currency) + " arrived after this "
         "bounty reached its goal of " + escrow::format_money(goal_minor, currency) + ", so the pledge is cancelled "
         "and the money stays in your balance.";
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
  return s;
}

std::string fit_comment(std::string body) {
  if (body.size() <= max_comment_chars) return body;
  static constexpr std::string_view cut_note = "\n\n(cut: this comment was longer than the platform allows)\n";
  std::string out(utf8_prefix(body, max_comment_chars - cut_note.size()));
  out += cut_note;
  return out;
}

namespace {
std::string body(std::string_view text) { return std::string(own_comment_marker) + "\n" + std::string(text) + "\n"; }
}  // namespace

std::string text_label_not_maintainer(bool added, std::string_view accepted_label) {
  return "only maintainers of this repository can " + std::string(added ? "add" : "remove") + " the " +
         inline_code(accepted_label) + " label, so I reverted that change.";
}

std::string text_label_locked() {
  return "the bounty cannot go back to open once a milestone was released or while one is under vote, so I put "
         "the label back.";
}

std::string text_vote_approved(std::int64_t release_minor, std::string_view currency, const std::vector<solver>& solvers) {
  std::string names;
  for (const auto& s : solvers) names += (names.empty() ? "@" : ", @") + s.user.login;
  return body("The sponsors approved: " + escrow::format_money(release_minor, currency) + " released to " + names +
              " (fees deducted as configured).");
}

std::string text_vote_rejected(bool disputed) {
  return body(std::string("The sponsors rejected this submission; ") +
              (disputed ? "it was rejected twice, so the bounty is disputed and the operator will decide how it ends."
                        : "the solver may submit again with `/bounty submit`."));
}

std::string text_pledge_deadline(std::int64_t refunded_minor, std::string_view currency) {
  return "your pledge reached its deadline; its unreleased " + escrow::format_money(refunded_minor, currency) +
         " went back to your balance.";
}

std::string text_bounty_deadline() {
  return body("The bounty deadline passed: everything unreleased went back to the sponsors.");
}

std::string text_closed_not_planned() {
  return body("This issue was closed as not planned, so the bounty is cancelled and every sponsor's unreleased money "
              "is refunded.");
}

std::string text_closed_completed_submit() {
  return body("This issue was closed as completed. Whoever solved it: comment `/bounty submit` with a link to the "
              "work so the sponsors can vote.");
}

std::string text_dispute_refunded(std::string_view reason) {
  return body("The operator resolved the dispute: everything unreleased is refunded to the sponsors. Reason: " +
              inline_code(reason, max_reason_chars));
}

std::string text_dispute_released(std::int64_t release_minor, std::string_view currency, std::string_view reason) {
  return body("The operator resolved the dispute: " + escrow::format_money(release_minor, currency) +
              " released to the solvers. Reason: " + inline_code(reason, max_reason_chars));
}

std::string payouts_link(std::string_view public_url) {
  std::string base(public_url);
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + "/me/payouts";
}

std::string text_collect(const std::vector<std::pair<user_ref, std::int64_t>>& paid, std::string_view currency,
                         std::string_view public_url) {
  std::string list;
  for (const auto& [user, amount] : paid) {
    if (amount <= 0) continue;
    list += (list.empty() ? "@" : ", @") + user.login + ": " + escrow::format_money(amount, currency);
  }
  if (list.empty()) return {};
  return "\n\n" + list + ". Sign in at " + payouts_link(public_url) + " to be paid out.";
}

std::string text_account_frozen() {
  return "your account is frozen after a card dispute; the operator will contact you";
}

std::string text_no_support() { return "this repository does not take zero-value support; pledge an amount instead"; }

std::string text_no_more_pledges(bounty_state s) {
  return "this bounty is " + std::string(to_string(s)) + "; it takes no more pledges";
}

std::string text_goal_reached(std::int64_t goal_minor, std::string_view currency) {
  return "this bounty has reached its goal of " + escrow::format_money(goal_minor, currency) + "; it takes no more money";
}

std::string text_pledge_cut_to_goal(std::int64_t goal_minor, std::int64_t remaining_minor, std::string_view currency) {
  return "the goal is " + escrow::format_money(goal_minor, currency) + ", so your pledge was cut to the " +
         escrow::format_money(remaining_minor, currency) + " that remained";
}

std::string text_other_currency(std::string_view bounty_currency) {
  const auto fifty = 5000 * escrow::minor_per_unit(*escrow::find_currency(bounty_currency)) / 100;
  return "this bounty is in " + std::string(bounty_currency) + "; pledge in " + std::string(bounty_currency) +
         ", like `/pledge " + escrow::format_money(fifty, bounty_currency) + "`";
}

std::string text_unknown_currency(std::string_view code) {
  return inline_code(code) + " is not a currency this service knows";
}

std::string text_date_passed(utc_time when) { return "the date " + format_rfc3339(when) + " has already passed"; }

std::string text_maintainers_only() { return "only maintainers of this repository can do that"; }

std::string text_no_bounty_yet() { return "there is no bounty on this issue yet; start one with `/pledge 50`"; }

std::string text_bounty_is(bounty_state s) { return "this bounty is " + std::string(to_string(s)); }

std::string text_bounty_in(std::string_view currency) { return "this bounty is in " + std::string(currency); }

std::string text_goal_not_positive() { return "the goal must be more than zero"; }

std::string text_milestones_after_submission() { return "milestones can only be defined before the first submission"; }

std::string text_split_during_vote() { return "a vote is open; set the split after it closes"; }

std::string text_split_not_allowed() { return "only an assignee or a maintainer can set the split"; }

std::string text_submit_not_assignee() { return "this issue is assigned; only an assignee can submit the work"; }

std::string text_no_pledge_here() { return "you have no pledge on this issue"; }

std::string text_pledges_locked(const std::optional<utc_time>& deadline) {
  return "a maintainer accepted this task, so pledges are locked" +
         (deadline ? " until the bounty deadline, " + format_rfc3339(*deadline) : std::string(" while the work is done"));
}

std::string text_nothing_to_withdraw(bounty_state s) {
  return "this bounty is " + std::string(to_string(s)) + "; nothing is left to withdraw";
}

std::string text_support_has_no_deadline() { return "zero-value support has no deadline; write `/pledge 0` or `/support`"; }

std::string text_status_without_bounty() { return "There is no bounty on this issue yet; start one with `/pledge 50`."; }


std::string text_usage_until_needs_date() { return "`until` needs a date, like `until 2027-01-31`"; }

std::string text_usage_pledge_leftover(std::string_view rest) {
  return "I did not understand " + inline_code(rest) + "; write `/pledge 50` or `/pledge $50 until 2027-01-31`";
}

std::string text_usage_milestone_shape() {
  return "each milestone is a name and a percent, like `/bounty milestones design 20%, implementation 80%`";
}

std::string text_usage_milestone_percent(std::string_view percent) {
  return inline_code(percent) + " is not a whole percent from 1% to 100%";
}

std::string text_usage_milestone_name_too_long(std::string_view name) {
  return text_usage_submit_name_too_long() + "; " + inline_code(name, max_preview_chars) + " is longer";
}

std::string text_usage_milestone_twice(std::string_view name) { return "milestone " + inline_code(name) + " is named twice"; }

std::string text_usage_too_many_milestones() { return "at most " + std::to_string(max_milestones) + " milestones"; }

std::string text_usage_milestone_sum(int sum) {
  return "milestone percents must add up to 100%, these add up to " + std::to_string(sum) + "%";
}

std::string text_usage_split_shape() {
  return "write the split as `@login PCT` pairs, like `/bounty split @alice 70 @bob 30`";
}

std::string text_usage_split_login(std::string_view token) { return inline_code(token) + " is not an @login"; }

std::string text_usage_split_percent(std::string_view percent) {
  return inline_code(percent) + " is not a whole percent from 1 to 100";
}

std::string text_usage_split_twice(std::string_view login) {
  return inline_code("@" + std::string(login)) + " is named twice";
}

std::string text_usage_split_sum(int sum) {
  return "split percents must add up to 100, these add up to " + std::to_string(sum);
}

std::string text_usage_no_arguments(std::string_view subcommand) {
  return "`/bounty " + std::string(subcommand) + "` takes no arguments";
}

std::string text_usage_goal_shape() { return "`/bounty goal` takes one amount, like `/bounty goal $500`, or `none`"; }

std::string text_usage_deadline_shape() { return "write `/bounty deadline YYYY-MM-DD`"; }

std::string text_usage_submit_url(std::string_view url) {
  return inline_code(url, max_preview_chars) + " is not a link I can show: at most " + std::to_string(max_url_chars) +
         " characters, without spaces, `<>()[]`, backticks or backslashes";
}

std::string text_usage_submit_name_too_long() {
  return "milestone names are at most " + std::to_string(max_milestone_name_chars) + " characters";
}

std::string text_usage_unknown_bounty_command(std::string_view subcommand) {
  return inline_code("/bounty " + std::string(subcommand)) + " is not a command; `/bounty help` lists them";
}

std::string text_usage_support_arguments() { return "`/support` takes no arguments; to pledge money write `/pledge 50`"; }

std::string text_usage_unpledge_arguments() { return "`/unpledge` takes no arguments"; }

std::string text_usage_control_character() {
  return "this line holds a control character; write the command as plain text";
}

std::string text_submit_no_bounty() { return "there is no bounty on this issue"; }

std::string text_submit_disputed() { return "this bounty is disputed; the operator decides how it ends"; }

std::string text_submit_vote_open() { return "a vote is already open"; }

std::string text_submit_not_accepted(std::string_view accepted_label) {
  return "a maintainer has not accepted this task yet (label " + inline_code(accepted_label) + ")";
}

std::string text_submit_all_submitted() { return "every milestone was submitted already"; }

std::string text_submit_no_such_milestone(std::string_view name) {
  return "there is no pending milestone named " + inline_code(name);
}

std::string text_submit_nothing_held() { return "nothing is held in escrow for this milestone"; }

std::string text_deposit_platform() { return "platform must be `github` or `gitlab`"; }

std::string text_deposit_user_id() { return "user_id must be a positive platform user id"; }

std::string text_deposit_amount() { return "amount must be a positive integer of minor units"; }

std::string text_deposit_currency(std::string_view code) {
  return inline_code(code, max_preview_chars) + " is not an ISO 4217 code this service knows";
}

std::string text_deposit_too_large(std::int64_t bound_minor, std::string_view currency) {
  return "a deposit is at most " + escrow::format_money(bound_minor, currency) + " (BOUNTYBOT_MAX_DEPOSIT)";
}

std::string text_deposit_reference() {
  return "reference must be 1 to " + std::to_string(max_reference_chars) + " characters, without control characters";
}

std::string text_deposit_login() {
  return "login must be a platform login (letters, digits, `-`, `_`, `.`; at most " + std::to_string(max_login_chars) +
         " characters)";
}

std::string text_deposit_replay_conflict(std::string_view reference) {
  return "reference " + inline_code(reference) + " was recorded before with other values";
}

std::string text_resolution_action() { return "action must be `release` or `refund`"; }

std::string text_resolution_no_reason() { return "a reason is required"; }

std::string text_resolution_reason_too_long() {
  return "a reason is at most " + std::to_string(max_reason_chars) + " characters on one line, without control characters";
}

std::string text_dispute_not_disputed() { return "this bounty is not disputed"; }

std::string text_dispute_no_rejected_vote() { return "there is no rejected submission to release"; }

std::string text_list_platform() { return "platform must be `github` or `gitlab`"; }
std::string text_list_repo(std::size_t max_chars) {
  return "repo is a repository's full path, at most " + std::to_string(max_chars) + " characters";
}
std::string text_list_currency() { return "currency must be an ISO 4217 code this service knows"; }
std::string text_list_state() {
  return "state must be `live`, `all` or a bounty state (open, accepted, voting, completed, cancelled, expired)";
}
std::string text_list_sort() { return "sort must be `activity` or `held`"; }
std::string text_list_limit(int max_limit) { return "limit must be a whole number from 1 to " + std::to_string(max_limit); }
std::string text_list_cursor() { return "cursor is not one this list gave (it belongs to its sort)"; }

}  // namespace bountybot::bot
