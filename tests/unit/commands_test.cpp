// The comment command grammar (SPEC §4): table tests.
#include "bot/commands.hpp"

#include <gtest/gtest.h>

namespace bountybot::bot {
namespace {

std::vector<command_line> parse(std::string_view body) { return parse_comment(body); }

TEST(Commands, PledgeWithAmount) {
  const auto lines = parse("/pledge $50");
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_TRUE(lines[0].parsed);
  EXPECT_EQ(lines[0].parsed->kind, command_kind::pledge);
  EXPECT_EQ(lines[0].parsed->amount->integer_digits, "50");
  EXPECT_EQ(lines[0].parsed->amount->currency_code, "USD");
  EXPECT_FALSE(lines[0].parsed->until);
}

TEST(Commands, PledgeUntilDateMeansEndOfThatDayUtc) {
  const auto lines = parse("/pledge 50 EUR until 2027-01-31");
  ASSERT_TRUE(lines[0].parsed);
  EXPECT_EQ(format_rfc3339(*lines[0].parsed->until), "2027-02-01T00:00:00Z");
  EXPECT_EQ(lines[0].parsed->amount->currency_code, "EUR");
}

TEST(Commands, PledgeUntilRfc3339WithOffset) {
  const auto lines = parse("/pledge 50 until 2027-01-31T18:00:00+02:00");
  ASSERT_TRUE(lines[0].parsed);
  EXPECT_EQ(format_rfc3339(*lines[0].parsed->until), "2027-01-31T16:00:00Z");
}

struct kind_case {
  const char* body;
  command_kind kind;
};
class CommandWords : public ::testing::TestWithParam<kind_case> {};
TEST_P(CommandWords, AreRecognisedCaseInsensitively) {
  const auto lines = parse(GetParam().body);
  ASSERT_EQ(lines.size(), 1u) << GetParam().body;
  ASSERT_TRUE(lines[0].parsed) << GetParam().body << ": " << lines[0].parsed.error().message;
  EXPECT_EQ(lines[0].parsed->kind, GetParam().kind);
}
INSTANTIATE_TEST_SUITE_P(
    Table, CommandWords,
    ::testing::Values(kind_case{"/PLEDGE 5", command_kind::pledge}, kind_case{"/Pledge 5", command_kind::pledge},
                      kind_case{"/support", command_kind::support}, kind_case{"/SUPPORT", command_kind::support},
                      kind_case{"/unpledge", command_kind::unpledge}, kind_case{"/bounty status", command_kind::status},
                      kind_case{"/Bounty Status", command_kind::status}, kind_case{"/bounty help", command_kind::help},
                      kind_case{"/bounty", command_kind::help}, kind_case{"/bounty goal $500", command_kind::goal},
                      kind_case{"/bounty goal none", command_kind::goal},
                      kind_case{"/bounty deadline 2027-02-01", command_kind::deadline},
                      kind_case{"/bounty milestones design 20%, implementation 60%, docs 20%", command_kind::milestones},
                      kind_case{"/bounty submit", command_kind::submit},
                      kind_case{"/bounty submit docs https://github.com/o/r/pull/3", command_kind::submit},
                      kind_case{"/bounty split @alice 70 @bob 30", command_kind::split},
                      kind_case{"/bounty cancel", command_kind::cancel}, kind_case{"   /pledge 5", command_kind::pledge},
                      kind_case{"/pledge 5\r", command_kind::pledge}));

struct ignored_case {
  const char* name;
  const char* body;
};
class NotCommands : public ::testing::TestWithParam<ignored_case> {};
TEST_P(NotCommands, AreIgnored) { EXPECT_TRUE(parse(GetParam().body).empty()) << GetParam().name; }
INSTANTIATE_TEST_SUITE_P(
    Table, NotCommands,
    ::testing::Values(ignored_case{"prose", "I would pledge $50 if I could"},
                      ignored_case{"fenced", "```\n/pledge $50\n```"},
                      ignored_case{"fenced with info string", "```bash\n/pledge $50\n```"},
                      ignored_case{"tilde fence", "~~~\n/pledge $50\n~~~"},
                      ignored_case{"long fence closed only by a long fence", "````\n```\n/pledge $50\n````"},
                      ignored_case{"indented code, spaces", "    /pledge $50"},
                      ignored_case{"indented code, tab", "\t/pledge $50"},
                      ignored_case{"inline code", "`/pledge $50`"},
                      ignored_case{"inline code mid-line", "type `/pledge $50` to pledge"},
                      ignored_case{"block quote", "> /pledge $50"}, ignored_case{"nested quote", "> > /pledge $50"},
                      ignored_case{"html comment", "<!--\n/pledge $50\n-->"},
                      ignored_case{"gitlab quick action", "/done\n/milestone %v1\n/close"},
                      ignored_case{"word prefix", "/pledged 50"}, ignored_case{"other bot", "/bountyhunter go"},
                      ignored_case{"unclosed fence swallows the rest", "```\n/pledge $50"}));

TEST(Commands, SeveralCommandsRunInOrderWithIndexes) {
  const auto lines = parse("Thanks!\n/pledge 10\nsome text\n/support\n```\n/unpledge\n```\n/bounty status");
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].parsed->kind, command_kind::pledge);
  EXPECT_EQ(lines[1].parsed->kind, command_kind::support);
  EXPECT_EQ(lines[2].parsed->kind, command_kind::status);
  EXPECT_EQ(lines[2].index, 2u);
}

TEST(Commands, AfterAFenceClosesCommandsCountAgain) {
  const auto lines = parse("```\n/pledge 1\n```\n/pledge 2");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].parsed->amount->integer_digits, "2");
}

TEST(Commands, AtMostTwentyCommandsPerComment) {
  std::string body;
  for (int i = 0; i < 30; ++i) body += "/support\n";
  EXPECT_EQ(parse(body).size(), max_commands_per_comment);
}

struct refusal_case {
  const char* body;
  const char* why;
};
class Refusals : public ::testing::TestWithParam<refusal_case> {};
TEST_P(Refusals, CarryAMessage) {
  const auto lines = parse(GetParam().body);
  ASSERT_EQ(lines.size(), 1u);
  ASSERT_FALSE(lines[0].parsed) << GetParam().body;
  EXPECT_NE(lines[0].parsed.error().message.find(GetParam().why), std::string::npos)
      << GetParam().body << ": " << lines[0].parsed.error().message;
}
INSTANTIATE_TEST_SUITE_P(
    Table, Refusals,
    ::testing::Values(refusal_case{"/pledge", "amount is missing"}, refusal_case{"/pledge -5", "negative"},
                      refusal_case{"/pledge 1e3", "exponent"}, refusal_case{"/pledge $50 EUR", "one currency"},
                      refusal_case{"/pledge 50 thanks!", "did not understand"},
                      refusal_case{"/pledge 50 until", "needs a date"},
                      refusal_case{"/pledge 50 until tomorrow", "not a date"},
                      refusal_case{"/pledge 50 until 2027-02-30", "not a date"},
                      refusal_case{"/support 5", "takes no arguments"},
                      refusal_case{"/unpledge now", "takes no arguments"},
                      refusal_case{"/bounty frobnicate", "not a command"},
                      refusal_case{"/bounty milestones a 50%, b 40%", "add up to 100"},
                      refusal_case{"/bounty milestones a 50%, a 50%", "named twice"},
                      refusal_case{"/bounty milestones a 50, b 50", "whole percent"},
                      refusal_case{"/bounty milestones a 9%, b 9%, c 9%, d 9%, e 9%, f 9%, g 9%, h 9%, i 9%, j 9%, k 10%",
                                   "at most 10"},
                      refusal_case{"/bounty split alice 100", "not an @login"},
                      refusal_case{"/bounty split @a 60 @b 30", "add up to 100"},
                      refusal_case{"/bounty goal lots", "not an amount"},
                      refusal_case{"/bounty deadline soon", "not a date"}));

TEST(Commands, MilestonesKeepMultiWordNames) {
  const auto lines = parse("/bounty milestones first draft 30%, final version 70%");
  ASSERT_TRUE(lines[0].parsed);
  ASSERT_EQ(lines[0].parsed->milestones.size(), 2u);
  EXPECT_EQ(lines[0].parsed->milestones[0].name, "first draft");
  EXPECT_EQ(lines[0].parsed->milestones[1].percent, 70);
}

TEST(Commands, HelpTextHasNoCommandLines) {
  // The bot's own comments must never be read as commands.
  EXPECT_TRUE(parse(help_text()).empty());
}

}  // namespace
}  // namespace bountybot::bot
