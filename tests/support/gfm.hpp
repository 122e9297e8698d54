#pragma once
// GitHub Flavored Markdown rendered by GitHub's own parser (cmark-gfm, Debian's libcmark-gfm),
// with the table, autolink and strikethrough extensions and raw HTML kept: what an issue page
// would show of a comment the bot writes, so tests check what a reader sees.
#include <string>
#include <string_view>

namespace bountybot::testing {

/// The HTML of `markdown` as cmark-gfm renders it (raw HTML passed through, as GitHub's
/// sanitizer would keep `<a>`, `<img>`, `<strong>`).
std::string render_gfm(std::string_view markdown);

/// `html` without its `<code>…</code>` elements: what remains is live text, where a mention or
/// a link would act.
std::string outside_code(const std::string& html);

}  // namespace bountybot::testing
