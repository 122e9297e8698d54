#include "adapters/platform.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>

namespace bountybot::adapters {

namespace {

class dry_run_api final : public platform_api {
 public:
  explicit dry_run_api(std::string platform) : platform_(std::move(platform)) {}
  std::int64_t create_comment(const bot::issue_ref& issue, const std::string& body) override {
    spdlog::info("[dry-run] {} would post a comment on {}:\n{}", platform_, issue.key(), body);
    return ++next_id_;
  }
  void update_comment(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& body) override {
    spdlog::info("[dry-run] {} would edit comment {} on {}:\n{}", platform_, comment_id, issue.key(), body);
  }
  void add_reaction(const bot::issue_ref& issue, std::int64_t comment_id, bot::reaction_kind r) override {
    spdlog::info("[dry-run] {} would react {} to comment {} on {}", platform_,
                 r == bot::reaction_kind::done ? "+1" : "confused", comment_id, issue.key());
  }
  std::optional<std::int64_t> find_comment(const bot::issue_ref&, const std::string&) override { return std::nullopt; }
  bool is_maintainer(const bot::issue_ref& issue, const bot::user_ref& user) override {
    spdlog::warn("[dry-run] {} permission of @{} on {} not checked: treated as a maintainer", platform_, user.login,
                 issue.repository_path);
    return true;
  }
  void add_label(const bot::issue_ref& issue, const std::string& label) override {
    spdlog::info("[dry-run] {} would add label `{}` to {}", platform_, label, issue.key());
  }
  void remove_label(const bot::issue_ref& issue, const std::string& label) override {
    spdlog::info("[dry-run] {} would remove label `{}` from {}", platform_, label, issue.key());
  }
  reactions_page list_reactions(const bot::issue_ref&, std::int64_t, const std::string& etag) override {
    reactions_page page;  // nothing to poll in a dry run
    page.not_modified = !etag.empty();
    page.etag = "dry-run";
    return page;
  }

 private:
  std::string platform_;
  std::atomic<std::int64_t> next_id_{0};
};

std::optional<long long> to_number(const std::string& s) {
  long long v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || p != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::unique_ptr<platform_api> make_dry_run_api(std::string platform) {
  return std::make_unique<dry_run_api>(std::move(platform));
}

api_error classify_failure(const std::string& call, unsigned status, const std::string& body,
                           const std::string& retry_after, const std::string& ratelimit_remaining,
                           const std::string& ratelimit_reset, long long now_epoch) {
  std::optional<std::chrono::seconds> after;
  if (auto s = to_number(retry_after)) after = std::chrono::seconds{*s};
  const bool limited = ratelimit_remaining == "0";
  if (!after && limited) {
    if (auto reset = to_number(ratelimit_reset)) {
      // GitHub sends an epoch time; GitLab's RateLimit-Reset is also an epoch time.
      after = std::chrono::seconds{std::max(1LL, *reset - now_epoch)};
    }
  }
  const bool retryable = status >= 500 || status == 429 || (status == 403 && (limited || after));
  std::string snippet = body.substr(0, 300);
  return api_error(call + " answered " + std::to_string(status) + ": " + snippet, status, retryable, after);
}

}  // namespace bountybot::adapters
