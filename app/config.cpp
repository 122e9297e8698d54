#include "app/config.hpp"

#include "bot/time.hpp"
#include "escrow/money.hpp"

#include <charconv>
#include <fstream>
#include <stdexcept>

extern char** environ;

namespace bountybot::app {
namespace {

problem bad(const std::string& var, const std::string& why) { return make_problem("config", var + ": " + why); }

template <class Int>
bool parse_int(const std::string& s, Int& out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc{} && p == s.data() + s.size();
}

// `host:port`, or `[v6 address]:port`: a host that is not empty, a port from 1 to 65535.
bool parse_host_port(const std::string& v, std::string& host, unsigned short& port) {
  const auto colon = v.rfind(':');
  if (colon == std::string::npos || !parse_int(v.substr(colon + 1), port) || port == 0) return false;
  host = v.substr(0, colon);
  if (host.starts_with('[')) {
    if (host.size() < 3 || !host.ends_with(']')) return false;
    host = host.substr(1, host.size() - 2);
  }
  return !host.empty() && host.find_first_of("[] ") == std::string::npos;
}

}  // namespace

result<config> load_config(const std::map<std::string, std::string>& vars) {
  config c;
  auto get = [&](const char* name) -> const std::string* {
    const auto it = vars.find(name);
    return it == vars.end() || it->second.empty() ? nullptr : &it->second;
  };
  auto str = [&](const char* name, std::string& field) {
    if (const auto* v = get(name)) field = *v;
  };
  if (const auto* v = get("BOUNTYBOT_DATABASE_URL")) c.database_url = *v;
  else return bad("BOUNTYBOT_DATABASE_URL", "required (a libpq connection string)");
  if (const auto* v = get("BOUNTYBOT_LISTEN")) {
    const auto colon = v->rfind(':');
    if (colon == std::string::npos || !parse_int(v->substr(colon + 1), c.listen_port)) {
      return bad("BOUNTYBOT_LISTEN", "expected host:port, got `" + *v + "`");
    }
    c.listen_host = v->substr(0, colon);
    if (c.listen_host.size() > 2 && c.listen_host.front() == '[') c.listen_host = c.listen_host.substr(1, c.listen_host.size() - 2);
    c.public_url = "http://" + *v;
  }
  str("BOUNTYBOT_PUBLIC_URL", c.public_url);
  str("BOUNTYBOT_ADMIN_TOKEN", c.admin_token);
  str("BOUNTYBOT_GITHUB_WEBHOOK_SECRET", c.github_webhook_secret);
  str("BOUNTYBOT_GITHUB_API_URL", c.github_api_url);
  str("BOUNTYBOT_GITHUB_TOKEN", c.github_token);
  str("BOUNTYBOT_GITHUB_APP_ID", c.github_app_id);
  str("BOUNTYBOT_GITHUB_PRIVATE_KEY_FILE", c.github_private_key_file);
  str("BOUNTYBOT_GITHUB_BOT_LOGIN", c.github_bot_login);
  str("BOUNTYBOT_GITLAB_WEBHOOK_TOKEN", c.gitlab_webhook_token);
  str("BOUNTYBOT_GITLAB_URL", c.gitlab_url);
  str("BOUNTYBOT_GITLAB_TOKEN", c.gitlab_token);
  str("BOUNTYBOT_GITLAB_BOT_USERNAME", c.gitlab_bot_username);
  if (const auto* v = get("BOUNTYBOT_DRY_RUN")) {
    if (*v != "0" && *v != "1") return bad("BOUNTYBOT_DRY_RUN", "expected 0 or 1");
    c.dry_run = *v == "1";
  }
  if (const auto* v = get("BOUNTYBOT_LOG_FORMAT")) {
    if (*v != "text" && *v != "json") return bad("BOUNTYBOT_LOG_FORMAT", "expected text or json");
    c.log_format = *v;
  }
  if (const auto* v = get("BOUNTYBOT_DEFAULT_CURRENCY")) {
    const auto* cur = escrow::find_currency(*v);
    if (cur == nullptr) return bad("BOUNTYBOT_DEFAULT_CURRENCY", "not an ISO 4217 code this service knows");
    c.default_currency = std::string(cur->code);
  }
  for (auto [name, field] : {std::pair{"BOUNTYBOT_PLEDGE_TTL", &c.pledge_ttl},
                             std::pair{"BOUNTYBOT_AWAITING_FUNDS_TTL", &c.awaiting_funds_ttl},
                             std::pair{"BOUNTYBOT_VOTE_WINDOW", &c.vote_window},
                             std::pair{"BOUNTYBOT_REACTION_POLL", &c.reaction_poll},
                             std::pair{"BOUNTYBOT_READ_TIMEOUT", &c.read_timeout},
                             std::pair{"BOUNTYBOT_IDLE_TIMEOUT", &c.idle_timeout}}) {
    if (const auto* v = get(name)) {
      auto d = bot::parse_duration(*v);
      if (!d) return bad(name, d.error().message);
      *field = *d;
    }
  }
  for (auto [name, field] : {std::pair{"BOUNTYBOT_PLATFORM_FEE_BPS", &c.platform_fee_bps},
                             std::pair{"BOUNTYBOT_PROJECT_FEE_BPS", &c.project_fee_bps}}) {
    if (const auto* v = get(name)) {
      if (!parse_int(*v, *field) || *field < 0 || *field > 10000) return bad(name, "expected 0 to 10000 basis points");
    }
  }
  if (const auto* v = get("BOUNTYBOT_MAX_DEPOSIT")) {
    if (!parse_int(*v, c.max_deposit_units) || c.max_deposit_units < 1 || c.max_deposit_units > max_deposit_units_limit) {
      return bad("BOUNTYBOT_MAX_DEPOSIT", "expected whole currency units from 1 to 1000000000000");
    }
  }
  str("BOUNTYBOT_BOUNTY_LABEL", c.bounty_label);
  str("BOUNTYBOT_ACCEPTED_LABEL", c.accepted_label);
  if (const auto* v = get("BOUNTYBOT_GITHUB_MAINTAINER_MIN")) {
    if (*v != "write" && *v != "admin") return bad("BOUNTYBOT_GITHUB_MAINTAINER_MIN", "expected write or admin");
    c.github_maintainer_min = *v;
  }
  if (const auto* v = get("BOUNTYBOT_GITLAB_MAINTAINER_MIN")) {
    if (!parse_int(*v, c.gitlab_maintainer_min) || c.gitlab_maintainer_min < 30 || c.gitlab_maintainer_min > 50) {
      return bad("BOUNTYBOT_GITLAB_MAINTAINER_MIN", "expected an access level from 30 to 50");
    }
  }
  if (const auto* v = get("BOUNTYBOT_VOTE_WEIGHT")) {
    if (*v != "amount" && *v != "head") return bad("BOUNTYBOT_VOTE_WEIGHT", "expected amount or head");
    c.vote_weight = *v;
  }
  if (const auto* v = get("BOUNTYBOT_VOTE_SILENCE")) {
    if (*v != "approve" && *v != "reject") return bad("BOUNTYBOT_VOTE_SILENCE", "expected approve or reject");
    c.vote_silence = *v;
  }
  if (const auto* v = get("BOUNTYBOT_ZERO_VALUE_SUPPORT")) {
    if (*v != "0" && *v != "1") return bad("BOUNTYBOT_ZERO_VALUE_SUPPORT", "expected 0 or 1");
    c.zero_value_support = *v == "1";
  }
  if (const auto* v = get("BOUNTYBOT_MAX_BODY_BYTES")) {
    if (!parse_int(*v, c.max_body_bytes) || c.max_body_bytes < 1024 || c.max_body_bytes > max_body_bytes_limit)
      return bad("BOUNTYBOT_MAX_BODY_BYTES", "expected 1024 to " + std::to_string(max_body_bytes_limit) + " (25 MiB, SPEC §8)");
  }
  if (const auto* v = get("BOUNTYBOT_MAX_BODY_BYTES_IN_FLIGHT")) {
    if (!parse_int(*v, c.max_body_bytes_in_flight)) return bad("BOUNTYBOT_MAX_BODY_BYTES_IN_FLIGHT", "expected a number of bytes");
  }
  if (c.max_body_bytes_in_flight < c.max_body_bytes) {
    return bad("BOUNTYBOT_MAX_BODY_BYTES_IN_FLIGHT", "expected at least BOUNTYBOT_MAX_BODY_BYTES (" + std::to_string(c.max_body_bytes) + ")");
  }
  if (const auto* v = get("BOUNTYBOT_MAX_CONNECTIONS_PER_ADDRESS")) {
    if (!parse_int(*v, c.max_connections_per_address) || c.max_connections_per_address < 1 || c.max_connections_per_address > 1'000'000)
      return bad("BOUNTYBOT_MAX_CONNECTIONS_PER_ADDRESS", "expected 1 to 1000000");
  }
  if (const auto* v = get("BOUNTYBOT_ADMIN_LISTEN")) {
    if (!parse_host_port(*v, c.admin_listen_host, c.admin_listen_port))
      return bad("BOUNTYBOT_ADMIN_LISTEN", "expected host:port, got `" + *v + "`");
    c.admin_listen = true;
  }
  if (const auto* v = get("BOUNTYBOT_WORKERS")) {
    if (!parse_int(*v, c.workers) || c.workers < 0 || c.workers > 64) return bad("BOUNTYBOT_WORKERS", "expected 0 to 64");
  }
  if (const auto* v = get("BOUNTYBOT_DB_POOL")) {
    if (!parse_int(*v, c.db_pool_size) || c.db_pool_size < 1 || c.db_pool_size > 64) return bad("BOUNTYBOT_DB_POOL", "expected 1 to 64");
  }
  if (const auto* v = get("BOUNTYBOT_MAX_CONNECTIONS")) {
    if (!parse_int(*v, c.max_connections) || c.max_connections < 1 || c.max_connections > 1'000'000)
      return bad("BOUNTYBOT_MAX_CONNECTIONS", "expected 1 to 1000000");
  }
  if (const auto* v = get("BOUNTYBOT_IO_THREADS")) {
    if (!parse_int(*v, c.io_threads) || c.io_threads < 1 || c.io_threads > 64) return bad("BOUNTYBOT_IO_THREADS", "expected 1 to 64");
  }
  return c;
}

void read_env_file(const std::string& path, std::map<std::string, std::string>& vars) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read config file " + path);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    auto start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    line = line.substr(start);
    if (line.starts_with("export ")) line = line.substr(7);
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) {
      throw std::runtime_error(path + ":" + std::to_string(number) + ": expected KEY=VALUE");
    }
    std::string key = line.substr(0, eq);
    while (!key.empty() && (key.back() == ' ' || key.back() == '\t')) key.pop_back();
    std::string value = line.substr(eq + 1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r')) value.pop_back();
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    vars.emplace(key, value);  // the environment wins over the file
  }
}

std::map<std::string, std::string> environment_variables() {
  std::map<std::string, std::string> vars;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view kv(*e);
    if (!kv.starts_with("BOUNTYBOT_")) continue;
    const auto eq = kv.find('=');
    if (eq != std::string_view::npos) vars.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return vars;
}

bool platform_dry_run(const config& c, const std::string& platform) {
  if (c.dry_run) return true;
  return platform == "github" ? c.github_token.empty() && (c.github_app_id.empty() || c.github_private_key_file.empty())
                              : c.gitlab_token.empty();
}

}  // namespace bountybot::app
