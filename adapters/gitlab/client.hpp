#pragma once
/// GitLab REST API v4 client (https://docs.gitlab.com/ee/api/rest/), `PRIVATE-TOKEN` auth.
#include "adapters/http_client.hpp"
#include "adapters/platform.hpp"

namespace bountybot::gitlab {

class client final : public adapters::platform_api {
 public:
  /// `base_url`: `https://gitlab.com` or a self-managed instance; `/api/v4` is appended.
  client(const std::string& base_url, std::string token);
  std::int64_t create_comment(const bot::issue_ref& issue, const std::string& body) override;
  void update_comment(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& body) override;
  void add_reaction(const bot::issue_ref& issue, std::int64_t comment_id, bot::reaction_kind r) override;
  std::optional<std::int64_t> find_comment(const bot::issue_ref& issue, const std::string& tag) override;
  bool is_maintainer(const bot::issue_ref& issue, const bot::user_ref& user) override;
  /// The least access level that makes a maintainer (40, Maintainer, by default).
  void set_maintainer_min(int access_level) { maintainer_min_ = access_level; }
  void add_label(const bot::issue_ref& issue, const std::string& label) override;
  void remove_label(const bot::issue_ref& issue, const std::string& label) override;
  reactions_page list_reactions(const bot::issue_ref& issue, std::int64_t comment_id, const std::string& etag) override;

 private:
  adapters::http_response call(const std::string& method, const std::string& target, const std::string& body,
                               const std::map<std::string, std::string>& extra = {}, bool allow_404 = false);
  adapters::http_client http_;
  std::string token_;
  int maintainer_min_ = 40;
};

}  // namespace bountybot::gitlab
