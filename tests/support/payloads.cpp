#include "tests/support/payloads.hpp"

#include "webhooks/signature.hpp"

#include <atomic>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

namespace bountybot::testing {
namespace json = boost::json;

namespace {
json::value read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("missing fixture " + path + " (scripts/test installs it with npm ci)");
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

const json::value& octokit_index() {
  static const json::value index =
      read_json(std::string(BOUNTYBOT_SOURCE_DIR) + "/tests/fixtures/node_modules/@octokit/webhooks-examples/api.github.com/index.json");
  return index;
}
}  // namespace

std::int64_t fresh_id() {
  static std::atomic<std::int64_t> next{900'000'000};
  return next++;
}

std::string fresh_timestamp() {
  // One second apart from 2026-01-01T00:00:00Z on, in GitHub's ISO 8601 form.
  const long long n = fresh_id() - 900'000'000;
  char out[32];
  std::snprintf(out, sizeof out, "2026-01-%02lldT%02lld:%02lld:%02lldZ", 1 + (n / 86400) % 28, (n / 3600) % 24,
                (n / 60) % 60, n % 60);
  return out;
}

json::value github_example(const std::string& event, const std::string& action) {
  for (const auto& e : octokit_index().as_array()) {
    if (e.at("name").as_string() != event) continue;
    for (const auto& x : e.at("examples").as_array()) {
      const auto* a = x.as_object().if_contains("action");
      if (action.empty() || (a && a->as_string() == action)) return x;
    }
  }
  throw std::runtime_error("no octokit example for " + event + "." + action);
}

std::string github_comment(const std::string& body, std::int64_t user_id, const std::string& login, std::int64_t issue,
                           std::int64_t comment_id) {
  auto v = github_example("issue_comment", "created");
  auto& o = v.as_object();
  auto& comment = o["comment"].as_object();
  comment["body"] = body;
  comment["id"] = comment_id == 0 ? fresh_id() : comment_id;
  comment["user"].as_object()["id"] = user_id;
  comment["user"].as_object()["login"] = login;
  o["sender"].as_object()["id"] = user_id;
  o["sender"].as_object()["login"] = login;
  o["issue"].as_object()["number"] = issue;
  o["issue"].as_object()["html_url"] = "https://github.com/Codertocat/Hello-World/issues/" + std::to_string(issue);
  return json::serialize(v);
}

std::string gitlab_note(const std::string& body, std::int64_t user_id, const std::string& username, std::int64_t iid,
                        std::int64_t note_id, const std::vector<std::int64_t>& assignee_ids) {
  auto v = read_json(std::string(BOUNTYBOT_SOURCE_DIR) + "/tests/fixtures/gitlab/note_on_issue.json");
  auto& o = v.as_object();
  o["object_attributes"].as_object()["note"] = body;
  o["object_attributes"].as_object()["id"] = note_id == 0 ? fresh_id() : note_id;
  o["object_attributes"].as_object()["author_id"] = user_id;
  o["user"].as_object()["id"] = user_id;
  o["user"].as_object()["username"] = username;
  o["issue"].as_object()["iid"] = iid;
  json::array ids;
  for (auto id : assignee_ids) ids.push_back(id);
  o["issue"].as_object()["assignee_ids"] = std::move(ids);
  return json::serialize(v);
}

namespace {
json::array github_users(const people& ps) {
  json::array out;
  for (const auto& [id, login] : ps) out.push_back(json::object{{"id", id}, {"login", login}, {"type", "User"}});
  return out;
}
void set_sender(json::object& o, std::int64_t id, const std::string& login) {
  o["sender"].as_object()["id"] = id;
  o["sender"].as_object()["login"] = login;
  o["sender"].as_object()["type"] = "User";
}
json::value read_gitlab(const std::string& name) {
  std::ifstream in(std::string(BOUNTYBOT_SOURCE_DIR) + "/tests/fixtures/gitlab/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}
json::array gitlab_label_list(const std::vector<std::string>& titles) {
  json::array out;
  int id = 100;
  for (const auto& t : titles) out.push_back(json::object{{"id", id++}, {"title", t}, {"color", "#ffffff"}, {"type", "ProjectLabel"}});
  return out;
}
}  // namespace

std::string github_comment_assigned(const std::string& body, std::int64_t user_id, const std::string& login,
                                    std::int64_t comment_id, const people& assignees) {
  auto v = json::parse(github_comment(body, user_id, login, 1, comment_id));
  v.as_object()["issue"].as_object()["assignees"] = github_users(assignees);
  return json::serialize(v);
}

std::string github_label_event(const std::string& action, const std::string& label, std::int64_t sender_id,
                               const std::string& sender_login) {
  auto v = github_example("issues", action);
  auto& o = v.as_object();
  o["label"].as_object()["name"] = label;
  o["issue"].as_object()["number"] = 1;
  o["issue"].as_object()["updated_at"] = fresh_timestamp();
  set_sender(o, sender_id, sender_login);
  return json::serialize(v);
}

std::string github_issue_closed(const std::string& state_reason, const people& assignees) {
  auto v = github_example("issues", "labeled");
  auto& o = v.as_object();
  o["action"] = "closed";
  o.erase("label");
  auto& issue = o["issue"].as_object();
  issue["number"] = 1;
  issue["state"] = "closed";
  issue["state_reason"] = state_reason;
  issue["closed_at"] = fresh_timestamp();
  issue["assignees"] = github_users(assignees);
  return json::serialize(v);
}

std::string github_pull_request_merged(std::int64_t author_id, const std::string& login, const std::string& body) {
  auto v = github_example("pull_request", "closed");
  auto& o = v.as_object();
  auto& pr = o["pull_request"].as_object();
  pr["merged"] = true;
  pr["id"] = fresh_id();
  pr["body"] = body;
  pr["user"].as_object()["id"] = author_id;
  pr["user"].as_object()["login"] = login;
  return json::serialize(v);
}

std::string gitlab_labels(std::int64_t user_id, const std::string& username, std::int64_t iid,
                          const std::vector<std::string>& previous, const std::vector<std::string>& current) {
  auto v = read_gitlab("issue_hook.json");
  auto& o = v.as_object();
  o["user"].as_object()["id"] = user_id;
  o["user"].as_object()["username"] = username;
  o["object_attributes"].as_object()["iid"] = iid;
  o["object_attributes"].as_object()["updated_at"] = fresh_timestamp();
  o["object_attributes"].as_object()["labels"] = gitlab_label_list(current);
  o["labels"] = gitlab_label_list(current);
  o["changes"].as_object()["labels"] = json::object{{"previous", gitlab_label_list(previous)}, {"current", gitlab_label_list(current)}};
  return json::serialize(v);
}

std::string gitlab_emoji(std::int64_t user_id, const std::string& username, std::int64_t iid, std::int64_t note_id,
                         const std::string& name, bool awarded) {
  auto v = read_gitlab("emoji_hook.json");
  auto& o = v.as_object();
  o["event_type"] = awarded ? "award" : "revoke";
  o["user"].as_object()["id"] = user_id;
  o["user"].as_object()["username"] = username;
  o["object_attributes"].as_object()["name"] = name;
  o["object_attributes"].as_object()["user_id"] = user_id;
  o["object_attributes"].as_object()["awardable_id"] = note_id;
  o["object_attributes"].as_object()["id"] = fresh_id();
  o["issue"].as_object()["iid"] = iid;
  return json::serialize(v);
}

std::string github_signature(const std::string& secret, const std::string& body) {
  return "sha256=" + webhooks::hmac_sha256_hex(secret, body);
}

}  // namespace bountybot::testing
