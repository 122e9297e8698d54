#include "bot/lifecycle.hpp"

#include "bot/status.hpp"
#include "escrow/inert.hpp"

#include <algorithm>
#include <set>

namespace bountybot::bot {
namespace {

using std::int64_t;

bool contains(const std::vector<int64_t>& ids, int64_t id) { return std::find(ids.begin(), ids.end(), id) != ids.end(); }

std::string currency_of(const bounty_view& view) { return view.current->currency.value_or("USD"); }

// Pays `vote`'s milestones and settles the bounty: completed (leftovers refunded) once every
// milestone is released, else accepted. The approval and the operator's release share it.
std::vector<std::pair<user_ref, std::int64_t>> release_and_settle(const bounty_view& view, const open_vote& vote,
                                                                  const repo_settings& settings, std::vector<effect>& effects) {
  const auto ms = effective_milestones(view.milestones);
  std::vector<int> positions;
  for (const auto& m : ms) {
    if (contains(vote.milestone_ids, m.id)) positions.push_back(m.position);
  }
  auto plan = plan_release(view.pledges, ms, positions, vote.solvers, settings.platform_fee_bps, settings.project_fee_bps);
  const bool pending_left = std::any_of(ms.begin(), ms.end(), [&](const milestone& m) {
    return m.state != milestone_state::released &&
           std::find(positions.begin(), positions.end(), m.position) == positions.end();
  });
  auto after = view.pledges;
  for (auto& p : after) {
    for (const auto& [id, amount] : plan.per_pledge) {
      if (id == p.id) p.released_minor += amount;
    }
  }
  auto paid = plan.to_solvers;
  effects.emplace_back(release_milestones{vote.id, std::move(plan), currency_of(view)});
  if (pending_left) {
    effects.emplace_back(set_state{bounty_state::accepted});
    return paid;
  }
  end_all(after, effects);  // pledges made after earlier milestones keep unreleased shares: they go back
  effects.emplace_back(set_state{bounty_state::completed});
  return paid;
}

// The ballot effect of `voter` on `vote` with the reactions `up` (👍) and `down` (👎).
set_ballot ballot_of(const open_vote& vote, const vote_voter& voter, bool up, bool down) {
  return {vote.id, voter.user, up, down, voting::ballot_from_reactions(up, down)};
}

// After ballots changed: the vote closes if the early rule decides it, else the status shows the tally.
void close_if_decided(const bounty_view& changed, const repo_settings& settings, utc_time now, decision& d) {
  const auto result = voting::decide_early(tally_of(*changed.vote));
  if (result == voting::outcome::pending) {
    d.effects.emplace_back(refresh_status{});
    return;
  }
  auto closed = decide_vote_close(changed, result, settings, now);
  for (auto& e : closed.effects) d.effects.push_back(std::move(e));
}

void apply_ballot(bounty_view& view, const set_ballot& b, decision& d) {
  for (auto& v : view.vote->voters) {
    if (v.user.platform == b.voter.platform && v.user.id == b.voter.id) {
      v.thumbs_up = b.thumbs_up;
      v.thumbs_down = b.thumbs_down;
      v.ballot = b.ballot;
    }
  }
  d.effects.emplace_back(b);
}

// A close as completed or a merge is the maintainers taking the work (SPEC §6): an open bounty
// counts as accepted. Returns the view as it is afterwards.
bounty_view take_the_work(const bounty_view& view, decision& d) {
  bounty_view taken = view;
  if (taken.current->state == bounty_state::open) {
    taken.current->state = bounty_state::accepted;
    d.effects.emplace_back(set_state{bounty_state::accepted});
  }
  return taken;
}

}  // namespace

std::optional<bool> accepted_label_change(const labels_changed& event, const repo_settings& settings) {
  const std::string accepted = ascii_lower(settings.accepted_label);
  const auto has = [&](const std::vector<std::string>& labels) {
    return std::any_of(labels.begin(), labels.end(), [&](const std::string& l) { return ascii_lower(l) == accepted; });
  };
  if (has(event.added)) return true;
  if (has(event.removed)) return false;
  return std::nullopt;
}

decision decide_labels(const bounty_view& view, const labels_changed& event, const repo_settings& settings,
                       utc_time /*now*/) {
  decision d;
  const bool added = accepted_label_change(event, settings).value_or(false);
  const auto revert = [&](const std::string& why) {
    d.effects.emplace_back(change_label{!added, settings.accepted_label});
    d.effects.emplace_back(post_reply{render_reply(event.actor.login, {why})});
  };
  if (!view.author_is_maintainer) {
    revert(text_label_not_maintainer(added, settings.accepted_label));
    return d;
  }
  const auto state = view.current->state;
  if (added) {
    if (state == bounty_state::open) {
      d.effects.emplace_back(set_state{bounty_state::accepted});
      d.effects.emplace_back(refresh_status{});
    }
    return d;
  }
  const bool released_or_voting = view.vote.has_value() ||
                                  std::any_of(view.milestones.begin(), view.milestones.end(),
                                              [](const milestone& m) { return m.state != milestone_state::pending; });
  if (state == bounty_state::accepted && !released_or_voting) {
    d.effects.emplace_back(set_state{bounty_state::open});
    d.effects.emplace_back(refresh_status{});
  } else if (state == bounty_state::accepted || state == bounty_state::voting) {
    revert(text_label_locked());
  }
  return d;
}

decision decide_closed(const bounty_view& view, const issue_closed& event, const repo_settings& settings, utc_time now) {
  decision d;
  if (!is_live(view.current->state)) return d;
  if (!event.completed && !view.current->closed_completed) {
    if (view.vote) d.effects.emplace_back(close_vote{view.vote->id, false});
    end_all(view.pledges, d.effects);
    d.effects.emplace_back(set_state{bounty_state::cancelled});
    d.effects.emplace_back(post_reply{text_closed_not_planned()});
    d.effects.emplace_back(refresh_status{});
    return d;
  }
  d.effects.emplace_back(mark_closed_completed{});
  if (view.vote) return d;  // the open vote decides first
  bounty_view taken = take_the_work(view, d);
  if (event.assignees.empty()) {
    d.effects.emplace_back(post_reply{text_closed_completed_submit()});
    d.effects.emplace_back(refresh_status{});
    return d;
  }
  taken.assignees = event.assignees;
  auto plan = plan_submission(taken, event.assignees, event.assignees.front(), "", "", settings, now, true);
  if (plan) begin_vote(taken, std::move(*plan), d.effects);
  d.effects.emplace_back(refresh_status{});
  return d;
}

decision decide_merged(const bounty_view& view, const change_merged& event, const repo_settings& settings, utc_time now) {
  decision d;
  const auto state = view.current->state;
  if (view.vote || (state != bounty_state::open && state != bounty_state::accepted)) return d;
  d.effects.emplace_back(mark_closed_completed{});
  bounty_view taken = take_the_work(view, d);
  taken.assignees.clear();
  // A merge the bounty takes records its author (a login known already stays), whether or not
  // the submission can open a vote.
  d.effects.emplace_back(know_user{event.author});
  auto plan = plan_submission(taken, {event.author}, event.author, "", event.url, settings, now);
  if (plan) begin_vote(taken, std::move(*plan), d.effects);
  d.effects.emplace_back(refresh_status{});
  return d;
}

decision decide_vote_close(const bounty_view& view, voting::outcome result, const repo_settings& settings,
                           utc_time /*now*/) {
  decision d;
  const auto& vote = *view.vote;
  const bool approved = result == voting::outcome::approved;
  d.effects.emplace_back(close_vote{vote.id, approved});
  if (approved) {
    const auto paid = release_and_settle(view, vote, settings, d.effects);
    d.effects.emplace_back(post_reply{text_vote_approved(vote.release_minor, currency_of(view), vote.solvers) +
                                      text_collect(paid, currency_of(view), settings.public_url)});
  } else {
    int most_rejections = 0;  // SPEC §7: a milestone rejected twice disputes the bounty
    for (const auto& m : view.milestones) {
      most_rejections = std::max(most_rejections, m.rejections + (contains(vote.milestone_ids, m.id) ? 1 : 0));
    }
    const bool disputed = most_rejections >= 2;
    d.effects.emplace_back(reject_milestones{vote.milestone_ids});
    d.effects.emplace_back(set_state{bounty_state::accepted});
    d.effects.emplace_back(set_disputed{disputed});
    d.effects.emplace_back(post_reply{text_vote_rejected(disputed)});
  }
  d.effects.emplace_back(rearm_deferred_timers{});
  d.effects.emplace_back(refresh_status{});
  return d;
}

bool is_ballot_emoji(std::string_view name) { return name == "thumbsup" || name == "thumbsdown"; }

decision decide_reaction(const bounty_view& view, const reaction_changed& event, const repo_settings& settings,
                         utc_time now) {
  decision d;
  if (!is_ballot_emoji(event.name) || !view.vote || view.vote->comment_id != event.comment_id) return d;
  const auto& voters = view.vote->voters;
  const auto voter = std::find_if(voters.begin(), voters.end(), [&](const vote_voter& v) {
    return v.user.platform == view.issue.platform && v.user.id == event.user.id;
  });
  if (voter == voters.end()) return d;  // not an eligible voter: ignored
  bool up = voter->thumbs_up, down = voter->thumbs_down;
  (event.name == "thumbsup" ? up : down) = event.awarded;
  bounty_view changed = view;
  apply_ballot(changed, ballot_of(*view.vote, *voter, up, down), d);
  close_if_decided(changed, settings, now, d);
  return d;
}

decision decide_polled_reactions(const bounty_view& view, std::int64_t vote_id,
                                 const std::vector<std::pair<std::int64_t, std::string>>& reactions,
                                 const repo_settings& settings, utc_time now) {
  decision d;
  if (!view.vote || view.vote->id != vote_id) return d;
  std::map<int64_t, std::pair<bool, bool>> given;  // user id -> (👍, 👎)
  for (const auto& [user, content] : reactions) {
    if (content == "+1" || content == "thumbsup") given[user].first = true;
    if (content == "-1" || content == "thumbsdown") given[user].second = true;
  }
  bounty_view changed = view;
  for (const auto& voter : view.vote->voters) {
    const auto [up, down] = given[voter.user.id];
    if (up == voter.thumbs_up && down == voter.thumbs_down) continue;
    apply_ballot(changed, ballot_of(*view.vote, voter, up, down), d);
  }
  if (!d.effects.empty()) close_if_decided(changed, settings, now, d);
  return d;
}

decision decide_timer(const bounty_view& view, const due_timer& timer, const repo_settings& settings, utc_time now) {
  decision d;
  const auto& b = *view.current;
  const bool live = is_live(b.state);
  if (timer.kind == timer_kind::vote_close) {
    if (view.vote && timer.vote_id == view.vote->id) {
      const auto result = voting::decide_at_close(tally_of(*view.vote), settings.silence);
      d = decide_vote_close(view, result, settings, now);
    }
    d.effects.emplace_back(timer_fired{timer.id});
    return d;
  }
  const bool is_deadline = timer.kind == timer_kind::pledge_deadline || timer.kind == timer_kind::bounty_deadline;
  if (is_deadline && live && view.vote) {
    // SPEC §6: a deadline that falls while a vote is open waits for that vote to close.
    d.effects.emplace_back(defer_timer{timer.id, view.vote->closes_at + std::chrono::seconds{1}});
    return d;
  }
  if (live && timer.kind == timer_kind::pledge_deadline) {
    auto after = view.pledges;
    for (auto& p : after) {
      if (!timer.pledge_id || p.id != *timer.pledge_id) continue;
      auto ended = end_pledge(p);
      if (!ended) continue;
      d.effects.push_back(*ended);
      const auto* r = std::get_if<refund_pledge>(&*ended);
      p.state = r ? pledge_state::refunded : pledge_state::cancelled;
      if (r) {
        const auto told = text_pledge_deadline(r->amount.amount_minor(), r->amount.currency());
        d.effects.emplace_back(post_reply{render_reply(p.sponsor.login, {told})});
      }
    }
    // Expired when the deadlines refunded everything the bounty held.
    const bool holds_money = std::any_of(after.begin(), after.end(), [](const pledge& p) {
      return p.state == pledge_state::held && p.amount_minor > p.released_minor;
    });
    const bool refunded = std::any_of(after.begin(), after.end(), [](const pledge& p) { return p.state == pledge_state::refunded; });
    if ((b.state == bounty_state::open || b.state == bounty_state::accepted) && !holds_money && refunded) {
      d.effects.emplace_back(set_state{bounty_state::expired});
    }
    d.effects.emplace_back(refresh_status{});
  } else if (live && timer.kind == timer_kind::funds_expiry) {
    for (const auto& p : view.pledges) {
      if (timer.pledge_id && p.id == *timer.pledge_id && p.state == pledge_state::awaiting_funds) {
        d.effects.emplace_back(cancel_pledge{p.id});
      }
    }
  } else if (live && timer.kind == timer_kind::bounty_deadline && b.deadline == timer.due_at) {
    end_all(view.pledges, d.effects);
    d.effects.emplace_back(set_state{bounty_state::expired});
    d.effects.emplace_back(post_reply{text_bounty_deadline()});
    d.effects.emplace_back(refresh_status{});
  }
  d.effects.emplace_back(timer_fired{timer.id});
  return d;
}

result<bool> check_resolution(const dispute_resolution& r) {
  if (r.action != "release" && r.action != "refund") return make_problem(problem_code::action, text_resolution_action());
  if (r.reason.empty()) return make_problem(problem_code::reason, text_resolution_no_reason());
  if (r.reason.size() > max_reason_chars || has_control_chars(r.reason)) {
    return make_problem(problem_code::reason, text_resolution_reason_too_long());
  }
  return true;
}

std::string_view resolution_outcome(const dispute_resolution& r) { return r.action == "refund" ? "refunded" : "released"; }

result<decision> decide_dispute(const bounty_view& view, const dispute_resolution& r,
                                const std::optional<open_vote>& last_rejected, const repo_settings& settings,
                                utc_time /*now*/) {
  if (!view.current->disputed) return make_problem(problem_code::not_disputed, text_dispute_not_disputed());
  const bool refund = r.action == "refund";
  if (!refund && !last_rejected) return make_problem(problem_code::no_vote, text_dispute_no_rejected_vote());
  decision d;
  d.effects.emplace_back(record_resolution{r.action, r.reason});
  d.effects.emplace_back(set_disputed{false});
  if (refund) {
    end_all(view.pledges, d.effects);
    d.effects.emplace_back(set_state{bounty_state::cancelled});
    d.effects.emplace_back(post_reply{text_dispute_refunded(r.reason)});
  } else {
    // Release: the disputed milestone(s) of the last rejected vote, to that vote's solvers.
    const auto paid = release_and_settle(view, *last_rejected, settings, d.effects);
    d.effects.emplace_back(post_reply{text_dispute_released(last_rejected->release_minor, currency_of(view), r.reason) +
                                      text_collect(paid, currency_of(view), settings.public_url)});
  }
  d.effects.emplace_back(refresh_status{});
  return d;
}

std::vector<deposit_effects> decide_deposit(std::int64_t available_minor,
                                            const std::vector<awaiting_pledge>& awaiting_oldest_first,
                                            const std::string& login, utc_time now) {
  const auto plan = plan_funding(available_minor, awaiting_oldest_first, now);
  const auto find = [&](int64_t id) -> const awaiting_pledge& {
    return *std::find_if(awaiting_oldest_first.begin(), awaiting_oldest_first.end(),
                         [&](const awaiting_pledge& a) { return a.p.id == id; });
  };
  std::map<int64_t, decision> by_bounty;
  std::map<int64_t, std::vector<std::string>> told;  // bounty id -> sentences for the sponsor
  std::set<int64_t> held_on;
  for (auto id : plan.expired) by_bounty[find(id).bounty_id].effects.emplace_back(cancel_pledge{id});
  for (auto id : plan.ended) by_bounty[find(id).bounty_id].effects.emplace_back(cancel_pledge{id});
  for (auto id : plan.refused_full) {
    const auto& a = find(id);
    by_bounty[a.bounty_id].effects.emplace_back(cancel_pledge{id});
    told[a.bounty_id].push_back(render_funding_refused(a.p.amount_minor, *a.goal_minor, a.p.currency));
  }
  for (const auto& h : plan.hold) {
    const auto& a = find(h.pledge_id);
    by_bounty[a.bounty_id].effects.emplace_back(hold_awaiting{a.p, h.amount_minor, h.cut});
    if (h.cut) told[a.bounty_id].push_back(render_funding_cut(a.p.amount_minor, h.amount_minor, *a.goal_minor, a.p.currency));
    held_on.insert(a.bounty_id);
  }
  std::vector<deposit_effects> out;
  for (auto& [bounty_id, d] : by_bounty) {
    if (held_on.contains(bounty_id)) d.effects.emplace_back(refresh_status{});
    if (const auto it = told.find(bounty_id); it != told.end()) {
      d.effects.emplace_back(post_reply{render_reply(login, it->second)});
    }
    out.push_back({bounty_id, std::move(d)});
  }
  return out;
}

}  // namespace bountybot::bot
