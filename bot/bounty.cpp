#include "bot/bounty.hpp"

#include <algorithm>
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

namespace {

bool pledges_open(bounty_state s) {
  return s == bounty_state::open || s == bounty_state::accepted || s == bounty_state::voting;
}

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
  }

  void add_support(const std::string& line) {
    if (!settings.zero_value_support) {
      refuse("`" + line + "`: this repository does not take zero-value support; pledge an amount instead");
      return;
    }
    if (view.current && !pledges_open(view.current->state)) {
      refuse("`" + line + "`: this bounty is " + std::string(to_string(view.current->state)) + "; it takes no more pledges");
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

  void add_money(const command_line& line, const command& c) {
    const auto& text = *c.amount;
    if (view.current && !pledges_open(view.current->state)) {
      refuse("`" + line.text + "`: this bounty is " + std::string(to_string(view.current->state)) +
             "; it takes no more pledges");
      return;
    }
    const std::string bounty_currency =
        view.current && view.current->currency ? *view.current->currency : std::string();
    const std::string currency =
        text.currency_code ? *text.currency_code : (bounty_currency.empty() ? settings.default_currency : bounty_currency);
    if (!bounty_currency.empty() && currency != bounty_currency) {
      refuse("`" + line.text + "`: this bounty is in " + bounty_currency + "; pledge in " + bounty_currency +
             ", like `/pledge " + escrow::format_money(5000 * escrow::minor_per_unit(*escrow::find_currency(bounty_currency)) / 100,
                                                      bounty_currency) + "`");
      return;
    }
    const auto* cur = escrow::find_currency(currency);
    if (cur == nullptr) {
      refuse("`" + line.text + "`: `" + currency + "` is not a currency this service knows");
      return;
    }
    const std::int64_t max_minor = settings.max_pledge_units ? *settings.max_pledge_units * escrow::minor_per_unit(*cur)
                                                             : escrow::default_max_pledge_minor(*cur);
    auto amount = escrow::to_money(text, currency, max_minor);
    if (!amount) {
      refuse("`" + line.text + "`: " + amount.error().message);
      return;
    }
    if (c.until && *c.until <= now) {
      refuse("`" + line.text + "`: the date " + format_rfc3339(*c.until) + " has already passed");
      return;
    }
    std::int64_t minor = amount->amount_minor;
    if (view.current && view.current->goal_minor) {
      const std::int64_t remaining = *view.current->goal_minor - totals(view.pledges).held_minor;
      if (remaining <= 0) {
        refuse("`" + line.text + "`: this bounty has reached its goal of " +
               escrow::format_money(*view.current->goal_minor, currency) + "; it takes no more money");
        return;
      }
      if (minor > remaining) {
        out.reply.emplace_back("`" + line.text + "`: the goal is " + escrow::format_money(*view.current->goal_minor, currency) +
                               ", so your pledge was cut to the " + escrow::format_money(remaining, currency) +
                               " that remained");
        minor = remaining;
      }
    }
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

  void unpledge(const command_line& line) {
    if (!has_active_pledge(false)) {
      refuse("`" + line.text + "`: you have no pledge on this issue");
      return;
    }
    const auto& b = *view.current;
    const bool deadline_passed = b.deadline && *b.deadline <= now;
    if ((b.state == bounty_state::accepted || b.state == bounty_state::voting) && !deadline_passed) {
      refuse("`" + line.text + "`: a maintainer accepted this task, so pledges are locked" +
             (b.deadline ? " until the bounty deadline, " + format_rfc3339(*b.deadline) : std::string(" while the work is done")));
      return;
    }
    if (!pledges_open(b.state)) {
      refuse("`" + line.text + "`: this bounty is " + std::string(to_string(b.state)) + "; nothing is left to withdraw");
      return;
    }
    for (auto& p : view.pledges) {
      if (p.sponsor.id != author.id) continue;
      if (p.state == pledge_state::held) {
        const std::int64_t rest = p.amount_minor - p.released_minor;
        if (rest > 0) {
          out.effects.emplace_back(refund_pledge{p.id, rest, p.currency, p.sponsor});
          view.author_available[p.currency] += rest;
        } else {
          out.effects.emplace_back(cancel_pledge{p.id});
        }
        p.state = rest > 0 ? pledge_state::refunded : pledge_state::cancelled;
      } else if (p.state == pledge_state::awaiting_funds) {
        out.effects.emplace_back(cancel_pledge{p.id});
        p.state = pledge_state::cancelled;
      }
    }
    ++out.done;
    changed = true;
  }
};

}  // namespace

decision decide(const bounty_view& view, const user_ref& author, const std::vector<command_line>& commands,
                const repo_settings& settings, utc_time now) {
  working w{author, settings, now, view, {}};
  bool want_status = false;
  for (const auto& line : commands) {
    if (!line.parsed) {
      w.refuse("`" + line.text + "`: " + line.parsed.error().message);
      continue;
    }
    const command& c = *line.parsed;
    switch (c.kind) {
      case command_kind::pledge:
        if (c.amount->is_zero()) {
          if (c.until) {
            w.refuse("`" + line.text + "`: zero-value support has no deadline; write `/pledge 0` or `/support`");
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
          w.out.reply.emplace_back(std::string("There is no bounty on this issue yet; start one with `/pledge 50`."));
        }
        break;
      case command_kind::help:
        ++w.out.done;
        w.out.reply.emplace_back(help_text());
        break;
      default:
        w.refuse("`" + line.text + "`: this service does not run that command yet; `/bounty help` lists what it runs");
        break;
    }
  }
  if (w.changed || want_status) w.out.effects.emplace_back(refresh_status{});
  return std::move(w.out);
}

funding_plan plan_funding(std::int64_t available_minor, const std::vector<pledge>& awaiting_oldest_first, utc_time now) {
  funding_plan plan;
  bool blocked = false;
  for (const auto& p : awaiting_oldest_first) {
    if (p.funds_expire_at && *p.funds_expire_at <= now) {
      plan.expired.push_back(p.id);
      continue;
    }
    if (blocked) continue;
    if (p.amount_minor > available_minor) {
      blocked = true;
      continue;
    }
    available_minor -= p.amount_minor;
    plan.hold.push_back(p.id);
  }
  return plan;
}

}  // namespace bountybot::bot
