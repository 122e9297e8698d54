#pragma once
/// GitHub REST API client (https://docs.github.com/en/rest), token authentication,
/// `X-GitHub-Api-Version: 2022-11-28`.
#include "adapters/http_client.hpp"
#include "adapters/platform.hpp"

#include <functional>
#include <memory>

namespace bountybot::github {

class client final : public adapters::platform_api {
 public:
  /// `api_url`: `https://api.github.com`, or `https://HOST/api/v3` for GHES; `token`: a PAT.
  client(const std::string& api_url, std::string token,
         std::chrono::seconds timeout = adapters::default_request_timeout);
  /// Authenticates every call with an installation token of the repository it concerns.
  client(const std::string& api_url, std::shared_ptr<class app_credentials> app,
         std::chrono::seconds timeout = adapters::default_request_timeout);
  std::int64_t create_comment(const bot::issue_ref& issue, const std::string& body) override;
  void update_comment(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& body) override;
  void add_reaction(const bot::issue_ref& issue, std::int64_t comment_id, bot::reaction_kind r) override;
  std::optional<std::int64_t> find_comment(const bot::issue_ref& issue, const std::string& tag) override;
  bool is_maintainer(const bot::issue_ref& issue, const bot::user_ref& user) override;
  /// The least permission that makes a maintainer: `write` (default) or `admin`.
  void set_maintainer_min(std::string permission) { maintainer_min_ = std::move(permission); }
  void add_label(const bot::issue_ref& issue, const std::string& label) override;
  void remove_label(const bot::issue_ref& issue, const std::string& label) override;
  reactions_page list_reactions(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& etag) override;

 private:
  adapters::http_response call(const bot::issue_ref& issue, const std::string& method, const std::string& target,
                               const std::string& body, const std::map<std::string, std::string>& extra = {},
                               bool allow_404 = false);
  adapters::http_client http_;
  std::function<std::string(const std::string& repository_path)> token_for_;
  std::string maintainer_min_ = "write";
};

}  // namespace bountybot::github
