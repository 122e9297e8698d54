#pragma once
// Real webhook payloads for tests: GitHub's from @octokit/webhooks-examples (tests/fixtures,
// installed by scripts/test), GitLab's Note Hook from GitLab's webhook documentation.
#include <boost/json.hpp>

#include <cstdint>
#include <string>

namespace bountybot::testing {

/// The first example of `event`/`action` in @octokit/webhooks-examples (api.github.com).
boost::json::value github_example(const std::string& event, const std::string& action);

/// A GitHub `issue_comment` `created` delivery body: the octokit example with the comment's
/// body, author, id and the issue number replaced.
std::string github_comment(const std::string& body, std::int64_t user_id = 21031067,
                           const std::string& login = "Codertocat", std::int64_t issue = 1,
                           std::int64_t comment_id = 492700400);

/// A GitLab `Note Hook` on an issue, from the documented example, with fields replaced.
std::string gitlab_note(const std::string& body, std::int64_t user_id = 1, const std::string& username = "root",
                        std::int64_t iid = 17, std::int64_t note_id = 1241);

/// `sha256=<hex>` as GitHub signs a body.
std::string github_signature(const std::string& secret, const std::string& body);

}  // namespace bountybot::testing
