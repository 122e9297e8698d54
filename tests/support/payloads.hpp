#pragma once
// Real webhook payloads for tests: GitHub's from @octokit/webhooks-examples (tests/fixtures,
// installed by scripts/test), GitLab's Note Hook from GitLab's webhook documentation.
#include <boost/json.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace bountybot::testing {

/// The first example of `event`/`action` in @octokit/webhooks-examples (api.github.com).
boost::json::value github_example(const std::string& event, const std::string& action);

/// A platform id no other payload of this test process has (comments, notes, awards, pull
/// requests), and a timestamp likewise: each made-up event is a new event, as on the platform,
/// since the service has effect once per event (its cause), whatever the delivery id.
std::int64_t fresh_id();
std::string fresh_timestamp();

/// A GitHub `issue_comment` `created` delivery body: the octokit example with the comment's
/// body, author, id (0: `fresh_id()`) and the issue number replaced.
std::string github_comment(const std::string& body, std::int64_t user_id = 21031067,
                           const std::string& login = "Codertocat", std::int64_t issue = 1,
                           std::int64_t comment_id = 0);

/// People as (id, login) pairs.
using people = std::vector<std::pair<std::int64_t, std::string>>;

/// `issue_comment` `created` on issue 1 with the issue assigned to `assignees`.
std::string github_comment_assigned(const std::string& body, std::int64_t user_id, const std::string& login,
                                    std::int64_t comment_id, const people& assignees);

/// `issues` `labeled`/`unlabeled` (octokit example) by `sender`, for `label` on issue 1.
std::string github_label_event(const std::string& action, const std::string& label, std::int64_t sender_id,
                               const std::string& sender_login);

/// `issues` `closed` on issue 1 with `state_reason` (`completed` / `not_planned`), built from
/// octokit's issues example.
std::string github_issue_closed(const std::string& state_reason, const people& assignees);

/// `pull_request` `closed` with `merged: true` (octokit example) by `author`, with `body`.
std::string github_pull_request_merged(std::int64_t author_id, const std::string& login, const std::string& body);

/// GitLab Issue Hook (documented example) on issue `iid`: labels changed from `previous` to `current`.
std::string gitlab_labels(std::int64_t user_id, const std::string& username, std::int64_t iid,
                          const std::vector<std::string>& previous, const std::vector<std::string>& current);

/// GitLab Emoji Hook (documented example): `name` awarded (or revoked) on note `note_id` of issue `iid`.
std::string gitlab_emoji(std::int64_t user_id, const std::string& username, std::int64_t iid, std::int64_t note_id,
                         const std::string& name, bool awarded);

/// A GitLab `Note Hook` on an issue, from the documented example, with fields replaced (note id
/// 0: `fresh_id()`).
std::string gitlab_note(const std::string& body, std::int64_t user_id = 1, const std::string& username = "root",
                        std::int64_t iid = 17, std::int64_t note_id = 0, const std::vector<std::int64_t>& assignee_ids = {});

/// `sha256=<hex>` as GitHub signs a body.
std::string github_signature(const std::string& secret, const std::string& body);

}  // namespace bountybot::testing
