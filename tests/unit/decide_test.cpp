// Table tests of the lifecycle's pure decisions (SPEC §4–§7): each row is a view, an input and the
// effects expected, in order, written as a short trace. No database, no clock.
#include "bot/lifecycle.hpp"
#include "bot/platform.hpp"
#include "bot/status.hpp"

#include <gtest/gtest.h>

namespace bountybot::bot {
namespace {

using std::chrono::days;
using std::chrono::seconds;

const utc_time t0 = *parse_deadline("2026-11-21T12:00:00Z");
const user_ref s1{"github", 1, "s1"}, s2{"github", 2, "s2"}, s3{"github", 3, "s3"}, dev{"github", 9, "dev"},
    maint{"github", 20, "maint"};

pledge held(std::int64_t id, const user_ref& who, std::int64_t amount, std::int64_t released = 0) {
  return {id, who, amount, "USD", pledge_state::held, t0, t0 + days{90}, std::nullopt, released};
}
pledge awaiting(std::int64_t id, const user_ref& who, std::int64_t amount) {
  return {id, who, amount, "USD", pledge_state::awaiting_funds, t0, t0 + days{90}, t0 + days{7}};
}

// A bounty of 150.00 USD held by s1 (100) and s2 (50), one stored milestone "done".
bounty_view view_in(bounty_state state) {
  bounty_view v;
  v.issue = {"github", 100, "octo/repo", 5, "https://github.com/octo/repo/issues/5"};
  v.current = bounty{7, state, "USD"};
  v.pledges = {held(1, s1, 10000), held(2, s2, 5000)};
  v.milestones = {{70, 0, "done", 100}};
  return v;
}

// `view` with an open vote (id 30, closing at t0 + 7 days) on milestone ids `ms`, for dev, with
// s1 and s2 voting by amount.
bounty_view with_vote(bounty_view v, std::vector<std::int64_t> ms = {70}) {
  v.current->state = bounty_state::voting;
  for (auto& m : v.milestones) {
    if (std::find(ms.begin(), ms.end(), m.id) != ms.end()) m.state = milestone_state::voting;
  }
  open_vote vote;
  vote.id = 30;
  vote.milestone_ids = ms;
  vote.closes_at = t0 + days{7};
  vote.solvers = {{dev, 100}};
  vote.voters = {{s1, 10000}, {s2, 5000}};
  vote.release_minor = 15000;
  vote.comment_id = 555;
  v.vote = vote;
  return v;
}

// One effect as a short trace entry.
struct tracer {
  std::string operator()(const create_bounty&) const { return "create_bounty"; }
  std::string operator()(const fix_currency& e) const { return "fix_currency(" + e.currency + ")"; }
  std::string operator()(const add_pledge& e) const { return "add_pledge(" + std::to_string(e.p.amount_minor) + ")"; }
  std::string operator()(const refund_pledge& e) const {
    return "refund(" + std::to_string(e.pledge_id) + ":" + std::to_string(e.amount.amount_minor()) + ")";
  }
  std::string operator()(const cancel_pledge& e) const { return "cancel(" + std::to_string(e.pledge_id) + ")"; }
  std::string operator()(const refresh_status&) const { return "status"; }
  std::string operator()(const set_goal&) const { return "set_goal"; }
  std::string operator()(const set_deadline&) const { return "set_deadline"; }
  std::string operator()(const define_milestones&) const { return "define_milestones"; }
  std::string operator()(const set_split&) const { return "set_split"; }
  std::string operator()(const start_vote& e) const {
    std::string s = "start_vote(";
    for (int p : e.milestone_positions) s += std::to_string(p);
    for (const auto& solver : e.solvers) s += ":" + solver.user.login;
    return s + ")";
  }
  std::string operator()(const set_state& e) const { return std::string(to_string(e.state)); }
  std::string operator()(const mark_closed_completed&) const { return "closed_completed"; }
  std::string operator()(const change_label& e) const { return (e.add ? "+" : "-") + e.label; }
  std::string operator()(const post_reply&) const { return "reply"; }
  std::string operator()(const close_vote& e) const {
    return "close_vote(" + std::to_string(e.vote_id) + (e.approved ? ":approved)" : ":rejected)");
  }
  std::string operator()(const release_milestones& e) const { return "release(" + std::to_string(e.plan.total_minor) + ")"; }
  std::string operator()(const reject_milestones&) const { return "reject_milestones"; }
  std::string operator()(const set_disputed& e) const { return e.disputed ? "disputed" : "undisputed"; }
  std::string operator()(const rearm_deferred_timers&) const { return "rearm"; }
  std::string operator()(const set_ballot& e) const {
    return "ballot(" + e.voter.login + ":" + std::string(voting::to_string(e.ballot)) + ")";
  }
  std::string operator()(const defer_timer& e) const {
    return "defer(+" + std::to_string((e.fire_at - t0).count()) + "s)";
  }
  std::string operator()(const timer_fired&) const { return "fired"; }
  std::string operator()(const record_resolution& e) const { return "resolution(" + e.action + ")"; }
  std::string operator()(const know_user& e) const { return "know(" + e.user.login + ")"; }
  std::string operator()(const hold_awaiting& e) const {
    return "hold(" + std::to_string(e.p.id) + ":" + std::to_string(e.amount_minor) + (e.cut ? ",cut)" : ")");
  }
};

std::string trace(const decision& d) {
  std::string out;
  for (const auto& e : d.effects) out += (out.empty() ? "" : " ") + std::visit(tracer{}, e);
  return out;
}

std::string replies(const decision& d) {
  std::string out;
  for (const auto& e : d.effects) {
    if (const auto* r = std::get_if<post_reply>(&e)) out += r->body;
  }
  return out;
}

// ---- labels (SPEC §5) ----

labels_changed label(bool added, std::string name = "bounty: accepted") {
  labels_changed e;
  e.issue = view_in(bounty_state::open).issue;
  e.actor = maint;
  (added ? e.added : e.removed).push_back(std::move(name));
  return e;
}

TEST(DecideLabels, Table) {
  struct row {
    const char* name;
    bounty_state state;
    bool added;
    bool maintainer;
    bool released_milestone;
    bool vote;
    const char* expected;
  };
  const row rows[] = {
      {"a non-maintainer's add is reverted", bounty_state::open, true, false, false, false, "-bounty: accepted reply"},
      {"a non-maintainer's removal is reverted", bounty_state::accepted, false, false, false, false,
       "+bounty: accepted reply"},
      {"a maintainer accepts an open bounty", bounty_state::open, true, true, false, false, "accepted status"},
      {"accepting twice changes nothing", bounty_state::accepted, true, true, false, false, ""},
      {"a maintainer un-accepts before any release", bounty_state::accepted, false, true, false, false, "open status"},
      {"un-accepting after a release is put back", bounty_state::accepted, false, true, true, false,
       "+bounty: accepted reply"},
      {"un-accepting during a vote is put back", bounty_state::voting, false, true, false, true, "+bounty: accepted reply"},
      {"a final bounty ignores the label", bounty_state::completed, false, true, false, false, ""},
      {"an open bounty ignores a removal", bounty_state::open, false, true, false, false, ""},
  };
  for (const auto& r : rows) {
    auto v = r.vote ? with_vote(view_in(r.state)) : view_in(r.state);
    v.current->state = r.state;
    if (r.released_milestone) v.milestones[0].state = milestone_state::released;
    v.author_is_maintainer = r.maintainer;
    EXPECT_EQ(trace(decide_labels(v, label(r.added), {}, t0)), r.expected) << r.name;
  }
}

TEST(DecideLabels, RevertTellsTheActorWhy) {
  auto v = view_in(bounty_state::open);
  const auto d = decide_labels(v, label(true), {}, t0);
  EXPECT_NE(replies(d).find("@maint only maintainers of this repository can add the `bounty: accepted` label"),
            std::string::npos)
      << replies(d);
}

TEST(DecideLabels, OnlyTheAcceptedLabelCountsCaseInsensitively) {
  EXPECT_EQ(accepted_label_change(label(true, "Bounty: Accepted"), {}), std::optional<bool>(true));
  EXPECT_EQ(accepted_label_change(label(false, "BOUNTY: ACCEPTED"), {}), std::optional<bool>(false));
  EXPECT_EQ(accepted_label_change(label(true, "bug"), {}), std::nullopt);
  repo_settings custom;
  custom.accepted_label = "funded";
  EXPECT_EQ(accepted_label_change(label(true, "funded"), custom), std::optional<bool>(true));
  EXPECT_EQ(accepted_label_change(label(true), custom), std::nullopt);
}

// ---- closes and merges (SPEC §6) ----

issue_closed closed(bool completed, std::vector<user_ref> assignees = {}) {
  issue_closed e;
  e.issue = view_in(bounty_state::open).issue;
  e.completed = completed;
  e.assignees = std::move(assignees);
  return e;
}

TEST(DecideClosed, Table) {
  struct row {
    const char* name;
    bounty_view view;
    issue_closed event;
    const char* expected;
  };
  auto mixed = view_in(bounty_state::open);
  mixed.pledges.push_back(awaiting(3, s3, 2000));
  mixed.pledges.push_back(held(4, s3, 0));  // zero-value support
  auto earlier_completed = view_in(bounty_state::accepted);
  earlier_completed.current->closed_completed = true;
  auto nothing_held = view_in(bounty_state::accepted);
  nothing_held.pledges = {held(1, s1, 0)};
  auto implicit_split = view_in(bounty_state::accepted);
  implicit_split.milestones.clear();
  implicit_split.current->split = {{"dev", 100}};
  const row rows[] = {
      {"not planned refunds held, cancels awaiting and support", mixed, closed(false),
       "refund(1:10000) refund(2:5000) cancel(3) cancel(4) cancelled reply status"},
      {"not planned rejects the open vote first", with_vote(view_in(bounty_state::voting)), closed(false),
       "close_vote(30:rejected) refund(1:10000) refund(2:5000) cancelled reply status"},
      {"a close after a completed close counts as completed", earlier_completed, closed(false, {dev}),
       "closed_completed start_vote(0:dev) voting status"},
      {"completed without assignees accepts and asks for a submission", view_in(bounty_state::open), closed(true),
       "closed_completed accepted reply status"},
      {"completed with assignees submits what remains", view_in(bounty_state::accepted), closed(true, {dev}),
       "closed_completed start_vote(0:dev) voting status"},
      {"the implicit milestone becomes a row and a split is used once", implicit_split, closed(true, {dev}),
       "closed_completed define_milestones start_vote(0:dev) voting set_split status"},
      {"completed during a vote waits for it", with_vote(view_in(bounty_state::voting)), closed(true, {dev}),
       "closed_completed"},
      {"completed with nothing held submits nothing", nothing_held, closed(true, {dev}), "closed_completed status"},
      {"a cancelled bounty ignores the close", view_in(bounty_state::cancelled), closed(false), ""},
      {"an expired bounty ignores the close", view_in(bounty_state::expired), closed(true, {dev}), ""},
  };
  for (const auto& r : rows) EXPECT_EQ(trace(decide_closed(r.view, r.event, {}, t0)), r.expected) << r.name;
}

TEST(DecideClosed, CompletedSubmitsEveryPendingMilestoneInOneVote) {
  auto v = view_in(bounty_state::accepted);
  v.milestones = {{70, 0, "design", 30, milestone_state::released}, {71, 1, "build", 50}, {72, 2, "docs", 20}};
  const auto d = decide_closed(v, closed(true, {dev, s3}), {}, t0);
  EXPECT_EQ(trace(d), "closed_completed start_vote(12:dev:s3) voting status");
  const auto& vote = std::get<start_vote>(d.effects[1]);
  EXPECT_EQ(vote.closes_at, t0 + days{7});
  EXPECT_EQ(vote.submitter.id, dev.id);
}

change_merged merged() {
  change_merged e;
  e.repository = view_in(bounty_state::open).issue;
  e.closes = {5};
  e.author = dev;
  e.url = "https://github.com/octo/repo/pull/8";
  return e;
}

TEST(DecideMerged, Table) {
  struct row {
    const char* name;
    bounty_view view;
    const char* expected;
  };
  auto nothing_held = view_in(bounty_state::accepted);
  nothing_held.pledges = {held(1, s1, 0)};
  const row rows[] = {
      {"a merge accepts an open bounty and submits for its author", view_in(bounty_state::open),
       "closed_completed accepted know(dev) start_vote(0:dev) voting status"},
      {"a merge on an accepted bounty submits", view_in(bounty_state::accepted),
       "closed_completed know(dev) start_vote(0:dev) voting status"},
      {"a merge with nothing held records its author and opens no vote", nothing_held, "closed_completed know(dev) status"},
      {"a merge during a vote changes nothing", with_vote(view_in(bounty_state::voting)), ""},
      {"a merge on a completed bounty changes nothing", view_in(bounty_state::completed), ""},
      {"a merge on a cancelled bounty changes nothing", view_in(bounty_state::cancelled), ""},
  };
  for (const auto& r : rows) EXPECT_EQ(trace(decide_merged(r.view, merged(), {}, t0)), r.expected) << r.name;
  const auto d = decide_merged(view_in(bounty_state::accepted), merged(), {}, t0);
  EXPECT_EQ(std::get<start_vote>(d.effects[2]).url, "https://github.com/octo/repo/pull/8");
}

// ---- vote closes (SPEC §7) ----

TEST(DecideVoteClose, Table) {
  struct row {
    const char* name;
    bounty_view view;
    voting::outcome result;
    const char* expected;
  };
  auto with_awaiting = with_vote(view_in(bounty_state::voting));
  with_awaiting.pledges.push_back(awaiting(3, s3, 2000));
  auto two_milestones = view_in(bounty_state::voting);
  two_milestones.milestones = {{70, 0, "first", 50}, {71, 1, "second", 50}};
  two_milestones = with_vote(two_milestones, {70});
  auto rejected_once = with_vote(view_in(bounty_state::voting));
  rejected_once.milestones[0].rejections = 1;
  auto other_rejected_twice = view_in(bounty_state::voting);
  other_rejected_twice.milestones = {{70, 0, "first", 50, milestone_state::released, 2}, {71, 1, "second", 50}};
  other_rejected_twice = with_vote(other_rejected_twice, {71});
  const row rows[] = {
      {"approval of the last milestone completes and cancels what never arrived", with_awaiting,
       voting::outcome::approved, "close_vote(30:approved) release(15000) cancel(3) completed reply rearm status"},
      {"approval of the first of two milestones keeps the bounty accepted", two_milestones, voting::outcome::approved,
       "close_vote(30:approved) release(7500) accepted reply rearm status"},
      {"a first rejection lets the solver submit again", with_vote(view_in(bounty_state::voting)),
       voting::outcome::rejected, "close_vote(30:rejected) reject_milestones accepted undisputed reply rearm status"},
      {"a second rejection disputes the bounty", rejected_once, voting::outcome::rejected,
       "close_vote(30:rejected) reject_milestones accepted disputed reply rearm status"},
      {"any milestone rejected twice keeps it disputed", other_rejected_twice, voting::outcome::rejected,
       "close_vote(30:rejected) reject_milestones accepted disputed reply rearm status"},
  };
  for (const auto& r : rows) EXPECT_EQ(trace(decide_vote_close(r.view, r.result, {}, t0)), r.expected) << r.name;
}

TEST(ReleaseTransfers, FeesFirstThenTheSolversAndNothingForAZeroPart) {
  release_milestones e;
  e.vote_id = 9;
  e.currency = "USD";
  e.plan.platform_fee_minor = 100;
  e.plan.to_solvers = {{user_ref{"github", 40, "dev"}, 900}, {user_ref{"gitlab", 41, "dev2"}, 0}};
  issue_ref issue;
  issue.platform = "github";
  issue.repository_path = "octo-org/octo-repo";
  auto t = release_transfers(e, 5, issue);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].idempotency_key, "vote:9:fee:platform");
  EXPECT_EQ(t[0].kind, escrow::transfer_kind::fee);
  EXPECT_EQ(t[0].debit, "bounty:5:escrow");
  EXPECT_EQ(t[0].credit, "platform:fees");
  EXPECT_EQ(t[0].amount, escrow::money(100, "USD"));
  EXPECT_EQ(t[1].idempotency_key, "vote:9:release:github:40");
  EXPECT_EQ(t[1].kind, escrow::transfer_kind::release);
  EXPECT_EQ(t[1].credit, "user:github:40:payable");
  EXPECT_EQ(t[1].amount, escrow::money(900, "USD"));
  e.plan.project_fee_minor = 50;
  t = release_transfers(e, 5, issue);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1].idempotency_key, "vote:9:fee:project");
  EXPECT_EQ(t[1].credit, "project:github:octo-org/octo-repo:fees");
}

TEST(DecideVoteClose, ApprovalPaysFeesThenSolversAndRecordsEachMilestonesFigure) {
  auto v = view_in(bounty_state::voting);
  v.milestones = {{70, 0, "first", 50}, {71, 1, "second", 50}};
  v = with_vote(v, {70});
  v.vote->solvers = {{dev, 70}, {s3, 30}};
  v.vote->release_minor = 7500;  // as snapshotted when the vote opened
  repo_settings fees;
  fees.platform_fee_bps = 500;  // 5%
  fees.project_fee_bps = 100;   // 1%
  const auto d = decide_vote_close(v, voting::outcome::approved, fees, t0);
  const auto& release = std::get<release_milestones>(d.effects[1]);
  EXPECT_EQ(release.currency, "USD");
  EXPECT_EQ(release.plan.total_minor, 7500);
  EXPECT_EQ(release.plan.platform_fee_minor, 375);
  EXPECT_EQ(release.plan.project_fee_minor, 75);
  ASSERT_EQ(release.plan.to_solvers.size(), 2u);
  EXPECT_EQ(release.plan.to_solvers[0].second + release.plan.to_solvers[1].second, 7500 - 375 - 75);
  EXPECT_EQ(release.plan.to_solvers[0].second, 4935);  // 70% of 7,050
  ASSERT_EQ(release.plan.per_milestone.size(), 1u);
  EXPECT_EQ(release.plan.per_milestone[0], std::make_pair(0, std::int64_t{7500}));
  EXPECT_NE(replies(d).find("The sponsors approved: $75.00 released to @dev, @s3"), std::string::npos) << replies(d);
  // Each solver is told their amount and where to collect it (SPEC §14).
  EXPECT_NE(replies(d).find("@dev: $49.35, @s3: $21.15. Sign in at /me/payouts to be paid out."), std::string::npos)
      << replies(d);
}

TEST(DecideVoteClose, CompletionRefundsWhatPledgesMadeAfterEarlierMilestonesStillHold) {
  auto v = view_in(bounty_state::voting);
  v.milestones = {{70, 0, "first", 50, milestone_state::released}, {71, 1, "second", 50}};
  v.pledges = {held(1, s1, 10000, 5000), held(2, s2, 4000)};  // s2 came after the first release
  v = with_vote(v, {71});
  const auto d = decide_vote_close(v, voting::outcome::approved, {}, t0);
  EXPECT_EQ(trace(d), "close_vote(30:approved) release(7000) refund(2:2000) completed reply rearm status");
}

// ---- reactions (SPEC §7) ----

reaction_changed thumb(const user_ref& who, std::string name, bool awarded = true, std::int64_t comment = 555) {
  reaction_changed e;
  e.issue = view_in(bounty_state::voting).issue;
  e.comment_id = comment;
  e.user = who;
  e.name = std::move(name);
  e.awarded = awarded;
  return e;
}

TEST(DecideReaction, Table) {
  struct row {
    const char* name;
    bounty_view view;
    reaction_changed event;
    const char* expected;
  };
  auto s2_up = with_vote(view_in(bounty_state::voting));
  s2_up.vote->voters[1].thumbs_up = true;
  s2_up.vote->voters[1].ballot = voting::ballot::approve;
  const row rows[] = {
      {"two thirds approving closes early", with_vote(view_in(bounty_state::voting)), thumb(s1, "thumbsup"),
       "ballot(s1:approve) close_vote(30:approved) release(15000) completed reply rearm status"},
      {"a third approving waits", with_vote(view_in(bounty_state::voting)), thumb(s2, "thumbsup"),
       "ballot(s2:approve) status"},
      {"more than a third rejecting closes early", with_vote(view_in(bounty_state::voting)), thumb(s1, "thumbsdown"),
       "ballot(s1:reject) close_vote(30:rejected) reject_milestones accepted undisputed reply rearm status"},
      {"both thumbs abstain", s2_up, thumb(s2, "thumbsdown"), "ballot(s2:abstain) status"},
      {"a thumb taken back withdraws the ballot", s2_up, thumb(s2, "thumbsup", false), "ballot(s2:none) status"},
      {"a user who may not vote is ignored", with_vote(view_in(bounty_state::voting)), thumb(dev, "thumbsup"), ""},
      {"another emoji is ignored", with_vote(view_in(bounty_state::voting)), thumb(s1, "tada"), ""},
      {"another comment is ignored", with_vote(view_in(bounty_state::voting)), thumb(s1, "thumbsup", true, 777), ""},
      {"no open vote: ignored", view_in(bounty_state::accepted), thumb(s1, "thumbsup"), ""},
  };
  for (const auto& r : rows) EXPECT_EQ(trace(decide_reaction(r.view, r.event, {}, t0)), r.expected) << r.name;
}

TEST(DecidePolledReactions, Table) {
  using reactions = std::vector<std::pair<std::int64_t, std::string>>;
  struct row {
    const char* name;
    reactions given;
    const char* expected;
  };
  const row rows[] = {
      {"nothing given, nothing changes", {}, ""},
      {"GitHub's +1 from the big sponsor approves", {{1, "+1"}},
       "ballot(s1:approve) close_vote(30:approved) release(15000) completed reply rearm status"},
      {"GitLab's thumbsup counts the same", {{2, "thumbsup"}}, "ballot(s2:approve) status"},
      {"a non-voter's reactions are ignored", {{9, "+1"}, {3, "-1"}}, ""},
      {"other reactions are ignored", {{1, "heart"}, {2, "laugh"}}, ""},
      {"both thumbs abstain", {{2, "+1"}, {2, "-1"}}, "ballot(s2:abstain) status"},
  };
  for (const auto& r : rows) {
    EXPECT_EQ(trace(decide_polled_reactions(with_vote(view_in(bounty_state::voting)), 30, r.given, {}, t0)), r.expected)
        << r.name;
  }
  auto s1_up = with_vote(view_in(bounty_state::voting));
  s1_up.vote->voters[0].thumbs_up = true;
  s1_up.vote->voters[0].ballot = voting::ballot::approve;
  EXPECT_EQ(trace(decide_polled_reactions(s1_up, 30, {{1, "+1"}}, {}, t0)), "") << "unchanged ballots change nothing";
  EXPECT_EQ(trace(decide_polled_reactions(s1_up, 30, {}, {}, t0)), "ballot(s1:none) status") << "a reaction removed";
  EXPECT_EQ(trace(decide_polled_reactions(s1_up, 31, {}, {}, t0)), "") << "a vote that closed meanwhile";
  EXPECT_EQ(trace(decide_polled_reactions(view_in(bounty_state::accepted), 30, {{1, "+1"}}, {}, t0)), "") << "no open vote";
}

// ---- timers (SPEC §4, §6, §7) ----

due_timer timer(timer_kind kind, std::optional<std::int64_t> pledge = std::nullopt, utc_time due = t0) {
  return {40, kind, pledge, kind == timer_kind::vote_close ? std::optional<std::int64_t>(30) : std::nullopt, due};
}

TEST(DecideTimer, Table) {
  struct row {
    const char* name;
    bounty_view view;
    due_timer timer;
    const char* expected;
  };
  auto only_s1 = view_in(bounty_state::open);
  only_s1.pledges = {held(1, s1, 10000), held(2, s2, 5000)};
  only_s1.pledges[1].state = pledge_state::refunded;
  auto with_awaiting = view_in(bounty_state::open);
  with_awaiting.pledges.push_back(awaiting(3, s3, 2000));
  auto with_deadline = view_in(bounty_state::accepted);
  with_deadline.current->deadline = t0;
  auto moved_deadline = with_deadline;
  moved_deadline.current->deadline = t0 + days{3};
  auto silent_reject = with_vote(view_in(bounty_state::voting));
  const row rows[] = {
      {"a pledge deadline refunds it and tells the sponsor", view_in(bounty_state::open),
       timer(timer_kind::pledge_deadline, 1), "refund(1:10000) reply status fired"},
      {"the last pledge's deadline expires the bounty", only_s1, timer(timer_kind::pledge_deadline, 1),
       "refund(1:10000) reply expired status fired"},
      {"a deadline during a vote waits until a second after it closes", with_vote(view_in(bounty_state::voting)),
       timer(timer_kind::pledge_deadline, 1), "defer(+604801s)"},
      {"the bounty deadline during a vote waits too", with_vote(view_in(bounty_state::voting)),
       timer(timer_kind::bounty_deadline), "defer(+604801s)"},
      {"a deadline on a completed bounty only fires", view_in(bounty_state::completed),
       timer(timer_kind::pledge_deadline, 1), "fired"},
      {"an already refunded pledge's deadline refreshes only", only_s1, timer(timer_kind::pledge_deadline, 2),
       "status fired"},
      {"funds that never came cancel the awaiting pledge", with_awaiting, timer(timer_kind::funds_expiry, 3),
       "cancel(3) fired"},
      {"a funding expiry of a held pledge does nothing", view_in(bounty_state::open), timer(timer_kind::funds_expiry, 1),
       "fired"},
      {"the bounty deadline refunds everything and expires", with_deadline, timer(timer_kind::bounty_deadline),
       "refund(1:10000) refund(2:5000) expired reply status fired"},
      {"a bounty deadline that was moved does nothing", moved_deadline, timer(timer_kind::bounty_deadline), "fired"},
      {"a vote closing in silence approves by default", with_vote(view_in(bounty_state::voting)),
       timer(timer_kind::vote_close), "close_vote(30:approved) release(15000) completed reply rearm status fired"},
      {"a vote close of another vote only fires", view_in(bounty_state::accepted), timer(timer_kind::vote_close), "fired"},
  };
  for (const auto& r : rows) EXPECT_EQ(trace(decide_timer(r.view, r.timer, {}, t0 + days{1})), r.expected) << r.name;
  repo_settings reject;
  reject.silence = voting::silence_rule::reject;
  EXPECT_EQ(trace(decide_timer(silent_reject, timer(timer_kind::vote_close), reject, t0)),
            "close_vote(30:rejected) reject_milestones accepted undisputed reply rearm status fired");
}

TEST(DecideTimer, TheSponsorIsToldWhatWentBack) {
  auto v = view_in(bounty_state::open);
  v.pledges[0].released_minor = 2500;
  const auto d = decide_timer(v, timer(timer_kind::pledge_deadline, 1), {}, t0);
  EXPECT_NE(replies(d).find("@s1 your pledge reached its deadline; its unreleased $75.00 went back to your balance."),
            std::string::npos)
      << replies(d);
}

TEST(TimerKind, NamesRoundTrip) {
  for (auto k : {timer_kind::pledge_deadline, timer_kind::funds_expiry, timer_kind::bounty_deadline, timer_kind::vote_close}) {
    EXPECT_EQ(timer_kind_from(to_string(k)), k);
  }
  EXPECT_THROW((void)timer_kind_from("nap"), std::invalid_argument);
}

// ---- disputes (SPEC §7 "Disputed") ----

TEST(DecideDispute, ChecksTheResolutionFirst) {
  EXPECT_EQ(check_resolution({"pay", "x"}).error().code, problem_code::action);
  EXPECT_EQ(check_resolution({"refund", ""}).error().code, problem_code::reason);
  EXPECT_EQ(check_resolution({"refund", std::string(max_reason_chars + 1, 'a')}).error().code, problem_code::reason);
  EXPECT_EQ(check_resolution({"refund", "two\nlines"}).error().code, problem_code::reason);
  EXPECT_TRUE(check_resolution({"release", std::string(max_reason_chars, 'a')}));
}

TEST(DecideDispute, Table) {
  auto disputed = view_in(bounty_state::accepted);
  disputed.current->disputed = true;
  disputed.milestones[0].rejections = 2;
  open_vote last;
  last.id = 31;
  last.milestone_ids = {70};
  last.solvers = {{dev, 100}};
  last.release_minor = 15000;
  EXPECT_EQ(decide_dispute(view_in(bounty_state::accepted), {"refund", "r"}, last, {}, t0).error().code, problem_code::not_disputed);
  EXPECT_EQ(decide_dispute(disputed, {"release", "r"}, std::nullopt, {}, t0).error().code, problem_code::no_vote);
  const auto refund = decide_dispute(disputed, {"refund", "the work was not done"}, std::nullopt, {}, t0);
  ASSERT_TRUE(refund);
  EXPECT_EQ(trace(*refund), "resolution(refund) undisputed refund(1:10000) refund(2:5000) cancelled reply status");
  EXPECT_NE(replies(*refund).find("Reason: `the work was not done`"), std::string::npos);
  const auto release = decide_dispute(disputed, {"release", "it works"}, last, {}, t0);
  ASSERT_TRUE(release);
  EXPECT_EQ(trace(*release), "resolution(release) undisputed release(15000) completed reply status");
  EXPECT_NE(replies(*release).find("$150.00 released to the solvers"), std::string::npos);
}

// ---- deposits (SPEC §3, §4) ----

awaiting_pledge waiting(std::int64_t id, std::int64_t bounty_id, std::int64_t amount,
                        std::optional<std::int64_t> goal = std::nullopt, std::int64_t held_minor = 0) {
  awaiting_pledge a;
  a.p = awaiting(id, s1, amount);
  a.bounty_id = bounty_id;
  a.goal_minor = goal;
  a.held_minor = held_minor;
  return a;
}

std::string trace(const std::vector<deposit_effects>& by_bounty) {
  std::string out;
  for (const auto& b : by_bounty) out += (out.empty() ? "" : " | ") + std::to_string(b.bounty_id) + ": " + trace(b.decided);
  return out;
}

TEST(DecideDeposit, Table) {
  struct row {
    const char* name;
    std::int64_t available;
    std::vector<awaiting_pledge> pledges;
    const char* expected;
  };
  auto expired = waiting(5, 8, 1000);
  expired.p.funds_expire_at = t0 - seconds{1};
  auto ended = waiting(6, 9, 1000);
  ended.bounty = bounty_state::cancelled;
  const row rows[] = {
      {"a deposit holds the pledges it covers, per bounty", 5000, {waiting(1, 7, 2000), waiting(2, 8, 3000)},
       "7: hold(1:2000) status | 8: hold(2:3000) status"},
      {"the oldest pledge not covered stops the walk", 2500, {waiting(1, 7, 3000), waiting(2, 8, 1000)}, ""},
      {"a pledge beyond the goal's room is cut and the sponsor told", 5000, {waiting(1, 7, 3000, 10000, 8000)},
       "7: hold(1:2000,cut) status reply"},
      {"a pledge on a full bounty is cancelled and the sponsor told", 5000, {waiting(1, 7, 3000, 10000, 10000)},
       "7: cancel(1) reply"},
      {"expired and ended pledges are cancelled quietly", 5000, {expired, ended}, "8: cancel(5) | 9: cancel(6)"},
      {"pledges of one bounty share its room", 5000,
       {waiting(1, 7, 1500, 10000, 8000), waiting(2, 7, 1500, 10000, 8000)},
       "7: hold(1:1500) hold(2:500,cut) status reply"},
  };
  for (const auto& r : rows) EXPECT_EQ(trace(decide_deposit(r.available, r.pledges, "s1", t0)), r.expected) << r.name;
}

TEST(DecideDeposit, TheSponsorIsToldOfACutAndARefusalInOneReply) {
  const auto d = decide_deposit(5000, {waiting(1, 7, 3000, 10000, 8000), waiting(2, 7, 1000, 10000, 8000)}, "s1", t0);
  ASSERT_EQ(d.size(), 1u);
  const auto text = replies(d[0].decided);
  EXPECT_NE(text.find("@s1"), std::string::npos);
  EXPECT_NE(text.find("had room for $20.00 only"), std::string::npos) << text;
  EXPECT_NE(text.find("arrived after this bounty reached its goal of $100.00"), std::string::npos) << text;
}

// ---- the one pledge-ending rule ----

TEST(EndPledge, Table) {
  auto refunded = held(3, s1, 1000);
  refunded.state = pledge_state::refunded;
  struct row {
    const char* name;
    pledge p;
    const char* expected;
  };
  const row rows[] = {
      {"a held pledge refunds what is unreleased", held(1, s1, 10000, 2500), "refund(1:7500)"},
      {"a fully released pledge stays", held(2, s1, 10000, 10000), ""},
      {"an awaiting pledge is cancelled", awaiting(4, s1, 1000), "cancel(4)"},
      {"zero-value support is cancelled", held(5, s1, 0), "cancel(5)"},
      {"a refunded pledge stays", refunded, ""},
  };
  for (const auto& r : rows) {
    decision d;
    end_all({r.p}, d.effects);
    EXPECT_EQ(trace(d), r.expected) << r.name;
  }
}

}  // namespace
}  // namespace bountybot::bot

namespace bountybot::bot {
namespace {

TEST(DepositReplay, TheSameReferenceWithTheSameValuesIsAReplayAndWithOthersAConflict) {
  const deposit_request asked{"github", 7, "alice", 5000, "usd", "wire-1"};
  const struct {
    const char* name;
    stored_deposit stored;
    bool replay;
  } rows[] = {
      {"the same values", {"github", 7, escrow::money(5000, "USD")}, true},
      {"another user", {"github", 8, escrow::money(5000, "USD")}, false},
      {"another platform", {"gitlab", 7, escrow::money(5000, "USD")}, false},
      {"another amount", {"github", 7, escrow::money(5001, "USD")}, false},
      {"another currency", {"github", 7, escrow::money(5000, "EUR")}, false},
  };
  for (const auto& r : rows) {
    const auto checked = check_deposit_replay(asked, escrow::money(5000, "USD"), r.stored);
    EXPECT_EQ(static_cast<bool>(checked), r.replay) << r.name;
    if (!checked) {
      EXPECT_EQ(checked.error().code, problem_code::conflict) << r.name;
    }
  }
}

TEST(Platform, NamesRoundTripAndNothingElseIsAPlatform) {
  EXPECT_EQ(platform_from(to_string(platform::github)), platform::github);
  EXPECT_EQ(platform_from(to_string(platform::gitlab)), platform::gitlab);
  EXPECT_EQ(platform_from("GitHub"), std::nullopt);
  EXPECT_EQ(platform_from("bitbucket"), std::nullopt);
}

}  // namespace
}  // namespace bountybot::bot
