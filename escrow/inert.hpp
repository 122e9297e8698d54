#pragma once
/// User text made inert before the service repeats it in a comment or a refusal (`problem`
/// messages, escrow/result.hpp, are shown as Markdown on GitHub and GitLab). Pure. A repeated
/// line must never become a mention, a link, an image, HTML or formatting under the bot's name.
#include <cstddef>
#include <string>
#include <string_view>

namespace bountybot {

/// The most characters of one piece of user text the bot repeats (a refused command line, a
/// name); longer text is cut at a UTF-8 boundary and `…` follows the code span.
inline constexpr std::size_t max_echo_chars = 200;
/// The most of a text a refusal shows when it says the text is too long or malformed (bytes).
inline constexpr std::size_t max_preview_chars = 40;

/// `text` as a Markdown code span (CommonMark 0.30 §6.1): fenced by one backtick more than its
/// longest run of backticks, padded with a space when it starts or ends with a backtick or a
/// space (the parser strips one space from each side), so nothing in it is parsed: `@login`,
/// `[x](url)`, `**b**`, `<img>` stay plain text. Control characters and line breaks become
/// spaces (a code span cannot hold a line break; `\0` would end the text for libpq). Cut to
/// `max_chars` bytes at a UTF-8 boundary.
std::string inline_code(std::string_view text, std::size_t max_chars = max_echo_chars);

/// `inline_code` for a GFM table cell: `|` is escaped as `\|` as well, because GFM splits table
/// cells on pipes before it parses code spans (GFM spec, "Tables", example 200).
std::string table_cell_code(std::string_view text, std::size_t max_chars = max_echo_chars);

/// True when `text` holds a C0 control character other than tab, or DEL: such text is refused
/// in references, logins and names instead of being stored or cut short.
bool has_control_chars(std::string_view text);

/// `text` for an XML (SVG) attribute value or text node: `&`, `<`, `>`, `"` and `'` as entities
/// (XML 1.0 §2.4, §3.3.3).
std::string xml_escaped(std::string_view text);

/// True when `text` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or code points
/// above U+10FFFF): what PostgreSQL accepts as text.
bool is_utf8(std::string_view text);

/// `text` cut to at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t max_bytes);

}  // namespace bountybot
