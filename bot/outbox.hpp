#pragma once
/// The calls the outbox makes to a platform, as closed types. The store queues them in the
/// `outbox` table (column `kind`, and `reaction` for reactions); the outbox sender performs them.
#include <optional>
#include <string_view>

namespace bountybot::bot {

/// What one outbox row asks of the platform. `status`: create or edit the bounty's status comment;
/// `reply`: post a comment with the row's body; `vote`: post the vote comment of the row's vote;
/// `add_label` / `remove_label`: the row's label on the issue; `reaction`: react to the row's comment.
enum class outbox_kind { status, reply, vote, add_label, remove_label, reaction };

/// The reaction an outbox row gives a command comment: `done` (a command was done; `+1` on
/// GitHub, `thumbsup` on GitLab) or `refused` (one was refused; `confused`).
enum class reaction_kind { done, refused };

/// The stored names: "status", "reply", "vote", "add_label", "remove_label", "reaction".
constexpr std::string_view to_string(outbox_kind k) {
  switch (k) {
    case outbox_kind::status: return "status";
    case outbox_kind::reply: return "reply";
    case outbox_kind::vote: return "vote";
    case outbox_kind::add_label: return "add_label";
    case outbox_kind::remove_label: return "remove_label";
    case outbox_kind::reaction: return "reaction";
  }
  return "status";
}

/// The kind stored as `name`, or nullopt for a name this version does not know.
constexpr std::optional<outbox_kind> outbox_kind_from(std::string_view name) {
  for (auto k : {outbox_kind::status, outbox_kind::reply, outbox_kind::vote, outbox_kind::add_label,
                 outbox_kind::remove_label, outbox_kind::reaction}) {
    if (to_string(k) == name) return k;
  }
  return std::nullopt;
}

/// The stored names: "done", "refused".
constexpr std::string_view to_string(reaction_kind r) { return r == reaction_kind::done ? "done" : "refused"; }

/// The reaction stored as `name`, or nullopt.
constexpr std::optional<reaction_kind> reaction_kind_from(std::string_view name) {
  if (name == "done") return reaction_kind::done;
  if (name == "refused") return reaction_kind::refused;
  return std::nullopt;
}

}  // namespace bountybot::bot
