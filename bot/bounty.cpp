#include "bot/bounty.hpp"
#include "bot/platform.hpp"
#include "bot/status.hpp"

#include "escrow/inert.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace bountybot::bot {

std::string_view to_string(bounty_state s) {
  switch (s) {
    case bounty_state::open: return "open";
    case bounty_state::accepted: return "accepted";
    case bounty_state::voting: return "voting";
    case bounty_state::completed: return "completed";
    case bounty_state::cancelled: return "cancelled";
    case bounty_state::expired: return "expired";
  }
  return "open";
}

bounty_state bounty_state_from(std::string_view s) {
  for (auto v : {bounty_state::open, bounty_state::accepted, bounty_state::voting, bounty_state::completed,
                 bounty_state::cancelled, bounty_state::expired}) {
    if (to_string(v) == s) return v;
  }
  throw std::invalid_argument("unknown bounty state: " + std::string(s));
}

std::string_view to_string(pledge_state s) {
  switch (s) {
    case pledge_state::held: return "held";
    case pledge_state::awaiting_funds: return "awaiting_funds";
    case pledge_state::refunded: return "refunded";
    case pledge_state::cancelled: return "cancelled";
  }
  return "held";
}

pledge_state pledge_state_from(std::string_view s) {
  for (auto v : {pledge_state::held, pledge_state::awaiting_funds, pledge_state::refunded, pledge_state::cancelled}) {
    if (to_string(v) == s) return v;
  }
  throw std::invalid_argument("unknown pledge state: " + std::string(s));
}

bounty_totals totals(const std::vector<pledge>& pledges) {
  bounty_totals t;
  std::set<std::int64_t> sponsors, supporters;
  for (const auto& p : pledges) {
    if (p.state != pledge_state::held) continue;
    if (p.is_support()) {
      supporters.insert(p.sponsor.id);
    } else {
      t.held_minor += p.amount_minor - p.released_minor;
      sponsors.insert(p.sponsor.id);
    }
  }
  for (auto id : sponsors) supporters.erase(id);
  t.sponsors = static_cast<int>(sponsors.size());
  t.supporters = static_cast<int>(supporters.size());
  return t;
}

bool is_live(bounty_state s) {
  return s == bounty_state::open || s == bounty_state::accepted || s == bounty_state::voting;
}

std::optional<effect> end_pledge(const pledge& p) {
  if (p.state == pledge_state::awaiting_funds) return cancel_pledge{p.id};
  if (p.state != pledge_state::held) return std::nullopt;
  if (p.is_support()) return cancel_pledge{p.id};
  const std::int64_t rest = p.amount_minor - p.released_minor;
  if (rest <= 0) return std::nullopt;  // fully released: it stays as it is
  return refund_pledge{p.id, escrow::money(rest, p.currency), p.sponsor};
}

void end_all(const std::vector<pledge>& pledges, std::vector<effect>& effects) {
  for (const auto& p : pledges) {
    if (auto e = end_pledge(p)) effects.push_back(std::move(*e));
  }
}

std::string_view to_string(timer_kind k) {
  switch (k) {
    case timer_kind::pledge_deadline: return "pledge_deadline";
    case timer_kind::funds_expiry: return "funds_expiry";
    case timer_kind::bounty_deadline: return "bounty_deadline";
    case timer_kind::vote_close: return "vote_close";
  }
  return "pledge_deadline";
}

timer_kind timer_kind_from(std::string_view name) {
  for (auto k : {timer_kind::pledge_deadline, timer_kind::funds_expiry, timer_kind::bounty_deadline, timer_kind::vote_close}) {
    if (to_string(k) == name) return k;
  }
  throw std::invalid_argument("unknown timer kind: " + std::string(name));
}

namespace {

// A goal is a cap, not a pledge: it may be far above the per-pledge maximum.
constexpr std::int64_t max_goal_units = 1'000'000'000'000;


// Mutable working copy of the view while one comment's commands run in order.
struct working {
  const user_ref& author;
  const repo_settings& settings;
  utc_time now;
  bounty_view view;
  decision out;
  std::int64_t next_temp_id = -1;
  bool changed = false;

  void refuse(std::string why) {
    ++out.refused;
    out.reply.emplace_back(std::move(why));
  }

  bool has_active_pledge(bool support_only) const {
    return std::any_of(view.pledges.begin(), view.pledges.end(), [&](const pledge& p) {
      return p.sponsor.id == author.id && (p.state == pledge_state::held || p.state == pledge_state::awaiting_funds) &&
             (!support_only || p.is_support());
    });
  }

  void ensure_bounty() {
    if (view.current) return;
    view.current = bounty{};
    out.effects.emplace_back(create_bounty{});
    out.effects.emplace_back(change_label{true, settings.bounty_label});
  }

  void add_support(const std::string& line) {
    if (!settings.zero_value_support) {
      refuse(inline_code(line) + ": " + text_no_support());
      return;
    }
    if (view.current && !is_live(view.current->state)) {
      refuse(inline_code(line) + ": " + text_no_more_pledges(view.current->state));
      return;
    }
    ++out.done;
    if (has_active_pledge(false)) return;  // already a sponsor or supporter: nothing to add
    ensure_bounty();
    pledge p;
    p.id = next_temp_id--;
    p.sponsor = author;
    p.currency = view.current->currency.value_or("");
    p.state = pledge_state::held;
    p.created_at = now;
    p.deadline = now + settings.pledge_ttl;
    view.pledges.push_back(p);
    out.effects.emplace_back(add_pledge{p});
    changed = true;
  }

  // A pledge of `minor` under the bounty's goal (SPEC §4): whole, cut to the room left (the author
  // told), or refused when the goal is reached (nullopt).
  std::optional<std::int64_t> fit_to_goal(const command_line& line, std::int64_t minor, const std::string& currency) {
    if (!view.current || !view.current->goal_minor) return minor;
    const std::int64_t remaining = *view.current->goal_minor - totals(view.pledges).held_minor;
    if (remaining <= 0) {
      refuse(inline_code(line.text) + ": " + text_goal_reached(*view.current->goal_minor, currency));
      return std::nullopt;
    }
    if (minor <= remaining) return minor;
    out.reply.emplace_back(inline_code(line.text) + ": " + text_pledge_cut_to_goal(*view.current->goal_minor, remaining, currency));
    return remaining;
  }

  void add_money(const command_line& line, const command& c) {
    const auto& text = *c.amount;
    if (view.current && !is_live(view.current->state)) {
      refuse(inline_code(line.text) + ": " + text_no_more_pledges(view.current->state));
      return;
    }
    if (view.author_frozen) {
      refuse(inline_code(line.text) + ": " + text_account_frozen());
      return;
    }
    const std::string bounty_currency =
        view.current && view.current->currency ? *view.current->currency : std::string();
    const std::string currency =
        text.currency_code ? *text.currency_code : (bounty_currency.empty() ? settings.default_currency : bounty_currency);
    if (!bounty_currency.empty() && currency != bounty_currency) {
      refuse(inline_code(line.text) + ": " + text_other_currency(bounty_currency));
      return;
    }
    const auto* cur = escrow::find_currency(currency);
    if (cur == nullptr) {
      refuse(inline_code(line.text) + ": " + text_unknown_currency(currency));
      return;
    }
    auto amount = escrow::to_money(text, currency, settings.max_pledge_units.value_or(escrow::default_max_pledge_units));
    if (!amount) {
      refuse(inline_code(line.text) + ": " + amount.error().message);
      return;
    }
    if (c.until && *c.until <= now) {
      refuse(inline_code(line.text) + ": " + text_date_passed(*c.until));
      return;
    }
    const auto fitted = fit_to_goal(line, amount->amount_minor(), currency);
    if (!fitted) return;
    const std::int64_t minor = *fitted;
    ensure_bounty();
    if (!view.current->currency) {
      view.current->currency = currency;
      out.effects.emplace_back(fix_currency{currency});
    }
    pledge p;
    p.id = next_temp_id--;
    p.sponsor = author;
    p.amount_minor = minor;
    p.currency = currency;
    p.created_at = now;
    p.deadline = c.until.value_or(now + settings.pledge_ttl);
    auto& available = view.author_available[currency];
    if (available >= minor) {
      available -= minor;
      p.state = pledge_state::held;
    } else {
      p.state = pledge_state::awaiting_funds;
      p.funds_expire_at = now + settings.awaiting_funds_ttl;
      out.reply.emplace_back(funds_request{p.id, minor - available, currency});
    }
    view.pledges.push_back(p);
    out.effects.emplace_back(add_pledge{p});
    ++out.done;
    changed = true;
  }


  bool require_maintainer(const command_line& line) {
    if (view.author_is_maintainer) return true;
    refuse(inline_code(line.text) + ": " + text_maintainers_only());
    return false;
  }

  bool require_live_bounty(const command_line& line) {
    if (!view.current) {
      refuse(inline_code(line.text) + ": " + text_no_bounty_yet());
      return false;
    }
    if (!is_live(view.current->state)) {
      refuse(inline_code(line.text) + ": " + text_bounty_is(view.current->state));
      return false;
    }
    return true;
  }

  void goal(const command_line& line, const command& c) {
    if (!require_maintainer(line) || !require_live_bounty(line)) return;
    if (!c.amount) {
      view.current->goal_minor.reset();
      out.effects.emplace_back(set_goal{std::nullopt});
    } else {
      const std::string currency =
          c.amount->currency_code.value_or(view.current->currency.value_or(settings.default_currency));
      if (view.current->currency && currency != *view.current->currency) {
        refuse(inline_code(line.text) + ": " + text_bounty_in(*view.current->currency));
        return;
      }
      auto m = escrow::to_money(*c.amount, currency, max_goal_units);
      if (!m || m->amount_minor() <= 0) {
        refuse(inline_code(line.text) + ": " + (m ? text_goal_not_positive() : m.error().message));
        return;
      }
      if (!view.current->currency) {
        view.current->currency = currency;
        out.effects.emplace_back(fix_currency{currency});
      }
      view.current->goal_minor = m->amount_minor();
      out.effects.emplace_back(set_goal{m->amount_minor()});
    }
    ++out.done;
    changed = true;
  }

  void deadline(const command_line& line, const command& c) {
    if (!require_maintainer(line) || !require_live_bounty(line)) return;
    if (*c.until <= now) {
      refuse(inline_code(line.text) + ": " + text_date_passed(*c.until));
      return;
    }
    view.current->deadline = *c.until;
    out.effects.emplace_back(set_deadline{*c.until});
    ++out.done;
    changed = true;
  }

  void milestones(const command_line& line, const command& c) {
    if (!require_maintainer(line) || !require_live_bounty(line)) return;
    const bool submitted = view.vote || std::any_of(view.milestones.begin(), view.milestones.end(), [](const milestone& m) {
                             return m.state != milestone_state::pending || m.rejections > 0;
                           });
    if (submitted) {
      refuse(inline_code(line.text) + ": " + text_milestones_after_submission());
      return;
    }
    view.milestones.clear();
    int pos = 0;
    for (const auto& spec : c.milestones) view.milestones.push_back({0, pos++, spec.name, spec.percent});
    out.effects.emplace_back(define_milestones{c.milestones});
    ++out.done;
    changed = true;
  }

  void split(const command_line& line, const command& c) {
    if (!require_live_bounty(line)) return;
    if (view.vote) {
      refuse(inline_code(line.text) + ": " + text_split_during_vote());
      return;
    }
    const bool is_solver = std::any_of(view.assignees.begin(), view.assignees.end(),
                                       [&](const user_ref& u) { return u.id == author.id; });
    if (!is_solver && !view.author_is_maintainer) {
      refuse(inline_code(line.text) + ": " + text_split_not_allowed());
      return;
    }
    view.current->split = c.split;
    out.effects.emplace_back(set_split{c.split});
    ++out.done;
    changed = true;
  }

  void cancel(const command_line& line) {
    if (!require_maintainer(line) || !require_live_bounty(line)) return;
    end_all(view.pledges, out.effects);
    view.current->state = bounty_state::cancelled;
    out.effects.emplace_back(set_state{bounty_state::cancelled});
    ++out.done;
    changed = true;
  }

  void submit(const command_line& line, const command& c) {
    if (!require_live_bounty(line)) return;
    std::vector<user_ref> solvers = view.assignees;
    if (!solvers.empty() && std::none_of(solvers.begin(), solvers.end(), [&](const user_ref& u) { return u.id == author.id; })) {
      refuse(inline_code(line.text) + ": " + text_submit_not_assignee());
      return;
    }
    if (solvers.empty()) solvers.push_back(author);
    auto plan = plan_submission(view, solvers, author, c.milestone, c.url, settings, now);
    if (!plan) {
      refuse(inline_code(line.text) + ": " + plan.error().message);
      return;
    }
    begin_vote(view, std::move(*plan), out.effects);
    ++out.done;
    changed = true;
  }

  void unpledge(const command_line& line) {
    if (!has_active_pledge(false)) {
      refuse(inline_code(line.text) + ": " + text_no_pledge_here());
      return;
    }
    const auto& b = *view.current;
    const bool deadline_passed = b.deadline && *b.deadline <= now;
    if ((b.state == bounty_state::accepted || b.state == bounty_state::voting) && !deadline_passed) {
      refuse(inline_code(line.text) + ": " + text_pledges_locked(b.deadline));
      return;
    }
    if (!is_live(b.state)) {
      refuse(inline_code(line.text) + ": " + text_nothing_to_withdraw(b.state));
      return;
    }
    for (auto& p : view.pledges) {
      if (p.sponsor.id != author.id) continue;
      const auto ended = end_pledge(p);
      if (!ended) continue;
      if (const auto* r = std::get_if<refund_pledge>(&*ended)) {
        view.author_available[p.currency] += r->amount.amount_minor();
        p.state = pledge_state::refunded;
      } else {
        p.state = pledge_state::cancelled;
      }
      out.effects.push_back(*ended);
    }
    ++out.done;
    changed = true;
  }
};

}  // namespace

std::vector<reaction_kind> acknowledgement(const decision& d) {
  std::vector<reaction_kind> out;
  if (d.done > 0) out.push_back(reaction_kind::done);
  if (d.refused > 0) out.push_back(reaction_kind::refused);
  return out;
}

decision decide(const bounty_view& view, const user_ref& author, const std::vector<command_line>& commands,
                const repo_settings& settings, utc_time now) {
  working w{author, settings, now, view, {}};
  bool want_status = false;
  for (const auto& line : commands) {
    if (!line.parsed) {
      w.refuse(inline_code(line.text) + ": " + line.parsed.error().message);
      continue;
    }
    const command& c = *line.parsed;
    switch (c.kind) {
      case command_kind::pledge:
        if (c.amount->is_zero()) {
          if (c.until) {
            w.refuse(inline_code(line.text) + ": " + text_support_has_no_deadline());
          } else {
            w.add_support(line.text);
          }
        } else {
          w.add_money(line, c);
        }
        break;
      case command_kind::support: w.add_support(line.text); break;
      case command_kind::unpledge: w.unpledge(line); break;
      case command_kind::status:
        ++w.out.done;
        if (w.view.current) {
          want_status = true;
        } else {
          w.out.reply.emplace_back(text_status_without_bounty());
        }
        break;
      case command_kind::help:
        ++w.out.done;
        w.out.reply.emplace_back(help_text());
        break;
      case command_kind::goal: w.goal(line, c); break;
      case command_kind::deadline: w.deadline(line, c); break;
      case command_kind::milestones: w.milestones(line, c); break;
      case command_kind::split: w.split(line, c); break;
      case command_kind::cancel: w.cancel(line); break;
      case command_kind::submit: w.submit(line, c); break;
    }
  }
  if (w.changed || want_status) w.out.effects.emplace_back(refresh_status{});
  return std::move(w.out);
}

bool is_activity(const decision& d) {
  return std::any_of(d.effects.begin(), d.effects.end(), [](const effect& e) {
    return !std::holds_alternative<refresh_status>(e) && !std::holds_alternative<post_reply>(e) &&
           !std::holds_alternative<change_label>(e) && !std::holds_alternative<know_user>(e) &&
           !std::holds_alternative<timer_fired>(e) && !std::holds_alternative<defer_timer>(e);
  });
}

result<escrow::money> check_deposit(const deposit_request& request, std::int64_t max_units) {
  if (!platform_from(request.platform)) return make_problem(problem_code::platform, text_deposit_platform());
  if (request.user_id <= 0) return make_problem(problem_code::user, text_deposit_user_id());
  if (request.amount_minor <= 0) return make_problem(problem_code::amount, text_deposit_amount());
  const auto* cur = escrow::find_currency(request.currency);
  if (cur == nullptr) return make_problem(problem_code::currency, text_deposit_currency(request.currency));
  const std::int64_t bound = escrow::max_minor(*cur, max_units);
  if (request.amount_minor > bound) return make_problem(problem_code::amount, text_deposit_too_large(bound, cur->code));
  if (request.reference.empty() || request.reference.size() > max_reference_chars || has_control_chars(request.reference)) {
    return make_problem(problem_code::reference, text_deposit_reference());
  }
  if (!request.login.empty() && !is_login(request.login)) return make_problem(problem_code::login, text_deposit_login());
  return escrow::money(request.amount_minor, std::string(cur->code));
}

result<bool> check_deposit_replay(const deposit_request& request, const escrow::money& amount,
                                  const stored_deposit& stored) {
  if (stored.platform != request.platform || stored.user_id != request.user_id ||
      stored.amount != amount) {
    return make_problem(problem_code::conflict, text_deposit_replay_conflict(request.reference));
  }
  return true;
}

funding_plan plan_funding(std::int64_t available_minor, const std::vector<awaiting_pledge>& awaiting_oldest_first,
                          utc_time now) {
  funding_plan plan;
  std::map<std::int64_t, std::int64_t> room;  // bounty id -> what its goal still takes
  bool blocked = false;
  for (const auto& a : awaiting_oldest_first) {
    const pledge& p = a.p;
    if (p.funds_expire_at && *p.funds_expire_at <= now) {
      plan.expired.push_back(p.id);
      continue;
    }
    if (blocked) continue;
    if (!is_live(a.bounty)) {
      plan.ended.push_back(p.id);
      continue;
    }
    std::int64_t amount = p.amount_minor;
    if (a.goal_minor) {
      const auto [it, first] = room.try_emplace(a.bounty_id, *a.goal_minor - a.held_minor);
      if (it->second <= 0) {
        plan.refused_full.push_back(p.id);
        continue;
      }
      amount = std::min(amount, it->second);
    }
    if (amount > available_minor) {
      blocked = true;
      continue;
    }
    available_minor -= amount;
    if (a.goal_minor) room[a.bounty_id] -= amount;
    plan.hold.push_back({p.id, amount, amount < p.amount_minor});
  }
  return plan;
}

std::string_view to_string(milestone_state s) {
  switch (s) {
    case milestone_state::pending: return "pending";
    case milestone_state::voting: return "voting";
    case milestone_state::released: return "released";
  }
  return "pending";
}

milestone_state milestone_state_from(std::string_view s) {
  for (auto v : {milestone_state::pending, milestone_state::voting, milestone_state::released}) {
    if (to_string(v) == s) return v;
  }
  throw std::invalid_argument("unknown milestone state: " + std::string(s));
}

voting::tally tally_of(const open_vote& vote) {
  std::vector<voting::voter> vs;
  for (const auto& v : vote.voters) vs.push_back({v.weight, v.ballot});
  return voting::count(vs);
}

bool needs_maintainer_check(const std::vector<command_line>& commands) {
  return std::any_of(commands.begin(), commands.end(), [](const command_line& l) {
    if (!l.parsed) return false;
    switch (l.parsed->kind) {
      case command_kind::goal:
      case command_kind::deadline:
      case command_kind::milestones:
      case command_kind::split:
      case command_kind::cancel: return true;
      default: return false;
    }
  });
}

std::vector<milestone> effective_milestones(const std::vector<milestone>& stored) {
  if (!stored.empty()) return stored;
  return {milestone{0, 0, "done", 100}};
}

namespace {

// The solvers' percents: the stored split when it names exactly the solvers, else equal shares
// (largest remainder, the first solvers get the extra percent).
std::vector<solver> apply_split(const std::vector<user_ref>& users, const std::vector<split_share>& split) {
  std::vector<solver> out;
  bool matches = split.size() == users.size() && !split.empty();
  for (const auto& u : users) {
    const auto it = std::find_if(split.begin(), split.end(),
                                 [&](const split_share& s) { return ascii_lower(s.login) == ascii_lower(u.login); });
    if (it == split.end()) matches = false;
  }
  if (matches) {
    for (const auto& u : users) {
      const auto it = std::find_if(split.begin(), split.end(),
                                   [&](const split_share& s) { return ascii_lower(s.login) == ascii_lower(u.login); });
      out.push_back({u, it->percent});
    }
    return out;
  }
  const std::vector<std::int64_t> ones(users.size(), 1);
  const auto parts = escrow::split_largest_remainder(100, ones);
  for (std::size_t i = 0; i < users.size(); ++i) out.push_back({users[i], static_cast<int>(parts[i])});
  return out;
}

std::vector<std::int64_t> percents_of(const std::vector<milestone>& ms) {
  std::vector<std::int64_t> out;
  for (const auto& m : ms) out.push_back(m.percent);
  return out;
}

}  // namespace

pledge_start start_of(const pledge& p) {
  pledge_start out;
  if (p.is_support()) return out;
  out.hold = p.state == pledge_state::held;
  out.deadline_timer = p.deadline;
  out.funds_expiry_timer = p.funds_expire_at;
  return out;
}

std::vector<escrow::transfer> release_transfers(const release_milestones& e, std::int64_t bounty_id, const issue_ref& issue) {
  const auto& plan = e.plan;
  const auto from = escrow::escrow_account(bounty_id);
  const auto prefix = "vote:" + std::to_string(e.vote_id);
  std::vector<escrow::transfer> out;
  if (plan.platform_fee_minor > 0) {
    out.push_back({prefix + ":fee:platform", escrow::transfer_kind::fee, from, escrow::platform_fees_account(),
                   escrow::money(plan.platform_fee_minor, e.currency)});
  }
  if (plan.project_fee_minor > 0) {
    out.push_back({prefix + ":fee:project", escrow::transfer_kind::fee, from,
                   escrow::project_fees_account(issue.platform, issue.repository_path),
                   escrow::money(plan.project_fee_minor, e.currency)});
  }
  for (const auto& [user, amount] : plan.to_solvers) {
    if (amount <= 0) continue;
    out.push_back({prefix + ":release:" + user.platform + ":" + std::to_string(user.id), escrow::transfer_kind::release, from,
                   escrow::payable_account(user.platform, user.id), escrow::money(amount, e.currency)});
  }
  return out;
}

release_plan plan_release(const std::vector<pledge>& pledges, const std::vector<milestone>& milestones,
                          const std::vector<int>& positions, const std::vector<solver>& solvers, int platform_fee_bps,
                          int project_fee_bps) {
  release_plan plan;
  const auto percents = percents_of(milestones);
  for (const auto& p : pledges) {
    if (p.state != pledge_state::held || p.amount_minor == 0) continue;
    const auto shares = escrow::split_largest_remainder(p.amount_minor, percents);
    std::int64_t amount = 0;
    for (int pos : positions) amount += shares[static_cast<std::size_t>(pos)];
    amount = std::min(amount, p.amount_minor - p.released_minor);
    if (amount <= 0) continue;
    plan.per_pledge.emplace_back(p.id, amount);
    plan.total_minor += amount;
    for (int pos : positions) {
      auto it = std::find_if(plan.per_milestone.begin(), plan.per_milestone.end(), [&](auto& m) { return m.first == pos; });
      if (it == plan.per_milestone.end()) it = plan.per_milestone.insert(plan.per_milestone.end(), {pos, 0});
      it->second += shares[static_cast<std::size_t>(pos)];
    }
  }
  for (int pos : positions) {  // every voted milestone is released, with nothing if no pledge paid into it
    if (std::none_of(plan.per_milestone.begin(), plan.per_milestone.end(), [&](auto& m) { return m.first == pos; })) {
      plan.per_milestone.emplace_back(pos, 0);
    }
  }
  plan.platform_fee_minor = escrow::basis_points_rounded_down(plan.total_minor, platform_fee_bps);
  plan.project_fee_minor = escrow::basis_points_rounded_down(plan.total_minor, project_fee_bps);
  const std::int64_t rest = plan.total_minor - plan.platform_fee_minor - plan.project_fee_minor;
  std::vector<std::int64_t> weights;
  for (const auto& s : solvers) weights.push_back(s.percent);
  const auto parts = escrow::split_largest_remainder(rest, weights);
  for (std::size_t i = 0; i < solvers.size(); ++i) plan.to_solvers.emplace_back(solvers[i].user, parts[i]);
  return plan;
}

void begin_vote(bounty_view& view, start_vote plan, std::vector<effect>& effects) {
  // The implicit "done" milestone becomes a row the vote can name.
  if (view.milestones.empty()) {
    effects.emplace_back(define_milestones{{milestone_spec{"done", 100}}});
    view.milestones = effective_milestones({});
  }
  effects.emplace_back(std::move(plan));
  view.current->state = bounty_state::voting;
  effects.emplace_back(set_state{bounty_state::voting});
  if (!view.current->split.empty()) {  // a split applies to one submission only
    view.current->split.clear();
    effects.emplace_back(set_split{});
  }
}

result<start_vote> plan_submission(const bounty_view& view, std::vector<user_ref> solvers, const user_ref& submitter,
                                   const std::string& name, const std::string& url, const repo_settings& settings,
                                   utc_time now, bool all_remaining) {
  if (!view.current) return make_problem(problem_code::submit, text_submit_no_bounty());
  const auto& b = *view.current;
  if (b.disputed) return make_problem(problem_code::submit, text_submit_disputed());
  if (view.vote || b.state == bounty_state::voting) return make_problem(problem_code::submit, text_submit_vote_open());
  if (b.state == bounty_state::open) return make_problem(problem_code::submit, text_submit_not_accepted(settings.accepted_label));
  if (b.state != bounty_state::accepted) return make_problem(problem_code::submit, text_bounty_is(b.state));
  const auto ms = effective_milestones(view.milestones);
  std::vector<int> positions;
  for (const auto& m : ms) {
    if (m.state != milestone_state::pending) continue;
    if (!name.empty() && ascii_lower(m.name) != ascii_lower(name)) continue;
    positions.push_back(m.position);
    if (!all_remaining) break;
  }
  if (positions.empty()) {
    return make_problem(problem_code::submit, name.empty() ? text_submit_all_submitted() : text_submit_no_such_milestone(name));
  }
  start_vote v;
  v.milestone_positions = positions;
  v.solvers = apply_split(solvers, b.split);
  v.submitter = submitter;
  v.url = url;
  v.closes_at = now + settings.vote_window;
  const auto plan = plan_release(view.pledges, ms, positions, v.solvers, 0, 0);
  v.release_minor = plan.total_minor;
  if (v.release_minor <= 0) return make_problem(problem_code::submit, text_submit_nothing_held());
  // Eligible voters: sponsors with held money, except the solvers; weights snapshotted now.
  std::map<std::int64_t, vote_voter> voters;
  for (const auto& p : view.pledges) {
    if (p.state != pledge_state::held || p.amount_minor - p.released_minor <= 0) continue;
    if (std::any_of(v.solvers.begin(), v.solvers.end(), [&](const solver& s) { return s.user.id == p.sponsor.id; })) continue;
    auto& voter = voters[p.sponsor.id];
    voter.user = p.sponsor;
    voter.weight += settings.weight == weight_mode::amount ? p.amount_minor - p.released_minor : 0;
    if (settings.weight == weight_mode::head) voter.weight = 1;
  }
  for (auto& [_, voter] : voters) v.voters.push_back(voter);
  return v;
}

}  // namespace bountybot::bot
