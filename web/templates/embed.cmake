# Writes OUT: a C++ file defining bountybot::web::embedded_asset from DIR's templates and style
# sheet (*.mustache, *.css), so that `bountybot serve` needs no files beside it.
file(GLOB FILES ${DIR}/*.mustache ${DIR}/*.css)
list(SORT FILES)
set(body "// generated from web/templates/; do not edit\n#include \"web/page_kit.hpp\"\n#include <map>\nnamespace bountybot::web {\nstd::optional<std::string_view> embedded_asset(std::string_view name) {\n  static const std::map<std::string_view, std::string_view> all = {\n")
foreach(f IN LISTS FILES)
  get_filename_component(name ${f} NAME)
  file(READ ${f} text)
  string(APPEND body "    {\"${name}\", R\"__asset__(${text})__asset__\"},\n")
endforeach()
string(APPEND body "  };\n  const auto it = all.find(name);\n  if (it == all.end()) return std::nullopt;\n  return it->second;\n}\n}  // namespace bountybot::web\n")
file(WRITE ${OUT} "${body}")
