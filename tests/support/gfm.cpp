#include "tests/support/gfm.hpp"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <cstdlib>
#include <memory>

namespace bountybot::testing {

std::string render_gfm(std::string_view markdown) {
  cmark_gfm_core_extensions_ensure_registered();
  const int options = CMARK_OPT_UNSAFE;
  std::unique_ptr<cmark_parser, decltype(&cmark_parser_free)> parser(cmark_parser_new(options), cmark_parser_free);
  for (const char* name : {"table", "autolink", "strikethrough"}) {
    if (auto* ext = cmark_find_syntax_extension(name)) cmark_parser_attach_syntax_extension(parser.get(), ext);
  }
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, decltype(&cmark_node_free)> doc(cmark_parser_finish(parser.get()), cmark_node_free);
  char* html = cmark_render_html(doc.get(), options, cmark_parser_get_syntax_extensions(parser.get()));
  std::string out(html);
  std::free(html);
  return out;
}

std::string outside_code(const std::string& html) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const auto open = html.find("<code>", pos);
    if (open == std::string::npos) break;
    out += html.substr(pos, open - pos);
    const auto close = html.find("</code>", open);
    if (close == std::string::npos) return out + html.substr(open);  // unclosed: all of it counts as live
    pos = close + 7;
  }
  return out + html.substr(pos);
}

}  // namespace bountybot::testing
