// What the bot repeats of users' text stays inert (no mention, link, image or formatting under the
// bot's name), what it stores is bounded, and control characters are refused, never cut short.
// The bot's comments are rendered by GitHub's own Markdown parser (cmark-gfm) and checked as a
// reader of the issue would see them.
#include "bot/bounty.hpp"
#include "bot/status.hpp"
#include "escrow/inert.hpp"
#include "tests/support/gfm.hpp"

#include <gtest/gtest.h>

namespace bountybot::bot {
namespace {

using testing::outside_code;
using testing::render_gfm;

const utc_time t0 = *parse_deadline("2026-11-21T12:00:00Z");
const user_ref alice{"github", 1, "alice"};

// The reply comment the bot posts for `body`, as the store renders it.
std::string reply_to(std::string_view body, bounty_view view = {}) {
  const auto d = decide(view, alice, parse_comment(body), {}, t0);
  std::vector<std::string> parts;
  for (const auto& p : d.reply)
    if (const auto* t = std::get_if<std::string>(&p)) parts.push_back(*t);
  return render_reply(alice.login, parts);
}

// Nothing the user wrote acts: no mention of octocat, no link or image to evil.example, no bold.
void expect_inert(const std::string& markdown) {
  const auto html = render_gfm(markdown);
  const auto live = outside_code(html);
  EXPECT_EQ(live.find("@octocat"), std::string::npos) << html;
  EXPECT_EQ(live.find("evil.example"), std::string::npos) << html;
  EXPECT_EQ(live.find("<strong>@octocat"), std::string::npos) << html;
  EXPECT_EQ(live.find("<img"), std::string::npos) << html;
}

TEST(Inert, TheReportedInjectionIsEchoedAsPlainCode) {
  const std::string line = "/bounty frobnicate` **@octocat** [click](https://evil.example) `";
  const auto reply = reply_to(line);
  expect_inert(reply);
  // The whole refused line is visible, as one code span.
  EXPECT_NE(render_gfm(reply).find("<code>/bounty frobnicate` **@octocat** [click](https://evil.example) `</code>"),
            std::string::npos)
      << render_gfm(reply);
}

TEST(Inert, EveryRefusalThatRepeatsUserTextKeepsItInert) {
  for (const std::string body : {
           "/pledge 5`0 **@octocat**",
           "/pledge $50 until `@octocat`[x](https://evil.example)",
           "/pledge 50 ``@octocat`` <img src=https://evil.example/x.png>",
           "/pledge 50 X`Y",
           "/bounty split @alice 50 @octocat**[x](https://evil.example) 50",
           "/bounty milestones a` @octocat ` 50%, b 50",
           "/bounty deadline `@octocat`",
           "/bounty submit https://x.example/[click](https://evil.example)",
           "/bounty ``` @octocat",
       }) {
    SCOPED_TRACE(body);
    expect_inert(reply_to(body));
  }
}

TEST(Inert, ACodeSpanHoldsAnyTextExactly) {
  for (const std::string text : {"plain", "`", "``", "a`b", "a``b`c", "`lead", "trail`", " spaced ", "|pipe|",
                                 "<img src=x onerror=alert(1)>", "@octocat", "[x](https://evil.example)"}) {
    const auto html = render_gfm("x " + inline_code(text) + " y");
    std::string expected = text;
    for (const auto& [from, to] : {std::pair{"&", "&amp;"}, std::pair{"<", "&lt;"}, std::pair{">", "&gt;"}}) {
      for (auto at = expected.find(from); at != std::string::npos; at = expected.find(from, at + std::string(to).size())) {
        expected.replace(at, 1, to);
      }
    }
    EXPECT_EQ(html, "<p>x <code>" + expected + "</code> y</p>\n") << text;
  }
}

TEST(Inert, EchoesAreCutAtAUtf8Boundary) {
  const std::string long_text(300, 'a');
  const auto code = inline_code(long_text + "é");
  EXPECT_LT(code.size(), 300u);
  EXPECT_TRUE(code.ends_with("…"));
  EXPECT_EQ(utf8_prefix("aé", 2), "a");  // é is two bytes: never half of it
}

TEST(Inert, MilestoneNamesInTheStatusTableCannotBreakOutOfTheirCell) {
  issue_ref issue{"github", 1, "octo-org/octo-repo", 42, "https://github.com/octo-org/octo-repo/issues/42"};
  bounty b{7, bounty_state::accepted, "USD"};
  std::vector<milestone> ms{{1, 0, "a | b @octocat [x](https://evil.example)", 50},
                            {2, 1, "**@octocat**`", 50}};
  const auto s = render_status(issue, b, {}, ms);
  expect_inert(s);
  const auto html = render_gfm(s);
  EXPECT_NE(html.find("<code>a | b @octocat [x](https://evil.example)</code>"), std::string::npos) << html;
}

TEST(Limits, AMilestoneNameOver50CharactersIsRefusedAndTheReplyStaysShort) {
  bounty_view v;
  v.current = bounty{7, bounty_state::accepted, "USD"};
  v.author_is_maintainer = true;
  const auto d = decide(v, alice, parse_comment("/bounty milestones " + std::string(100'000, 'x') + " 100%"), {}, t0);
  EXPECT_EQ(d.refused, 1);
  EXPECT_TRUE(d.effects.empty());
  const auto reply = reply_to("/bounty milestones " + std::string(100'000, 'x') + " 100%", v);
  EXPECT_LT(reply.size(), 1000u);
  EXPECT_NE(reply.find("at most 50 characters"), std::string::npos);
}

TEST(Limits, SubmitLinksMustBePlainAndShort) {
  EXPECT_TRUE(is_plain_url("https://github.com/octo-org/octo-repo/pull/7"));
  EXPECT_FALSE(is_plain_url("https://x.example/[click](https://evil.example)"));
  EXPECT_FALSE(is_plain_url("https://x.example/`code`"));
  EXPECT_FALSE(is_plain_url("https://x.example/" + std::string(max_url_chars, 'a')));
  const auto lines = parse_comment("/bounty submit https://x.example/" + std::string(3000, 'a'));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(lines[0].parsed);
}

TEST(Limits, SplitsNameLoginsOnly) {
  EXPECT_TRUE(is_login("octo-cat_1.x"));
  EXPECT_TRUE(is_login("dependabot[bot]"));
  EXPECT_FALSE(is_login(""));
  EXPECT_FALSE(is_login("a b"));
  EXPECT_FALSE(is_login("a**b"));
  EXPECT_FALSE(is_login(std::string(max_login_chars + 1, 'a')));
  const auto lines = parse_comment("/bounty split @alice 50 @bob](https://evil.example) 50");
  EXPECT_FALSE(lines.at(0).parsed);
}

TEST(Limits, AVoteCommentNamesAtMost50VotersAndStaysUnderTheLimit) {
  issue_ref issue{"github", 1, "octo-org/octo-repo", 42, "https://github.com/octo-org/octo-repo/issues/42"};
  bounty b{7, bounty_state::voting, "USD"};
  open_vote vote;
  vote.id = 3;
  vote.solvers = {{alice, 100}};
  for (int i = 0; i < 10'000; ++i) vote.voters.push_back({{"github", 1000 + i, std::string(39, 'v') + std::to_string(i)}, 1});
  const auto s = render_vote(issue, b, {}, vote, alice, "https://github.com/octo-org/octo-repo/pull/7");
  EXPECT_LE(s.size(), max_comment_chars);
  EXPECT_NE(s.find("and 9950 more"), std::string::npos);
}

TEST(Limits, EveryCommentIsCutToThePlatformLimitAtAUtf8Boundary) {
  std::string body;
  while (body.size() < 2 * max_comment_chars) body += "é";
  const auto cut = fit_comment(body);
  EXPECT_LE(cut.size(), max_comment_chars);
  EXPECT_NE(cut.find("(cut:"), std::string::npos);
  const auto text = cut.substr(0, cut.find("\n\n(cut:"));
  EXPECT_EQ(text.size() % 2, 0u);  // whole two-byte characters only
}

TEST(ControlCharacters, ACommandLineWithNulIsRefusedNotCut) {
  const auto lines = parse_comment(std::string("/pledge 10\0 0", 13));
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_FALSE(lines[0].parsed);
  EXPECT_NE(lines[0].parsed.error().message.find("control character"), std::string::npos);
  EXPECT_TRUE(has_control_chars(std::string("n\0two", 5)));
  EXPECT_TRUE(has_control_chars("a\x1b[31m"));
  EXPECT_FALSE(has_control_chars("tab\tis fine"));
}

TEST(Inert, XmlTextIsEscapedForAttributesAndTextNodes) {
  EXPECT_EQ(xml_escaped(R"(<a href="x">Tom & 'Jerry'</a>)"), "&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;");
  EXPECT_EQ(xml_escaped("€50"), "€50");
}

TEST(Inert, OnlyWellFormedUtf8IsUtf8) {
  for (const std::string ok : {"", "octo/repo", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x8e\x89"}) EXPECT_TRUE(is_utf8(ok)) << ok;
  for (const std::string bad : {"\xff", "\xc3", "\xe2\x82", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "a\x80" "b"}) {
    EXPECT_FALSE(is_utf8(bad)) << bad;
  }
}

}  // namespace
}  // namespace bountybot::bot
