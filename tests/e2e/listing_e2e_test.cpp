// The public lists (SPEC §9 `GET /api/v1/bounties`, §15 `/`): bounties made by real deliveries,
// listed with filters, both orders and keyset pages, by the real binary on a real database.
#include "tests/e2e/service_fixture.hpp"

namespace bountybot {
namespace {

class Lists : public Service {
 protected:
  json::value list(const std::string& query = "") {
    const auto r = service->request("GET", "/api/v1/bounties" + query);
    EXPECT_EQ(r.status, 200u) << r.body;
    return json::parse(r.body);
  }
  // "platform:path#number" of each listed bounty, in order.
  static std::vector<std::string> keys(const json::value& page) {
    std::vector<std::string> out;
    for (const auto& b : page.at("bounties").as_array()) {
      const auto& issue = b.at("issue");
      out.push_back(std::string(issue.at("platform").as_string()) + ":" + std::string(issue.at("repository").as_string()) +
                    "#" + std::to_string(issue.at("number").as_int64()));
    }
    return out;
  }
  // Four bounties: three on GitHub (USD 50, 10, 30 on issues 1, 2, 3), one on GitLab (EUR 150).
  void make_four() {
    service = std::make_unique<testing::service_process>(env());
    ASSERT_EQ(deposit("github", 21031067, 100000, "wire-1").status, 201u);
    ASSERT_EQ(deposit("gitlab", 7, 20000, "wire-2", "EUR").status, 201u);
    deliver_github(testing::github_comment("/pledge $50", 21031067, "Codertocat", 1), "l-1");
    deliver_github(testing::github_comment("/pledge $10", 21031067, "Codertocat", 2), "l-2");
    deliver_github(testing::github_comment("/pledge $30", 21031067, "Codertocat", 3), "l-3");
    deliver_gitlab(testing::gitlab_note("/pledge 150 EUR", 7, "alice", 17), "l-4");
    ASSERT_TRUE(eventually([&] {
      const auto r = service->request("GET", "/api/v1/bounties?limit=100");
      if (r.status != 200) return false;
      std::int64_t held = 0;
      const auto page = json::parse(r.body);
      for (const auto& b : page.at("bounties").as_array()) held += b.at("held").as_int64();
      return held == 5000 + 1000 + 3000 + 15000;
    }));
  }
};

TEST_F(Lists, TheListApiFiltersSortsAndPagesWithAnOpaqueCursor) {
  make_four();
  const auto all = list();
  ASSERT_EQ(all.at("bounties").as_array().size(), 4u);
  EXPECT_TRUE(all.at("next_cursor").is_null());
  const auto& first = all.at("bounties").as_array()[0].as_object();
  for (const auto* key : {"issue", "state", "currency", "goal", "held", "sponsors", "deadline", "activity_at", "api"}) {
    EXPECT_TRUE(first.contains(key)) << key;
  }

  // Pages of one follow each other without a bounty twice or left out, to the last page.
  std::vector<std::string> paged;
  std::string query = "?limit=1";
  for (int page = 0; page < 10; ++page) {
    const auto p = list(query);
    for (const auto& k : keys(p)) paged.push_back(k);
    if (p.at("next_cursor").is_null()) break;
    query = "?limit=1&cursor=" + std::string(p.at("next_cursor").as_string());
  }
  EXPECT_EQ(paged, keys(all));

  EXPECT_EQ(keys(list("?platform=gitlab")), std::vector<std::string>{"gitlab:gitlab-org/gitlab-test#17"});
  EXPECT_EQ(keys(list("?repo=codertocat/hello-world")).size(), 3u);  // full paths match case-insensitively
  EXPECT_EQ(keys(list("?repo=codertocat/hello-world&platform=gitlab")).size(), 0u);
  EXPECT_EQ(keys(list("?repo=nobody/nothing")).size(), 0u);
  EXPECT_EQ(keys(list("?currency=EUR")), std::vector<std::string>{"gitlab:gitlab-org/gitlab-test#17"});
  EXPECT_EQ(keys(list("?state=completed")).size(), 0u);
  EXPECT_EQ(keys(list("?state=live")).size(), 4u);
  EXPECT_EQ(keys(list("?sort=held&currency=USD")),
            (std::vector<std::string>{"github:Codertocat/Hello-World#1", "github:Codertocat/Hello-World#3",
                                      "github:Codertocat/Hello-World#2"}));
  const auto held_page = list("?sort=held&currency=USD&limit=2");
  ASSERT_FALSE(held_page.at("next_cursor").is_null());
  const std::string held_cursor(held_page.at("next_cursor").as_string());
  EXPECT_EQ(keys(list("?sort=held&currency=USD&limit=2&cursor=" + held_cursor)),
            std::vector<std::string>{"github:Codertocat/Hello-World#2"});

  // Bad parameters: 400 naming the parameter; a cursor of one order is refused by the other.
  for (const auto& [q, code] : std::vector<std::pair<std::string, std::string>>{
           {"?limit=0", "limit"}, {"?limit=101", "limit"}, {"?state=done", "state"}, {"?platform=bitbucket", "platform"},
           {"?currency=XYZ", "currency"}, {"?sort=amount", "sort"}, {"?cursor=garbage", "cursor"},
           {"?cursor=" + held_cursor, "cursor"}}) {
    const auto r = service->request("GET", "/api/v1/bounties" + q);
    EXPECT_EQ(r.status, 400u) << q;
    EXPECT_EQ(json::parse(r.body).at("code").as_string(), code) << q << " " << r.body;
  }
}

TEST_F(Lists, TheHomePageListsTheOpenBountiesWithTotalsAndRefusesABadFilter) {
  make_four();
  const auto home = service->request("GET", "/");
  ASSERT_EQ(home.status, 200u) << home.body;
  EXPECT_EQ(home.headers.at("content-type"), "text/html; charset=utf-8");
  for (const auto* text : {"Codertocat/Hello-World#1", "gitlab-org/gitlab-test#17", "$50.00", "€150.00",
                           "4 bounties, 4 of them open", "$90.00"}) {
    EXPECT_NE(home.body.find(text), std::string::npos) << text;
  }
  const auto bad = service->request("GET", "/?state=done&repo=%3Cscript%3E");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.body.find("state must be"), std::string::npos) << bad.body;
  EXPECT_EQ(bad.body.find("<script>"), std::string::npos) << "the echoed filter is escaped";
  EXPECT_NE(bad.body.find("&lt;script&gt;"), std::string::npos);
  // A page of one links to the next with the same filters.
  const auto one = service->request("GET", "/?limit=1&currency=USD");
  EXPECT_NE(one.body.find("rel=\"next\" href=\"/?currency=USD&amp;limit=1&amp;cursor="), std::string::npos) << one.body;
}

TEST_F(Lists, TheBadgeShowsWhatIsHeldAndIsCacheable) {
  make_four();
  const auto badge = service->request("GET", "/badge/github/Codertocat/Hello-World/1.svg");
  ASSERT_EQ(badge.status, 200u) << badge.body;
  EXPECT_EQ(badge.header("content-type"), "image/svg+xml");
  EXPECT_EQ(badge.header("cache-control"), "public, max-age=300");
  EXPECT_NE(badge.body.find("aria-label=\"bounty: $50\""), std::string::npos) << badge.body;
  EXPECT_NE(service->request("GET", "/badge/gitlab/gitlab-org/gitlab-test/17.svg").body.find("bounty: €150"),
            std::string::npos);
  // Paths match case-insensitively, as the bounty JSON's do.
  EXPECT_EQ(service->request("GET", "/badge/github/codertocat/hello-world/1.svg").status, 200u);
  const auto none = service->request("GET", "/badge/github/Codertocat/Hello-World/99.svg");
  EXPECT_EQ(none.status, 404u);
  EXPECT_NE(none.body.find("bounty: none"), std::string::npos);
  EXPECT_EQ(service->request("GET", "/badge/github/Codertocat/Hello-World/1.png").status, 404u);
  EXPECT_EQ(service->request("GET", "/badge/bitbucket/Codertocat/Hello-World/1.svg").status, 404u);
}

TEST_F(Lists, ABountysPageTellsItsStoryWithAChartAndTheStatusCommentLinksThere) {
  make_four();
  const auto page = service->request("GET", "/b/github/Codertocat/Hello-World/1");
  ASSERT_EQ(page.status, 200u) << page.body;
  for (const auto* text : {"<h1>Codertocat/Hello-World#1</h1>", "@Codertocat", "@Codertocat pledged $50.00",
                           "$50.00 held in escrow", "<desc id=\"chart-desc\">Money held in escrow over time",
                           "property=\"og:title\" content=\"Codertocat/Hello-World#1 bounty\"",
                           "src=\"/badge/github/Codertocat/Hello-World/1.svg\"", "https://github.com/Codertocat/Hello-World/issues/1"}) {
    EXPECT_NE(page.body.find(text), std::string::npos) << text;
  }
  EXPECT_EQ(service->request("GET", "/b/github/Codertocat/Hello-World/99").status, 404u);
  EXPECT_EQ(service->request("GET", "/b/github/Codertocat/Hello-World/x").status, 404u);
  // The list links to the page; the status comment shows the badge and links to the page.
  EXPECT_NE(service->request("GET", "/").body.find("href=\"/b/github/Codertocat/Hello-World/1\""), std::string::npos);
  EXPECT_TRUE(github.wait_for([](const auto& calls) {
    return any_body_contains(calls, "POST", "/issues/1/comments",
                             "(https://bounty.example/badge/github/Codertocat/Hello-World/1.svg)](https://bounty.example/b/github/"
                             "Codertocat/Hello-World/1)");
  }));
}

}  // namespace
}  // namespace bountybot
