// The public lists' requests (SPEC §9 `GET /api/v1/bounties`): every parameter checked before a
// query, and cursors that only their own order accepts.
#include "bot/listing.hpp"

#include <gtest/gtest.h>

namespace bountybot::bot {
namespace {

using params = std::map<std::string, std::string>;

TEST(ListQuery, DefaultsAreAllStatesNewestActivityFirstTwentyAPage) {
  const auto q = parse_list_query({}, {});
  ASSERT_TRUE(q);
  EXPECT_FALSE(q->on);
  EXPECT_FALSE(q->repo);
  EXPECT_FALSE(q->currency);
  EXPECT_TRUE(q->states.empty());
  EXPECT_EQ(q->sort, list_sort::activity);
  EXPECT_EQ(q->limit, default_list_limit);
  EXPECT_FALSE(q->after);
  // The home page lists live bounties unless asked otherwise; `all` lifts that.
  EXPECT_EQ(parse_list_query({}, live_states())->states,
            (std::vector<bounty_state>{bounty_state::open, bounty_state::accepted, bounty_state::voting}));
  EXPECT_TRUE(parse_list_query({{"state", "all"}}, live_states())->states.empty());
}

TEST(ListQuery, ReadsEveryFilter) {
  const auto q = parse_list_query({{"platform", "gitlab"}, {"repo", "Group/Sub/Project"}, {"currency", "eur"},
                                   {"state", "voting"}, {"sort", "held"}, {"limit", "100"}, {"cursor", "h.5000.42"}},
                                  {});
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->on, platform::gitlab);
  EXPECT_EQ(q->repo, "Group/Sub/Project");
  EXPECT_EQ(q->currency, "EUR");
  EXPECT_EQ(q->states, std::vector<bounty_state>{bounty_state::voting});
  EXPECT_EQ(q->sort, list_sort::held);
  EXPECT_EQ(q->limit, 100);
  EXPECT_EQ(q->after, (list_cursor{5000, 42}));
  // Empty values are absent ones, as an HTML form sends them.
  const auto empty = parse_list_query({{"platform", ""}, {"repo", ""}, {"currency", ""}, {"cursor", ""}}, {});
  ASSERT_TRUE(empty);
  EXPECT_FALSE(empty->on);
  EXPECT_FALSE(empty->repo);
}

TEST(ListQuery, EveryBadParameterIsRefusedNamingIt) {
  const std::vector<std::pair<params, std::string>> bad = {
      {{{"platform", "bitbucket"}}, "platform"},
      {{{"platform", "GitHub"}}, "platform"},
      {{{"repo", std::string(max_repo_filter_chars + 1, 'a')}}, "repo"},
      {{{"repo", std::string("octo\nrepo")}}, "repo"},
      {{{"currency", "XYZ"}}, "currency"},
      {{{"currency", "US"}}, "currency"},
      {{{"state", "done"}}, "state"},
      {{{"state", "OPEN"}}, "state"},
      {{{"sort", "amount"}}, "sort"},
      {{{"limit", "0"}}, "limit"},
      {{{"limit", "101"}}, "limit"},
      {{{"limit", "-1"}}, "limit"},
      {{{"limit", "20x"}}, "limit"},
      {{{"limit", " 20"}}, "limit"},
      {{{"limit", "99999999999999999999"}}, "limit"},
      {{{"cursor", "garbage"}}, "cursor"},
      {{{"cursor", "a.1.0"}}, "cursor"},
      {{{"cursor", "a.1.-4"}}, "cursor"},
      {{{"cursor", "a.x.4"}}, "cursor"},
      {{{"cursor", "a.1.4.5"}}, "cursor"},
      {{{"repo", std::string("octo/\xff")}}, "repo"},                    // not UTF-8
      {{{"repo", std::string("octo/\xed\xa0\x80")}}, "repo"},          // a surrogate
      {{{"cursor", "a.253402300800.4"}}, "cursor"},            // after the year 9999
      {{{"sort", "held"}, {"cursor", "h.-5.4"}}, "cursor"},    // a negative amount
      {{{"cursor", "h.5000.42"}}, "cursor"},                   // a held cursor for the activity order
      {{{"sort", "held"}, {"cursor", "a.1733300000.42"}}, "cursor"},  // and the other way round
  };
  for (const auto& [p, code] : bad) {
    const auto q = parse_list_query(p, {});
    ASSERT_FALSE(q) << code;
    EXPECT_EQ(to_string(q.error().code), code) << q.error().message;
    EXPECT_NE(q.error().message.find(code), std::string::npos) << q.error().message;
  }
}

TEST(ListCursor, RoundTripsInItsOwnOrderOnly) {
  for (const auto sort : {list_sort::activity, list_sort::held}) {
    const std::int64_t most = sort == list_sort::activity ? max_cursor_epoch : INT64_MAX;
    for (const list_cursor c : {list_cursor{0, 1}, list_cursor{1733300000, 42}, list_cursor{most, INT64_MAX}}) {
      const auto text = encode_cursor(sort, c);
      EXPECT_EQ(decode_cursor(sort, text), c) << text;
      EXPECT_EQ(decode_cursor(sort == list_sort::activity ? list_sort::held : list_sort::activity, text), std::nullopt);
    }
  }
}

listed_bounty listed(std::int64_t id, std::int64_t activity, std::int64_t held) {
  listed_bounty b;
  b.id = id;
  b.activity_at = utc_time{std::chrono::seconds{activity}};
  b.held_minor = held;
  return b;
}

TEST(ListCursor, TheNextPageStartsAfterTheLastRowShown) {
  list_query q;
  q.limit = 2;
  const std::vector<listed_bounty> three = {listed(9, 300, 10), listed(7, 200, 50), listed(4, 100, 70)};
  EXPECT_EQ(next_cursor(q, three), encode_cursor(list_sort::activity, {200, 7}));
  q.sort = list_sort::held;
  EXPECT_EQ(next_cursor(q, three), encode_cursor(list_sort::held, {50, 7}));
  // The extra row is only fetched to know whether more follow: none means the last page.
  EXPECT_EQ(next_cursor(q, {three[0], three[1]}), std::nullopt);
  EXPECT_EQ(next_cursor(q, {}), std::nullopt);
}

}  // namespace
}  // namespace bountybot::bot
