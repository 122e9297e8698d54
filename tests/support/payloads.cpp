#include "tests/support/payloads.hpp"

#include "webhooks/signature.hpp"

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
  comment["id"] = comment_id;
  comment["user"].as_object()["id"] = user_id;
  comment["user"].as_object()["login"] = login;
  o["sender"].as_object()["id"] = user_id;
  o["sender"].as_object()["login"] = login;
  o["issue"].as_object()["number"] = issue;
  o["issue"].as_object()["html_url"] = "https://github.com/Codertocat/Hello-World/issues/" + std::to_string(issue);
  return json::serialize(v);
}

std::string gitlab_note(const std::string& body, std::int64_t user_id, const std::string& username, std::int64_t iid,
                        std::int64_t note_id) {
  auto v = read_json(std::string(BOUNTYBOT_SOURCE_DIR) + "/tests/fixtures/gitlab/note_on_issue.json");
  auto& o = v.as_object();
  o["object_attributes"].as_object()["note"] = body;
  o["object_attributes"].as_object()["id"] = note_id;
  o["object_attributes"].as_object()["author_id"] = user_id;
  o["user"].as_object()["id"] = user_id;
  o["user"].as_object()["username"] = username;
  o["issue"].as_object()["iid"] = iid;
  return json::serialize(v);
}

std::string github_signature(const std::string& secret, const std::string& body) {
  return "sha256=" + webhooks::hmac_sha256_hex(secret, body);
}

}  // namespace bountybot::testing
