#pragma once
/// The port through which the service acts on a platform. The outbox sender calls it; GitHub and
/// GitLab implement it over REST; a dry-run implementation logs instead of sending.
#include "bot/bounty.hpp"
#include "bot/outbox.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bountybot::adapters {

/// A platform API call that got an HTTP answer other than success.
/// `retryable`: 5xx, 429, or a rate-limit 403; `retry_after`: when the platform said to come back.
struct api_error : std::runtime_error {
  api_error(const std::string& what, unsigned status, bool retryable, std::optional<std::chrono::seconds> retry_after)
      : std::runtime_error(what), status(status), retryable(retryable), retry_after(retry_after) {}
  unsigned status;
  bool retryable;
  std::optional<std::chrono::seconds> retry_after;
};

class platform_api {
 public:
  virtual ~platform_api() = default;
  /// Posts a comment on the issue; returns the new comment's id.
  virtual std::int64_t create_comment(const bot::issue_ref& issue, const std::string& body) = 0;
  /// The id of the newest comment on the issue whose body contains `tag`, among the most recent
  /// ones, if any: how a retry finds a comment that an earlier, timed-out attempt did create.
  virtual std::optional<std::int64_t> find_comment(const bot::issue_ref& issue, const std::string& tag) = 0;
  /// Replaces the body of the bot's comment `comment_id`.
  virtual void update_comment(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& body) = 0;
  /// Reacts to comment `comment_id` on the issue: `done` as +1 (GitHub) / thumbsup (GitLab),
  /// `refused` as confused.
  virtual void add_reaction(const bot::issue_ref& issue, std::int64_t comment_id, bot::reaction_kind r) = 0;
  /// Whether `user` is a maintainer of the repository: GitHub permission `write` or `admin`
  /// (`maintain` is reported as `write`), GitLab access level >= 40, inherited membership counting
  /// (SPEC §1). Not a collaborator / member: false.
  virtual bool is_maintainer(const bot::issue_ref& issue, const bot::user_ref& user) = 0;
  /// Adds / removes a label on the issue (removing an absent label is not an error).
  virtual void add_label(const bot::issue_ref& issue, const std::string& label) = 0;
  virtual void remove_label(const bot::issue_ref& issue, const std::string& label) = 0;

  /// The reactions on a comment, fetched conditionally: with the `etag` of the previous answer,
  /// an unchanged list comes back as `not_modified` (a GitHub 304 costs no rate limit).
  struct reactions_page {
    bool not_modified = false;
    std::vector<std::pair<std::int64_t, std::string>> reactions;  // user id, content
    std::string etag;
    std::optional<long long> ratelimit_remaining;
    std::optional<long long> ratelimit_reset_epoch;
  };
  virtual reactions_page list_reactions(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& etag) = 0;
};

/// Logs every call (with the full comment body) and sends nothing: BOUNTYBOT_DRY_RUN=1, or no
/// token configured for the platform. Returns made-up ids.
std::unique_ptr<platform_api> make_dry_run_api(std::string platform);

/// Turns an HTTP status and headers into an api_error (see api_error for what is retryable).
/// `now_epoch` is the current Unix time, used with reset-time headers.
api_error classify_failure(const std::string& call, unsigned status, const std::string& body,
                           const std::string& retry_after, const std::string& ratelimit_remaining,
                           const std::string& ratelimit_reset, long long now_epoch);

}  // namespace bountybot::adapters
