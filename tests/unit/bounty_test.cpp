// The bounty core's decisions for pledges, support and unpledge (SPEC §2-§4, §6). Pure: no I/O.
#include "bot/bounty.hpp"
#include "bot/status.hpp"

#include <gtest/gtest.h>

namespace bountybot::bot {
namespace {

const utc_time t0 = *parse_deadline("2026-11-21T12:00:00Z");
const user_ref alice{"github", 1, "alice"};
const user_ref bob{"github", 2, "bob"};

template <class T>
std::vector<T> effects_of(const decision& d) {
  std::vector<T> out;
  for (const auto& e : d.effects)
    if (const auto* p = std::get_if<T>(&e)) out.push_back(*p);
  return out;
}

std::string reply_text(const decision& d) {
  std::string s;
  for (const auto& p : d.reply)
    if (const auto* t = std::get_if<std::string>(&p)) s += *t + "\n";
  return s;
}

decision run(const bounty_view& view, const user_ref& who, std::string_view body, repo_settings s = {}) {
  return decide(view, who, parse_comment(body), s, t0);
}

bounty_view funded(std::int64_t alice_usd) {
  bounty_view v;
  v.author_available["USD"] = alice_usd;
  return v;
}

TEST(Acknowledgement, ReactsDoneForADoneCommandAndRefusedForARefusedOne) {
  const struct {
    int done, refused;
    std::vector<reaction_kind> want;
  } table[] = {
      {0, 0, {}},
      {1, 0, {reaction_kind::done}},
      {0, 2, {reaction_kind::refused}},
      {3, 1, {reaction_kind::done, reaction_kind::refused}},
  };
  for (const auto& row : table) {
    decision d;
    d.done = row.done;
    d.refused = row.refused;
    EXPECT_EQ(acknowledgement(d), row.want) << row.done << " done, " << row.refused << " refused";
  }
  EXPECT_EQ(acknowledgement(run(funded(10000), alice, "/pledge $50\n/pledge -5")),
            (std::vector<reaction_kind>{reaction_kind::done, reaction_kind::refused}));
}

TEST(PledgeStart, AHeldMoneyPledgeHoldsAndEveryMoneyPledgeGetsItsTimers) {
  pledge held{-1, alice, 5000, "USD", pledge_state::held, t0, t0 + std::chrono::days{90}};
  auto s = start_of(held);
  EXPECT_TRUE(s.hold);
  EXPECT_EQ(s.deadline_timer, t0 + std::chrono::days{90});
  EXPECT_FALSE(s.funds_expiry_timer);
  pledge awaiting = held;
  awaiting.state = pledge_state::awaiting_funds;
  awaiting.funds_expire_at = t0 + std::chrono::days{7};
  s = start_of(awaiting);
  EXPECT_FALSE(s.hold);
  EXPECT_EQ(s.deadline_timer, t0 + std::chrono::days{90});
  EXPECT_EQ(s.funds_expiry_timer, t0 + std::chrono::days{7});
  pledge support{-2, alice, 0, "", pledge_state::held, t0, t0 + std::chrono::days{90}};
  s = start_of(support);
  EXPECT_FALSE(s.hold);
  EXPECT_FALSE(s.deadline_timer);
  EXPECT_FALSE(s.funds_expiry_timer);
}

TEST(Pledge, FirstPledgeCreatesTheBountyFixesItsCurrencyAndHoldsWhenCovered) {
  const auto d = run(funded(10000), alice, "/pledge $50");
  EXPECT_EQ(d.done, 1);
  EXPECT_EQ(d.refused, 0);
  EXPECT_EQ(effects_of<create_bounty>(d).size(), 1u);
  ASSERT_EQ(effects_of<fix_currency>(d).size(), 1u);
  EXPECT_EQ(effects_of<fix_currency>(d)[0].currency, "USD");
  const auto adds = effects_of<add_pledge>(d);
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(adds[0].p.amount_minor, 5000);
  EXPECT_EQ(adds[0].p.state, pledge_state::held);
  EXPECT_EQ(adds[0].p.deadline, t0 + std::chrono::days{90});
  EXPECT_EQ(effects_of<refresh_status>(d).size(), 1u);
  EXPECT_TRUE(d.reply.empty());
}

TEST(Pledge, UncoveredPledgeAwaitsFundsAndSaysHowMuchIsMissing) {
  const auto d = run(funded(2000), alice, "/pledge 50");
  const auto adds = effects_of<add_pledge>(d);
  ASSERT_EQ(adds.size(), 1u);
  EXPECT_EQ(adds[0].p.state, pledge_state::awaiting_funds);
  EXPECT_EQ(adds[0].p.funds_expire_at, t0 + std::chrono::days{7});
  ASSERT_EQ(d.reply.size(), 1u);
  const auto& fr = std::get<funds_request>(d.reply[0]);
  EXPECT_EQ(fr.missing_minor, 3000);
  EXPECT_EQ(fr.pledge_id, adds[0].p.id);
  EXPECT_NE(render_funds_request("https://bounty.example", 7, 3000, "USD", std::chrono::days{7})
                .find("https://bounty.example/fund/7"),
            std::string::npos);
}

TEST(Pledge, SecondPledgeAddsWithItsOwnDeadlineAndSpendsTheRemainingBalance) {
  const auto d = run(funded(6000), alice, "/pledge 50\n/pledge 20 until 2027-01-31");
  const auto adds = effects_of<add_pledge>(d);
  ASSERT_EQ(adds.size(), 2u);
  EXPECT_EQ(adds[0].p.state, pledge_state::held);
  EXPECT_EQ(adds[1].p.state, pledge_state::awaiting_funds);  // 10.00 left, 20.00 asked
  EXPECT_EQ(format_rfc3339(adds[1].p.deadline), "2027-02-01T00:00:00Z");
  EXPECT_EQ(effects_of<create_bounty>(d).size(), 1u);
}

TEST(Pledge, AFrozenSponsorPledgesNoMoneyButMaySupport) {
  bounty_view v = funded(10000);
  v.author_frozen = true;  // a card dispute (SPEC §14)
  const auto d = run(v, alice, "/pledge $50");
  EXPECT_EQ(d.refused, 1);
  EXPECT_TRUE(effects_of<add_pledge>(d).empty());
  EXPECT_TRUE(effects_of<create_bounty>(d).empty());
  EXPECT_NE(reply_text(d).find("`/pledge $50`: your account is frozen after a card dispute"), std::string::npos)
      << reply_text(d);
  EXPECT_EQ(effects_of<add_pledge>(run(v, alice, "/support")).size(), 1u);  // support moves no money
}

TEST(Pledge, OtherCurrencyThanTheBountysIsRefusedNamingIt) {
  bounty_view v = funded(10000);
  v.current = bounty{7, bounty_state::open, "USD"};
  const auto d = run(v, alice, "/pledge 50 EUR");
  EXPECT_EQ(d.refused, 1);
  EXPECT_TRUE(effects_of<add_pledge>(d).empty());
  EXPECT_NE(reply_text(d).find("this bounty is in USD"), std::string::npos) << reply_text(d);
}

TEST(Pledge, BareNumberTakesTheBountysCurrency) {
  bounty_view v;
  v.current = bounty{7, bounty_state::open, "EUR"};
  v.author_available["EUR"] = 5000;
  const auto d = run(v, alice, "/pledge 50");
  ASSERT_EQ(effects_of<add_pledge>(d).size(), 1u);
  EXPECT_EQ(effects_of<add_pledge>(d)[0].p.currency, "EUR");
  EXPECT_EQ(effects_of<add_pledge>(d)[0].p.state, pledge_state::held);
}

TEST(Pledge, BareNumberOnANewBountyTakesTheRepositoryDefault) {
  repo_settings s;
  s.default_currency = "GBP";
  const auto d = run({}, alice, "/pledge 5", s);
  EXPECT_EQ(effects_of<fix_currency>(d)[0].currency, "GBP");
}

TEST(Pledge, RefusalsChangeNothing) {
  for (const char* body : {"/pledge -5", "/pledge 50.555", "/pledge 1e3", "/pledge $50 EUR", "/pledge 100000.01",
                           "/pledge 50 until 2020-01-01", "/pledge abc"}) {
    const auto d = run(funded(100000000), alice, body);
    EXPECT_EQ(d.refused, 1) << body;
    EXPECT_EQ(d.done, 0) << body;
    EXPECT_TRUE(d.effects.empty()) << body;
    EXPECT_FALSE(reply_text(d).empty()) << body;
  }
}

TEST(Pledge, ClosedBountyTakesNoPledges) {
  bounty_view v = funded(10000);
  v.current = bounty{7, bounty_state::cancelled, "USD"};
  const auto d = run(v, alice, "/pledge 5");
  EXPECT_EQ(d.refused, 1);
  EXPECT_NE(reply_text(d).find("cancelled"), std::string::npos);
}

TEST(Pledge, GoalCutsAPledgeToWhatRemainsAndRefusesWhenFull) {
  bounty_view v = funded(100000);
  v.current = bounty{7, bounty_state::open, "USD", 10000};
  v.pledges.push_back({1, bob, 8000, "USD", pledge_state::held, t0, t0 + std::chrono::days{90}});
  auto d = run(v, alice, "/pledge 50");
  ASSERT_EQ(effects_of<add_pledge>(d).size(), 1u);
  EXPECT_EQ(effects_of<add_pledge>(d)[0].p.amount_minor, 2000);
  EXPECT_NE(reply_text(d).find("cut"), std::string::npos);
  v.pledges.push_back({2, alice, 2000, "USD", pledge_state::held, t0, t0 + std::chrono::days{90}});
  d = run(v, alice, "/pledge 1");
  EXPECT_EQ(d.refused, 1);
  EXPECT_NE(reply_text(d).find("reached its goal"), std::string::npos);
}

TEST(Support, ZeroValueSupportIsAPledgeOfZero) {
  for (const char* body : {"/support", "/pledge 0", "/pledge $0.00"}) {
    const auto d = run({}, alice, body);
    const auto adds = effects_of<add_pledge>(d);
    ASSERT_EQ(adds.size(), 1u) << body;
    EXPECT_TRUE(adds[0].p.is_support());
    EXPECT_TRUE(effects_of<fix_currency>(d).empty()) << "support does not fix the currency";
  }
}

TEST(Support, RefusedWhenTheRepositoryDisablesIt) {
  repo_settings s;
  s.zero_value_support = false;
  const auto d = run({}, alice, "/support", s);
  EXPECT_EQ(d.refused, 1);
  EXPECT_TRUE(d.effects.empty());
}

TEST(Support, SecondSupportAddsNothing) {
  bounty_view v;
  v.current = bounty{7, bounty_state::open};
  v.pledges.push_back({1, alice, 0, "", pledge_state::held, t0, t0});
  const auto d = run(v, alice, "/support");
  EXPECT_EQ(d.done, 1);
  EXPECT_TRUE(effects_of<add_pledge>(d).empty());
}

TEST(Unpledge, RefundsHeldAndCancelsAwaitingWhileOpen) {
  bounty_view v;
  v.current = bounty{7, bounty_state::open, "USD"};
  v.pledges.push_back({1, alice, 5000, "USD", pledge_state::held, t0, t0});
  v.pledges.push_back({2, alice, 9000, "USD", pledge_state::awaiting_funds, t0, t0});
  v.pledges.push_back({3, bob, 1000, "USD", pledge_state::held, t0, t0});
  const auto d = run(v, alice, "/unpledge");
  ASSERT_EQ(effects_of<refund_pledge>(d).size(), 1u);
  EXPECT_EQ(effects_of<refund_pledge>(d)[0].pledge_id, 1);
  EXPECT_EQ(effects_of<refund_pledge>(d)[0].amount, escrow::money(5000, "USD"));
  ASSERT_EQ(effects_of<cancel_pledge>(d).size(), 1u);
  EXPECT_EQ(effects_of<cancel_pledge>(d)[0].pledge_id, 2);
}

TEST(Unpledge, RefusedWhileAcceptedUntilTheDeadlinePasses) {
  bounty_view v;
  v.current = bounty{7, bounty_state::accepted, "USD"};
  v.pledges.push_back({1, alice, 5000, "USD", pledge_state::held, t0, t0});
  auto d = run(v, alice, "/unpledge");
  EXPECT_EQ(d.refused, 1);
  EXPECT_NE(reply_text(d).find("locked"), std::string::npos);
  v.current->deadline = t0 - std::chrono::hours{1};
  d = run(v, alice, "/unpledge");
  EXPECT_EQ(d.done, 1);
  EXPECT_EQ(effects_of<refund_pledge>(d).size(), 1u);
}

TEST(Unpledge, WithoutAPledgeIsRefused) {
  const auto d = run({}, alice, "/unpledge");
  EXPECT_EQ(d.refused, 1);
  EXPECT_NE(reply_text(d).find("no pledge"), std::string::npos);
}

awaiting_pledge awaiting_on(std::int64_t id, std::int64_t amount, std::int64_t bounty_id = 7,
                            std::optional<std::int64_t> goal = std::nullopt, std::int64_t held = 0) {
  return {{id, alice, amount, "USD", pledge_state::awaiting_funds, t0, t0}, bounty_id, bounty_state::open, goal, held};
}

std::vector<std::int64_t> held_ids(const funding_plan& plan) {
  std::vector<std::int64_t> out;
  for (const auto& h : plan.hold) out.push_back(h.pledge_id);
  return out;
}

TEST(Funding, OldestAwaitingPledgeFirstAndNeverANewerOneAhead) {
  std::vector<awaiting_pledge> awaiting{awaiting_on(1, 5000), awaiting_on(2, 100)};
  auto plan = plan_funding(4000, awaiting, t0);
  EXPECT_TRUE(plan.hold.empty());
  plan = plan_funding(5100, awaiting, t0);
  EXPECT_EQ(held_ids(plan), (std::vector<std::int64_t>{1, 2}));
  awaiting[0].p.funds_expire_at = t0 - std::chrono::seconds{1};
  plan = plan_funding(200, awaiting, t0);
  EXPECT_EQ(plan.expired, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(held_ids(plan), (std::vector<std::int64_t>{2}));
}

// SPEC §4: the goal is a cap when a pledge becomes held later, too (a $100 goal once ended with
// $200 held because the deposit that funded an awaiting pledge did not look at it).
struct goal_case {
  const char* name;
  std::int64_t available;
  std::vector<awaiting_pledge> awaiting;
  std::vector<funding_plan::hold_at> hold;
  std::vector<std::int64_t> refused_full;
};

TEST(Funding, TheGoalIsCheckedAgainWhenAnAwaitingPledgeBecomesHeld) {
  const std::vector<goal_case> cases = {
      {"room for all of it", 10000, {awaiting_on(1, 5000, 7, 10000, 5000)}, {{1, 5000, false}}, {}},
      {"cut to the room left", 10000, {awaiting_on(1, 10000, 7, 10000, 6000)}, {{1, 4000, true}}, {}},
      {"refused when full", 10000, {awaiting_on(1, 10000, 7, 10000, 10000)}, {}, {1}},
      {"two pledges share one bounty's room", 20000,
       {awaiting_on(1, 3000, 7, 10000, 5000), awaiting_on(2, 3000, 7, 10000, 5000)},
       {{1, 3000, false}, {2, 2000, true}}, {}},
      {"a full bounty does not block another's pledge", 5000,
       {awaiting_on(1, 3000, 7, 10000, 10000), awaiting_on(2, 3000, 8)}, {{2, 3000, false}}, {1}},
      {"a cut pledge needs only its room", 1000, {awaiting_on(1, 9000, 7, 10000, 9000)}, {{1, 1000, true}}, {}},
  };
  for (const auto& c : cases) {
    const auto plan = plan_funding(c.available, c.awaiting, t0);
    ASSERT_EQ(plan.hold.size(), c.hold.size()) << c.name;
    for (std::size_t i = 0; i < c.hold.size(); ++i) {
      EXPECT_EQ(plan.hold[i].pledge_id, c.hold[i].pledge_id) << c.name;
      EXPECT_EQ(plan.hold[i].amount_minor, c.hold[i].amount_minor) << c.name;
      EXPECT_EQ(plan.hold[i].cut, c.hold[i].cut) << c.name;
    }
    EXPECT_EQ(plan.refused_full, c.refused_full) << c.name;
  }
}

TEST(Funding, APledgeOnABountyThatEndedIsCancelled) {
  auto a = awaiting_on(1, 5000);
  a.bounty = bounty_state::cancelled;
  const auto plan = plan_funding(10000, {a, awaiting_on(2, 100)}, t0);
  EXPECT_EQ(plan.ended, (std::vector<std::int64_t>{1}));
  EXPECT_EQ(held_ids(plan), (std::vector<std::int64_t>{2}));
}

TEST(Deposit, EveryBadInputIsRefusedWithItsReason) {
  const deposit_request ok{"github", 7, "alice", 5000, "usd", "wire-1"};
  ASSERT_TRUE(check_deposit(ok, default_max_deposit_units));
  EXPECT_EQ(*check_deposit(ok, default_max_deposit_units), escrow::money(5000, "USD"));
  const std::vector<std::pair<deposit_request, std::string>> bad = {
      {{"bitbucket", 7, "", 5000, "USD", "r"}, "platform"},
      {{"github", 0, "", 5000, "USD", "r"}, "user"},
      {{"github", 7, "", 0, "USD", "r"}, "amount"},
      {{"github", 7, "", -1, "USD", "r"}, "amount"},
      {{"github", 7, "", 100'000'001, "USD", "r"}, "amount"},  // 1,000,000.01 USD
      {{"github", 7, "", INT64_MAX, "USD", "r"}, "amount"},
      {{"github", 7, "", 5000, "XYZ", "r"}, "currency"},
      {{"github", 7, "", 5000, "USD", ""}, "reference"},
      {{"github", 7, "", 5000, "USD", std::string(201, 'r')}, "reference"},
      {{"github", 7, "", 5000, "USD", std::string("n\0two", 5)}, "reference"},
      {{"github", 7, "a b", 5000, "USD", "r"}, "login"},
      {{"github", 7, std::string("al\0ice", 6), 5000, "USD", "r"}, "login"},
  };
  for (const auto& [request, code] : bad) {
    const auto r = check_deposit(request, default_max_deposit_units);
    ASSERT_FALSE(r) << code;
    EXPECT_EQ(to_string(r.error().code), code) << r.error().message;
  }
  EXPECT_TRUE(check_deposit({"github", 7, "", 100'000'000, "USD", "r"}, default_max_deposit_units));  // exactly the bound
  EXPECT_TRUE(check_deposit({"github", 7, "", 1'000'000, "JPY", "r"}, default_max_deposit_units));
  EXPECT_FALSE(check_deposit({"github", 7, "", 1'000'001, "JPY", "r"}, default_max_deposit_units));
}

TEST(Totals, CountSponsorsAndSupportersOnce) {
  std::vector<pledge> ps{{1, alice, 5000, "USD", pledge_state::held, t0, t0},
                         {2, alice, 100, "USD", pledge_state::held, t0, t0},
                         {3, alice, 0, "USD", pledge_state::held, t0, t0},
                         {4, bob, 0, "USD", pledge_state::held, t0, t0},
                         {5, bob, 7000, "USD", pledge_state::awaiting_funds, t0, t0}};
  const auto t = totals(ps);
  EXPECT_EQ(t.held_minor, 5100);
  EXPECT_EQ(t.sponsors, 1);
  EXPECT_EQ(t.supporters, 1);
}

TEST(Status, CommentShowsHeldSponsorsAndHowToPledgeWithoutCommandLines) {
  issue_ref issue{"github", 1, "octo-org/octo-repo", 42, "https://github.com/octo-org/octo-repo/issues/42"};
  bounty b{7, bounty_state::open, "USD"};
  std::vector<pledge> ps{{1, alice, 35000, "USD", pledge_state::held, t0, t0}};
  const auto s = render_status(issue, b, ps);
  EXPECT_NE(s.find("$350.00"), std::string::npos);
  EXPECT_NE(s.find("| Sponsors | 1 |"), std::string::npos);
  EXPECT_NE(s.find(own_comment_marker), std::string::npos);
  EXPECT_TRUE(parse_comment(s).empty());
}

}  // namespace
}  // namespace bountybot::bot
