#include "app/config.hpp"
#include "bot/platform.hpp"

#include "bot/time.hpp"
#include "escrow/money.hpp"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <tuple>
#include <stdexcept>
#include <type_traits>
#include <vector>

extern char** environ;

namespace bountybot::app {
namespace {

problem bad(const std::string& var, const std::string& why) { return make_problem(problem_code::config, var + ": " + why); }

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

// ---- the table of settings ----

/// The largest basis-point fee: the whole amount.
constexpr int max_fee_bps = 10'000;
/// The fewest bytes BOUNTYBOT_MAX_BODY_BYTES accepts.
constexpr std::size_t min_body_bytes = 1024;
/// GitLab access levels a maintainer check may require: Developer (30) to Owner (50).
constexpr int min_gitlab_access_level = 30;
constexpr int max_gitlab_access_level = 50;
/// The most threads (inbox workers, HTTP threads) and pooled connections one setting may ask for.
constexpr int max_threads = 64;
/// The most HTTP connections (in all, or from one address) one setting may allow.
constexpr int max_connections_limit = 1'000'000;

/// Why a value is refused, shown after the variable's name; nullopt for a valid value.
using refusal = std::optional<std::string>;

/// Parses and validates a setting's (non-empty) value and stores it in the config.
using read_fn = std::function<refusal(const std::string& value, config& c)>;

/// One environment variable of the configuration.
struct setting {
  const char* name;  // the variable
  const char* doc;   // what it sets and its shape; the default is that of `config`'s field
  read_fn read;      // run when the variable is set and not empty
  /// When not null the variable must be set (and not empty); the refusal when it is not.
  const char* required = nullptr;
  /// When set, a check of the values read so far, run after this variable whether it is set or not.
  std::function<refusal(const config& c)> check = nullptr;
};

/// Any text, stored as given.
read_fn text(std::string config::*field) {
  return [field](const std::string& v, config& c) -> refusal {
    c.*field = v;
    return std::nullopt;
  };
}

/// One of `allowed`, stored as given; `why` otherwise.
read_fn one_of(std::string config::*field, std::vector<std::string> allowed, std::string why) {
  return [field, allowed = std::move(allowed), why = std::move(why)](const std::string& v, config& c) -> refusal {
    if (std::find(allowed.begin(), allowed.end(), v) == allowed.end()) return why;
    c.*field = v;
    return std::nullopt;
  };
}

/// `0` or `1`.
read_fn flag(bool config::*field) {
  return [field](const std::string& v, config& c) -> refusal {
    if (v != "0" && v != "1") return "expected 0 or 1";
    c.*field = v == "1";
    return std::nullopt;
  };
}

/// A whole number (decimal digits only) from `lo` to `hi`; `why` otherwise.
template <class Int>
read_fn integer(Int config::*field, std::type_identity_t<Int> lo, std::type_identity_t<Int> hi, std::string why) {
  return [field, lo, hi, why = std::move(why)](const std::string& v, config& c) -> refusal {
    if (!parse_int(v, c.*field) || c.*field < lo || c.*field > hi) return why;
    return std::nullopt;
  };
}

/// A duration of SPEC §10 (`30s`, `15m`, `2h`, `7d`); parse_duration's message otherwise.
read_fn duration(std::chrono::seconds config::*field) {
  return [field](const std::string& v, config& c) -> refusal {
    auto d = bot::parse_duration(v);
    if (!d) return d.error().message;
    c.*field = *d;
    return std::nullopt;
  };
}

/// BOUNTYBOT_LISTEN: `host:port` (a bracketed IPv6 host loses its brackets); also the public URL
/// until BOUNTYBOT_PUBLIC_URL says otherwise.
refusal read_listen(const std::string& v, config& c) {
  const auto colon = v.rfind(':');
  if (colon == std::string::npos || !parse_int(v.substr(colon + 1), c.listen_port)) {
    return "expected host:port, got `" + v + "`";
  }
  c.listen_host = v.substr(0, colon);
  if (c.listen_host.size() > 2 && c.listen_host.front() == '[') c.listen_host = c.listen_host.substr(1, c.listen_host.size() - 2);
  c.public_url = "http://" + v;
  return std::nullopt;
}

/// BOUNTYBOT_DEFAULT_CURRENCY: an ISO 4217 code of escrow's currency table, stored as the table spells it.
refusal read_currency(const std::string& v, config& c) {
  const auto* cur = escrow::find_currency(v);
  if (cur == nullptr) return "not an ISO 4217 code this service knows";
  c.default_currency = std::string(cur->code);
  return std::nullopt;
}

/// BOUNTYBOT_ADMIN_LISTEN: `host:port` or `[v6 address]:port`; turns the admin listener on.
refusal read_admin_listen(const std::string& v, config& c) {
  if (!parse_host_port(v, c.admin_listen_host, c.admin_listen_port)) return "expected host:port, got `" + v + "`";
  c.admin_listen = true;
  return std::nullopt;
}

/// BOUNTYBOT_SECRET_KEY: 32 bytes as 64 hex digits (`openssl rand -hex 32`).
refusal read_secret_key(const std::string& v, config& c) {
  const bool hex = v.size() == 64 && v.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos;
  if (!hex) return "expected 64 hex digits (32 random bytes: `openssl rand -hex 32`)";
  c.secret_key = v;
  return std::nullopt;
}

/// An OAuth application needs its id, its secret and the secret key that seals users' tokens.
refusal check_oauth(const config& c) {
  for (const auto& [id, secret, name] : {std::tuple{&c.github_client_id, &c.github_client_secret, "GITHUB"},
                                         std::tuple{&c.gitlab_client_id, &c.gitlab_client_secret, "GITLAB"}}) {
    if (id->empty() != secret->empty()) {
      return std::string("BOUNTYBOT_") + name + "_CLIENT_ID and BOUNTYBOT_" + name + "_CLIENT_SECRET are set together";
    }
    if (!id->empty() && c.secret_key.empty()) {
      return std::string("sign-in with ") + name + " needs BOUNTYBOT_SECRET_KEY (64 hex digits) to seal users' tokens";
    }
  }
  return std::nullopt;
}

/// The bytes in flight must hold at least one whole body.
refusal check_bodies_in_flight(const config& c) {
  if (c.max_body_bytes_in_flight >= c.max_body_bytes) return std::nullopt;
  return "expected at least BOUNTYBOT_MAX_BODY_BYTES (" + std::to_string(c.max_body_bytes) + ")";
}

/// Every setting, in the order they are read: the first refusal is the one reported, and
/// BOUNTYBOT_PUBLIC_URL comes after BOUNTYBOT_LISTEN, which sets it too.
const std::vector<setting>& settings() {
  static const std::vector<setting> table = {
      {"BOUNTYBOT_DATABASE_URL", "libpq connection string", text(&config::database_url),
       "required (a libpq connection string)"},
      {"BOUNTYBOT_LISTEN", "host:port of the webhook listener", read_listen},
      {"BOUNTYBOT_PUBLIC_URL", "the service's URL as others reach it", text(&config::public_url)},
      {"BOUNTYBOT_ADMIN_TOKEN", "bearer token of the admin API", text(&config::admin_token)},
      {"BOUNTYBOT_GITHUB_WEBHOOK_SECRET", "HMAC secret of GitHub deliveries", text(&config::github_webhook_secret)},
      {"BOUNTYBOT_GITHUB_API_URL", "GitHub REST API base URL", text(&config::github_api_url)},
      {"BOUNTYBOT_GITHUB_TOKEN", "GitHub token", text(&config::github_token)},
      {"BOUNTYBOT_GITHUB_APP_ID", "GitHub App id", text(&config::github_app_id)},
      {"BOUNTYBOT_GITHUB_PRIVATE_KEY_FILE", "GitHub App private key (PEM file)", text(&config::github_private_key_file)},
      {"BOUNTYBOT_GITHUB_BOT_LOGIN", "the GitHub token's account", text(&config::github_bot_login)},
      {"BOUNTYBOT_GITLAB_WEBHOOK_TOKEN", "secret token of GitLab deliveries", text(&config::gitlab_webhook_token)},
      {"BOUNTYBOT_GITLAB_URL", "GitLab base URL", text(&config::gitlab_url)},
      {"BOUNTYBOT_GITLAB_TOKEN", "GitLab token", text(&config::gitlab_token)},
      {"BOUNTYBOT_GITLAB_BOT_USERNAME", "the GitLab token's account", text(&config::gitlab_bot_username)},
      {"BOUNTYBOT_DRY_RUN", "1: log platform calls instead of sending them", flag(&config::dry_run)},
      {"BOUNTYBOT_LOG_FORMAT", "text | json",
       one_of(&config::log_format, {"text", "json"}, "expected text or json")},
      {"BOUNTYBOT_DEFAULT_CURRENCY", "ISO 4217 code", read_currency},
      {"BOUNTYBOT_PLEDGE_TTL", "duration", duration(&config::pledge_ttl)},
      {"BOUNTYBOT_AWAITING_FUNDS_TTL", "duration", duration(&config::awaiting_funds_ttl)},
      {"BOUNTYBOT_VOTE_WINDOW", "duration", duration(&config::vote_window)},
      {"BOUNTYBOT_REACTION_POLL", "duration", duration(&config::reaction_poll)},
      {"BOUNTYBOT_READ_TIMEOUT", "duration: a whole request must arrive within it", duration(&config::read_timeout)},
      {"BOUNTYBOT_IDLE_TIMEOUT", "duration: idle keep-alive connections are closed", duration(&config::idle_timeout)},
      {"BOUNTYBOT_PLATFORM_FEE_BPS", "basis points, 0 to 10000",
       integer(&config::platform_fee_bps, 0, max_fee_bps, "expected 0 to 10000 basis points")},
      {"BOUNTYBOT_PROJECT_FEE_BPS", "basis points, 0 to 10000",
       integer(&config::project_fee_bps, 0, max_fee_bps, "expected 0 to 10000 basis points")},
      {"BOUNTYBOT_MAX_DEPOSIT", "one deposit's bound, whole currency units",
       integer(&config::max_deposit_units, 1, max_deposit_units_limit,
               "expected whole currency units from 1 to 1000000000000")},
      {"BOUNTYBOT_BOUNTY_LABEL", "label added with the first pledge", text(&config::bounty_label)},
      {"BOUNTYBOT_ACCEPTED_LABEL", "label by which a maintainer accepts the task", text(&config::accepted_label)},
      {"BOUNTYBOT_GITHUB_MAINTAINER_MIN", "write | admin",
       one_of(&config::github_maintainer_min, {"write", "admin"}, "expected write or admin")},
      {"BOUNTYBOT_GITLAB_MAINTAINER_MIN", "access level, 30 (Developer) to 50 (Owner)",
       integer(&config::gitlab_maintainer_min, min_gitlab_access_level, max_gitlab_access_level,
               "expected an access level from 30 to 50")},
      {"BOUNTYBOT_VOTE_WEIGHT", "amount | head",
       one_of(&config::vote_weight, {"amount", "head"}, "expected amount or head")},
      {"BOUNTYBOT_VOTE_SILENCE", "approve | reject: the outcome with no votes at the close",
       one_of(&config::vote_silence, {"approve", "reject"}, "expected approve or reject")},
      {"BOUNTYBOT_ZERO_VALUE_SUPPORT", "1 | 0", flag(&config::zero_value_support)},
      {"BOUNTYBOT_MAX_BODY_BYTES", "bytes of one request body, 1024 to 25 MiB",
       integer(&config::max_body_bytes, min_body_bytes, max_body_bytes_limit,
               "expected 1024 to " + std::to_string(max_body_bytes_limit) + " (25 MiB, SPEC §8)")},
      {"BOUNTYBOT_MAX_BODY_BYTES_IN_FLIGHT", "bytes of all bodies being read, at least BOUNTYBOT_MAX_BODY_BYTES",
       integer(&config::max_body_bytes_in_flight, std::size_t{0}, std::numeric_limits<std::size_t>::max(),
               "expected a number of bytes"),
       nullptr, check_bodies_in_flight},
      {"BOUNTYBOT_MAX_CONNECTIONS_PER_ADDRESS", "open HTTP connections from one client address",
       integer(&config::max_connections_per_address, 1, max_connections_limit, "expected 1 to 1000000")},
      {"BOUNTYBOT_ADMIN_LISTEN", "host:port of a listener for probes and metrics", read_admin_listen},
      {"BOUNTYBOT_WORKERS", "inbox worker threads (0: none)", integer(&config::workers, 0, max_threads, "expected 0 to 64")},
      {"BOUNTYBOT_DB_POOL", "connections for the API routes",
       integer(&config::db_pool_size, 1, max_threads, "expected 1 to 64")},
      {"BOUNTYBOT_MAX_CONNECTIONS", "open HTTP connections at once",
       integer(&config::max_connections, 1, max_connections_limit, "expected 1 to 1000000")},
      {"BOUNTYBOT_IO_THREADS", "HTTP threads (read, verify, answer)",
       integer(&config::io_threads, 1, max_threads, "expected 1 to 64")},
      {"BOUNTYBOT_SECRET_KEY", "64 hex digits: seals stored platform tokens", read_secret_key},
      {"BOUNTYBOT_GITHUB_WEB_URL", "where users sign in with GitHub", text(&config::github_web_url)},
      {"BOUNTYBOT_GITHUB_CLIENT_ID", "OAuth client id for sign-in with GitHub", text(&config::github_client_id)},
      {"BOUNTYBOT_GITHUB_CLIENT_SECRET", "its secret", text(&config::github_client_secret)},
      {"BOUNTYBOT_GITLAB_CLIENT_ID", "OAuth application id for sign-in with GitLab", text(&config::gitlab_client_id)},
      {"BOUNTYBOT_GITLAB_CLIENT_SECRET", "its secret", text(&config::gitlab_client_secret), nullptr, check_oauth},
      {"BOUNTYBOT_STRIPE_SECRET_KEY", "Stripe API key: card payments", text(&config::stripe_secret_key)},
      {"BOUNTYBOT_STRIPE_WEBHOOK_SECRET", "Stripe signing secrets, comma-separated", text(&config::stripe_webhook_secret)},
      {"BOUNTYBOT_STRIPE_API_URL", "Stripe API base URL", text(&config::stripe_api_url)},
      {"BOUNTYBOT_CARD_FEE_BPS", "card surcharge, basis points 0 to 10000",
       integer(&config::card_fee_bps, 0, max_fee_bps, "expected 0 to 10000 basis points")},
      {"BOUNTYBOT_CARD_FEE_FIXED", "card surcharge, minor units",
       integer(&config::card_fee_fixed, std::int64_t{0}, max_card_fee_fixed_minor, "expected 0 to 1000000 minor units")},
      {"BOUNTYBOT_PAYOUT_MINIMUM", "smallest payout, whole units of its currency",
       integer(&config::payout_minimum, std::int64_t{0}, max_deposit_units_limit, "expected whole units from 0")},
  };
  return table;
}

}  // namespace

result<config> load_config(const std::map<std::string, std::string>& vars) {
  config c;
  for (const auto& s : settings()) {
    const auto it = vars.find(s.name);
    if (it != vars.end() && !it->second.empty()) {
      if (auto why = s.read(it->second, c)) return bad(s.name, *why);
    } else if (s.required != nullptr) {
      return bad(s.name, s.required);
    }
    if (s.check) {
      if (auto why = s.check(c)) return bad(s.name, *why);
    }
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

std::vector<std::string> stripe_webhook_secrets(const config& c) {
  std::vector<std::string> out;
  std::string rest = c.stripe_webhook_secret;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string one = rest.substr(0, comma);
    rest = comma == std::string::npos ? std::string() : rest.substr(comma + 1);
    const auto b = one.find_first_not_of(" \t"), e = one.find_last_not_of(" \t");
    if (b != std::string::npos) out.push_back(one.substr(b, e - b + 1));
  }
  return out;
}

bool platform_dry_run(const config& c, const std::string& platform) {
  if (c.dry_run) return true;
  return bot::platform_from(platform) == bot::platform::github ? c.github_token.empty() && (c.github_app_id.empty() || c.github_private_key_file.empty())
                              : c.gitlab_token.empty();
}

}  // namespace bountybot::app
