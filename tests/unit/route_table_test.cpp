// The route table's matcher (web/route_table.*): literal segments, `{name}`, greedy `{name+}`
// with literals after it, 405 against 404, empty segments, malformed patterns.
#include "web/route_table.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bountybot::web {
namespace {

using segments = std::vector<std::string>;

// The service's API routes, in the order the API declares them.
const std::vector<route_matcher::key> api_keys = {
    {"GET", "/healthz"},                                                // 0
    {"POST", "/webhooks/github"},                                       // 1
    {"GET", "/api/v1/bounties/{platform}/{path+}/{number}"},            // 2
    {"POST", "/api/v1/admin/deposits"},                                 // 3
    {"POST", "/api/v1/admin/bounties/{platform}/{path+}/{number}/resolve"},  // 4
    {"GET", "/api/v1/admin/accounts/{platform}/{user_id}"},             // 5
};

struct match_case {
  const char* name;
  std::string method;
  segments path;
  route_outcome outcome;
  std::optional<std::size_t> index;
  route_params params;
};

const match_case cases[] = {
    // literals
    {"literal", "GET", {"healthz"}, route_outcome::found, 0, {}},
    {"literal_trailing_slash", "GET", {"healthz", ""}, route_outcome::not_found, {}, {}},
    {"literal_other_word", "GET", {"healthy"}, route_outcome::not_found, {}, {}},
    {"literal_case_matters", "GET", {"Healthz"}, route_outcome::not_found, {}, {}},
    {"root", "GET", {}, route_outcome::not_found, {}, {}},
    {"empty_segment", "GET", {""}, route_outcome::not_found, {}, {}},
    {"two_literals", "POST", {"webhooks", "github"}, route_outcome::found, 1, {}},
    {"literal_prefix_only", "POST", {"webhooks"}, route_outcome::not_found, {}, {}},
    {"encoded_slash_stays_in_segment", "POST", {"webhooks/github"}, route_outcome::not_found, {}, {}},
    // {x} and {x+}
    {"one_segment_each", "GET", {"api", "v1", "bounties", "github", "o", "7"}, route_outcome::found, 2,
     {{"platform", "github"}, {"path", "o"}, {"number", "7"}}},
    {"rest_takes_many", "GET", {"api", "v1", "bounties", "gitlab", "g", "sub", "p", "17"}, route_outcome::found, 2,
     {{"platform", "gitlab"}, {"path", "g/sub/p"}, {"number", "17"}}},
    {"rest_needs_one", "GET", {"api", "v1", "bounties", "github", "7"}, route_outcome::not_found, {}, {}},
    {"one_takes_empty", "GET", {"api", "v1", "bounties", "", "o", ""}, route_outcome::found, 2,
     {{"platform", ""}, {"path", "o"}, {"number", ""}}},
    {"rest_leading_empty_dropped", "GET", {"api", "v1", "bounties", "github", "", "o", "r", "1"}, route_outcome::found, 2,
     {{"platform", "github"}, {"path", "o/r"}, {"number", "1"}}},
    {"rest_inner_empty_kept", "GET", {"api", "v1", "bounties", "github", "o", "", "r", "1"}, route_outcome::found, 2,
     {{"platform", "github"}, {"path", "o//r"}, {"number", "1"}}},
    {"rest_trailing_empty_kept", "GET", {"api", "v1", "bounties", "github", "o", "", "1"}, route_outcome::found, 2,
     {{"platform", "github"}, {"path", "o/"}, {"number", "1"}}},
    {"rest_all_empty", "GET", {"api", "v1", "bounties", "github", "", "", "1"}, route_outcome::found, 2,
     {{"platform", "github"}, {"path", ""}, {"number", "1"}}},
    {"rest_segment_with_slash", "GET", {"api", "v1", "bounties", "github", "o/r", "1"}, route_outcome::found, 2,
     {{"platform", "github"}, {"path", "o/r"}, {"number", "1"}}},
    // greedy {x+} with a trailing literal
    {"resolve", "POST", {"api", "v1", "admin", "bounties", "github", "o", "r", "5", "resolve"}, route_outcome::found, 4,
     {{"platform", "github"}, {"path", "o/r"}, {"number", "5"}}},
    {"resolve_shortest", "POST", {"api", "v1", "admin", "bounties", "github", "o", "5", "resolve"}, route_outcome::found, 4,
     {{"platform", "github"}, {"path", "o"}, {"number", "5"}}},
    {"resolve_too_short", "POST", {"api", "v1", "admin", "bounties", "github", "5", "resolve"}, route_outcome::not_found,
     {}, {}},
    {"resolve_greedy", "POST", {"api", "v1", "admin", "bounties", "github", "o", "resolve", "5", "resolve"},
     route_outcome::found, 4, {{"platform", "github"}, {"path", "o/resolve"}, {"number", "5"}}},
    {"resolve_twice", "POST", {"api", "v1", "admin", "bounties", "github", "o", "r", "5", "resolve", "resolve"},
     route_outcome::found, 4, {{"platform", "github"}, {"path", "o/r/5"}, {"number", "resolve"}}},
    {"trailing_literal_differs", "POST", {"api", "v1", "admin", "bounties", "github", "o", "r", "5", "close"},
     route_outcome::not_found, {}, {}},
    // exact counts
    {"accounts", "GET", {"api", "v1", "admin", "accounts", "github", "21"}, route_outcome::found, 5,
     {{"platform", "github"}, {"user_id", "21"}}},
    {"accounts_one_more", "GET", {"api", "v1", "admin", "accounts", "github", "21", "x"}, route_outcome::not_found, {},
     {}},
    {"deposits_one_more", "POST", {"api", "v1", "admin", "deposits", ""}, route_outcome::not_found, {}, {}},
    // method
    {"method_mismatch", "POST", {"healthz"}, route_outcome::method_not_allowed, 0, {}},
    {"method_lower_case", "get", {"healthz"}, route_outcome::method_not_allowed, 0, {}},
    {"method_mismatch_with_params", "DELETE", {"api", "v1", "bounties", "github", "o", "r", "1"},
     route_outcome::method_not_allowed, 2, {}},
    {"method_mismatch_rest", "GET", {"api", "v1", "admin", "bounties", "github", "o", "5", "resolve"},
     route_outcome::method_not_allowed, 4, {}},
    {"no_match_any_method", "PUT", {"nowhere"}, route_outcome::not_found, {}, {}},
};

class route_matcher_test : public ::testing::TestWithParam<match_case> {};

TEST_P(route_matcher_test, matches) {
  const auto& c = GetParam();
  const route_matcher matcher(api_keys);
  const auto m = matcher.match(c.method, c.path);
  EXPECT_EQ(m.outcome, c.outcome);
  EXPECT_EQ(m.index, c.index);
  EXPECT_EQ(m.params, c.params);
}

INSTANTIATE_TEST_SUITE_P(table, route_matcher_test, ::testing::ValuesIn(cases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(route_matcher, a_route_with_the_method_wins_over_an_earlier_one_without) {
  const route_matcher matcher({{"GET", "/items/{id}"}, {"POST", "/items/{id}"}, {"POST", "/items/new"}});
  auto m = matcher.match("POST", segments{"items", "new"});
  EXPECT_EQ(m.outcome, route_outcome::found);
  EXPECT_EQ(m.index, 1u);  // the first that fits both, in order
  EXPECT_EQ(m.params, (route_params{{"id", "new"}}));
  m = matcher.match("PATCH", segments{"items", "3"});
  EXPECT_EQ(m.outcome, route_outcome::method_not_allowed);
  EXPECT_EQ(m.index, 0u);  // the first whose pattern fits
}

TEST(route_matcher, root_pattern_fits_only_the_root) {
  const route_matcher matcher(std::vector<route_matcher::key>{{"GET", "/"}});
  EXPECT_EQ(matcher.match("GET", segments{}).outcome, route_outcome::found);
  EXPECT_EQ(matcher.match("GET", segments{""}).outcome, route_outcome::not_found);
}

TEST(route_matcher, empty_table_finds_nothing) {
  const route_matcher matcher(std::vector<route_matcher::key>{});
  const auto m = matcher.match("GET", segments{});
  EXPECT_EQ(m.outcome, route_outcome::not_found);
  EXPECT_FALSE(m.index.has_value());
}

TEST(route_pattern, rest_first_and_last) {
  route_params p;
  ASSERT_TRUE(route_pattern("/{all+}").match(segments{"a", "b"}, p));
  EXPECT_EQ(p, (route_params{{"all", "a/b"}}));
  p.clear();
  ASSERT_TRUE(route_pattern("/{all+}/end").match(segments{"a", "end"}, p));
  EXPECT_EQ(p, (route_params{{"all", "a"}}));
  EXPECT_FALSE(route_pattern("/{all+}/end").match(segments{"end"}, p));
  EXPECT_FALSE(route_pattern("/{all+}").match(segments{}, p));
}

TEST(route_pattern, a_failed_match_leaves_params_alone) {
  route_params p{{"kept", "1"}};
  EXPECT_FALSE(route_pattern("/a/{x}/c").match(segments{"a", "b", "d"}, p));
  EXPECT_EQ(p, (route_params{{"kept", "1"}}));
  ASSERT_TRUE(route_pattern("/a/{x}/c").match(segments{"a", "b", "c"}, p));
  EXPECT_EQ(p, (route_params{{"kept", "1"}, {"x", "b"}}));
}

TEST(route_pattern, malformed_patterns_are_refused) {
  for (const char* bad : {"", "healthz", "//", "/a//b", "/a/", "/{}", "/{+}", "/a{b}", "/{a", "/a}", "/{a}/{a}",
                          "/{a}/{a+}", "/{a+}/{b+}", "/{a+b}", "/{{a}}"}) {
    EXPECT_THROW(route_pattern{bad}, std::invalid_argument) << bad;
  }
  EXPECT_NO_THROW(route_pattern{"/"});
  EXPECT_EQ(route_pattern("/api/{x+}").text(), "/api/{x+}");
}

TEST(split_path, cuts_at_every_slash) {
  EXPECT_EQ(split_path("/"), segments{});
  EXPECT_EQ(split_path("/healthz"), segments{"healthz"});
  EXPECT_EQ(split_path("/webhooks/github"), (segments{"webhooks", "github"}));
  EXPECT_EQ(split_path("/a//b/"), (segments{"a", "", "b", ""}));
  EXPECT_EQ(split_path("//"), (segments{"", ""}));
  EXPECT_THROW((void)split_path(""), std::invalid_argument);
  EXPECT_THROW((void)split_path("a/b"), std::invalid_argument);
}

// An application's entry: method and pattern, and whatever it attaches.
struct test_entry {
  std::string method;
  std::string pattern;
  int payload;
};

TEST(route_table, gives_the_entry_of_the_route) {
  std::vector<test_entry> entries = {{"GET", "/healthz", 1}};
  const std::vector<test_entry> module = {{"GET", "/things/{id}", 2}, {"POST", "/things/{id}", 3}};
  entries.insert(entries.end(), module.begin(), module.end());  // a module's contribution
  const route_table<test_entry> table(std::move(entries));
  ASSERT_EQ(table.entries().size(), 3u);

  auto m = table.match("POST", segments{"things", "9"});
  ASSERT_EQ(m.outcome, route_outcome::found);
  EXPECT_EQ(m.entry->payload, 3);
  EXPECT_EQ(m.params.at("id"), "9");

  m = table.match("PUT", segments{"things", "9"});
  ASSERT_EQ(m.outcome, route_outcome::method_not_allowed);
  EXPECT_EQ(m.entry->payload, 2);
  EXPECT_TRUE(m.params.empty());

  m = table.match("GET", segments{"things"});
  EXPECT_EQ(m.outcome, route_outcome::not_found);
  EXPECT_EQ(m.entry, nullptr);
}

TEST(route_table, refuses_a_malformed_pattern) {
  EXPECT_THROW(route_table<test_entry>({{"GET", "/a/{", 0}}), std::invalid_argument);
}

}  // namespace
}  // namespace bountybot::web
