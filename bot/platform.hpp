#pragma once
/// The platforms bountybot serves, as a closed type. Stored and shown by name (`github`,
/// `gitlab`): the `platform` columns, account names, issue keys and API paths.
#include <optional>
#include <string_view>

namespace bountybot::bot {

enum class platform { github, gitlab };

/// "github", "gitlab".
constexpr std::string_view to_string(platform p) { return p == platform::github ? "github" : "gitlab"; }

/// The platform named `name` (exactly, lower case), or nullopt for any other text.
constexpr std::optional<platform> platform_from(std::string_view name) {
  if (name == "github") return platform::github;
  if (name == "gitlab") return platform::gitlab;
  return std::nullopt;
}

}  // namespace bountybot::bot
