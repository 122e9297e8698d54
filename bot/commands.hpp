#pragma once
/// The comment command grammar of SPEC §4: a pure function from comment text to commands.
#include "bot/time.hpp"
#include "escrow/money.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bountybot::bot {

enum class command_kind {
  pledge,      // /pledge AMOUNT [until DATE]
  support,     // /support
  unpledge,    // /unpledge
  status,      // /bounty status
  help,        // /bounty help
  goal,        // /bounty goal AMOUNT | none
  deadline,    // /bounty deadline DATE
  milestones,  // /bounty milestones NAME PCT%, ...
  submit,      // /bounty submit [MILESTONE] [URL]
  split,       // /bounty split @login PCT ...
  cancel,      // /bounty cancel
};

/// The command's name as users write it, without the slash: `pledge`, `support`, `unpledge`,
/// `status`, `help`, `goal`, `deadline`, `milestones`, `submit`, `split`, `cancel`.
std::string_view to_string(command_kind kind);

/// A milestone as defined by `/bounty milestones`: a name and a whole percent (1..100).
struct milestone_spec {
  std::string name;
  int percent = 0;
};

/// One solver's share in `/bounty split`: a login (without `@`) and a whole percent.
struct split_share {
  std::string login;
  int percent = 0;
};

/// A well-formed command. Only the fields of its kind are set.
struct command {
  command_kind kind;
  std::optional<escrow::amount_text> amount;  // pledge (zero for /support), goal (unset = none)
  std::optional<utc_time> until;              // pledge `until`, bounty deadline
  std::vector<milestone_spec> milestones;
  std::string milestone;  // submit: the named milestone, empty = the next one
  std::string url;        // submit: link to the work
  std::vector<split_share> split;
};

/// One command line of a comment: its text (trimmed), its position among the comment's command
/// lines (0-based; used in idempotency keys), and the command or why it was refused.
struct command_line {
  std::string text;
  std::size_t index = 0;
  result<command> parsed;
};

/// Hard limits on what one comment may ask for.
inline constexpr std::size_t max_commands_per_comment = 20;
inline constexpr std::size_t max_milestones = 10;
/// The longest milestone name (bytes): names are stored and shown in the status comment's table.
inline constexpr std::size_t max_milestone_name_chars = 50;
/// The longest link `/bounty submit` takes (bytes), as browsers and the platforms keep links short.
inline constexpr std::size_t max_url_chars = 2000;
/// The longest login either platform issues (GitLab usernames up to 255 bytes, GitHub's up to 39).
inline constexpr std::size_t max_login_chars = 255;

/// True for a platform login: 1 to `max_login_chars` of `A-Z a-z 0-9 - _ .` (GitHub: letters,
/// digits and hyphens; GitLab also `_` and `.`), optionally with GitHub's `[bot]` app suffix.
bool is_login(std::string_view login);

/// True for a link the bot may show as an autolink `<url>`: `http://` or `https://`, at most
/// `max_url_chars`, only URI characters of RFC 3986 §2 (unreserved, reserved, `%`) and none of
/// `<>()[]` `` ` `` `\`, so that no Markdown can hide in it.
bool is_plain_url(std::string_view url);

/// Finds the command lines of a comment, in order. A command line's first non-blank characters
/// (at most three spaces of indent) are `/pledge`, `/support`, `/unpledge` or `/bounty`, case-
/// insensitively, followed by a space or the end of line. Never commands: lines inside fenced
/// code blocks (``` or ~~~), indented code (four spaces or a tab), block quotes, inline code and
/// HTML comments. Lines past `max_commands_per_comment` are dropped. A command line holding a
/// control character (other than tab) is refused, never cut short. Refusal messages repeat the
/// user's text only as inert code spans (escrow/inert.hpp).
std::vector<command_line> parse_comment(std::string_view body);

/// Issue numbers of `repository_path` that `text` (a pull/merge request description) closes with
/// a closing keyword: `close[sd]`, `fix(es|ed)`, `resolve[sd]` (GitHub; "Linking a pull request to
/// an issue"), plus GitLab's `closing`, `fixing`, `resolving`, `implement(s|ed|ing)`; followed by
/// `#N`, `path#N` or the URL. Case-insensitive; other repositories' issues are skipped.
std::vector<std::int64_t> closing_references(std::string_view text, std::string_view repository_path);

/// `s` with ASCII letters in lower case (command words, logins and labels compare this way).
std::string ascii_lower(std::string_view s);

/// The help text listing every command (markdown, one line per command, each in inline code so
/// that the bot's own comment never contains a command line).
std::string help_text();

}  // namespace bountybot::bot
