#pragma once
/// Service configuration from environment variables (SPEC §10), optionally read from a
/// `.env`-style file given with `--config`. Values in the file do not override the environment.
#include "escrow/result.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bountybot::app {

struct config {
  std::string database_url;                     // BOUNTYBOT_DATABASE_URL (required)
  std::string listen_host = "127.0.0.1";        // BOUNTYBOT_LISTEN host
  unsigned short listen_port = 8080;            // BOUNTYBOT_LISTEN port
  std::string public_url = "http://127.0.0.1:8080";  // BOUNTYBOT_PUBLIC_URL
  std::string admin_token;                      // BOUNTYBOT_ADMIN_TOKEN
  std::string github_webhook_secret;            // BOUNTYBOT_GITHUB_WEBHOOK_SECRET
  std::string github_api_url = "https://api.github.com";  // BOUNTYBOT_GITHUB_API_URL
  std::string github_token;                     // BOUNTYBOT_GITHUB_TOKEN
  std::string github_app_id;                    // BOUNTYBOT_GITHUB_APP_ID
  std::string github_private_key_file;          // BOUNTYBOT_GITHUB_PRIVATE_KEY_FILE
  std::string github_bot_login;                 // BOUNTYBOT_GITHUB_BOT_LOGIN: the token's account
  std::string gitlab_webhook_token;             // BOUNTYBOT_GITLAB_WEBHOOK_TOKEN
  std::string gitlab_url = "https://gitlab.com";  // BOUNTYBOT_GITLAB_URL
  std::string gitlab_token;                     // BOUNTYBOT_GITLAB_TOKEN
  std::string gitlab_bot_username;              // BOUNTYBOT_GITLAB_BOT_USERNAME
  bool dry_run = false;                         // BOUNTYBOT_DRY_RUN=1
  std::string log_format = "text";              // BOUNTYBOT_LOG_FORMAT: text | json
  std::string default_currency = "USD";         // BOUNTYBOT_DEFAULT_CURRENCY
  std::chrono::seconds pledge_ttl = std::chrono::days{90};          // BOUNTYBOT_PLEDGE_TTL
  std::chrono::seconds awaiting_funds_ttl = std::chrono::days{7};   // BOUNTYBOT_AWAITING_FUNDS_TTL
  std::chrono::seconds vote_window = std::chrono::days{7};          // BOUNTYBOT_VOTE_WINDOW
  std::chrono::seconds reaction_poll = std::chrono::minutes{5};     // BOUNTYBOT_REACTION_POLL
  int platform_fee_bps = 0;                     // BOUNTYBOT_PLATFORM_FEE_BPS (0..10000)
  int project_fee_bps = 0;                      // BOUNTYBOT_PROJECT_FEE_BPS (0..10000)
  std::int64_t max_deposit_units = 1'000'000;   // BOUNTYBOT_MAX_DEPOSIT: one deposit's bound, whole currency units
  std::size_t max_body_bytes = 1u << 20;        // BOUNTYBOT_MAX_BODY_BYTES: 1 MiB, at most max_body_bytes_limit
  std::size_t max_body_bytes_in_flight = 64u << 20;  // BOUNTYBOT_MAX_BODY_BYTES_IN_FLIGHT: all bodies being read
  int max_connections = 1024;                   // BOUNTYBOT_MAX_CONNECTIONS: open HTTP connections at once
  int max_connections_per_address = 64;         // BOUNTYBOT_MAX_CONNECTIONS_PER_ADDRESS: of those, from one client address
  bool admin_listen = false;                    // BOUNTYBOT_ADMIN_LISTEN set: a listener for probes and metrics
  std::string admin_listen_host;                // BOUNTYBOT_ADMIN_LISTEN host
  unsigned short admin_listen_port = 0;         // BOUNTYBOT_ADMIN_LISTEN port
  std::chrono::seconds read_timeout{30};        // BOUNTYBOT_READ_TIMEOUT: a whole request must arrive within it
  std::chrono::seconds idle_timeout{60};        // BOUNTYBOT_IDLE_TIMEOUT: idle keep-alive connections are closed
  std::string bounty_label = "bounty";          // BOUNTYBOT_BOUNTY_LABEL: added with the first pledge
  std::string accepted_label = "bounty: accepted";  // BOUNTYBOT_ACCEPTED_LABEL: a maintainer accepts the task
  std::string github_maintainer_min = "write";  // BOUNTYBOT_GITHUB_MAINTAINER_MIN: write | admin
  int gitlab_maintainer_min = 40;               // BOUNTYBOT_GITLAB_MAINTAINER_MIN: 30 (Developer) .. 50 (Owner)
  std::string vote_weight = "amount";           // BOUNTYBOT_VOTE_WEIGHT: amount | head
  std::string vote_silence = "approve";         // BOUNTYBOT_VOTE_SILENCE: approve | reject (no votes at the close)
  bool zero_value_support = true;               // BOUNTYBOT_ZERO_VALUE_SUPPORT: 1 | 0
  int workers = 2;                              // BOUNTYBOT_WORKERS: inbox worker threads (0: none)
  int db_pool_size = 4;                         // BOUNTYBOT_DB_POOL: connections for the API routes
  int io_threads = 1;                           // BOUNTYBOT_IO_THREADS: HTTP threads (read, verify, answer)
  std::string secret_key;                       // BOUNTYBOT_SECRET_KEY: 64 hex digits (32 bytes); never logged
  std::string github_web_url = "https://github.com";  // BOUNTYBOT_GITHUB_WEB_URL: where users sign in
  std::string github_client_id;                 // BOUNTYBOT_GITHUB_CLIENT_ID: OAuth, "Sign in with GitHub"
  std::string github_client_secret;             // BOUNTYBOT_GITHUB_CLIENT_SECRET
  std::string gitlab_client_id;                 // BOUNTYBOT_GITLAB_CLIENT_ID: OAuth, "Sign in with GitLab"
  std::string gitlab_client_secret;             // BOUNTYBOT_GITLAB_CLIENT_SECRET
  std::string stripe_secret_key;                // BOUNTYBOT_STRIPE_SECRET_KEY: card payments are off without it
  std::string stripe_webhook_secret;            // BOUNTYBOT_STRIPE_WEBHOOK_SECRET: whsec_..., comma-separated while rotating
  std::string stripe_api_url = "https://api.stripe.com";  // BOUNTYBOT_STRIPE_API_URL
  int card_fee_bps = 0;                         // BOUNTYBOT_CARD_FEE_BPS: surcharge, basis points of the amount
  std::int64_t card_fee_fixed = 0;              // BOUNTYBOT_CARD_FEE_FIXED: surcharge, minor units
  std::int64_t payout_minimum = 10;             // BOUNTYBOT_PAYOUT_MINIMUM: smallest payout, whole units
};

/// The largest BOUNTYBOT_CARD_FEE_FIXED accepted, minor units.
inline constexpr std::int64_t max_card_fee_fixed_minor = 1'000'000;

/// The secrets of BOUNTYBOT_STRIPE_WEBHOOK_SECRET: comma-separated, blanks trimmed, empty ones dropped.
std::vector<std::string> stripe_webhook_secrets(const config& c);

/// The largest BOUNTYBOT_MAX_DEPOSIT accepted (whole units): times 1,000 minor units (KWD) it
/// stays far inside int64, so bound arithmetic cannot overflow.
inline constexpr std::int64_t max_deposit_units_limit = 1'000'000'000'000;

/// The largest BOUNTYBOT_MAX_BODY_BYTES accepted: SPEC §8's 25 MiB, GitHub's cap on a webhook
/// payload (https://docs.github.com/en/webhooks/webhook-events-and-payloads#payload-cap).
inline constexpr std::size_t max_body_bytes_limit = 25u << 20;

/// Builds a config from variables (name -> value). Problem code `config` names the variable
/// that is missing or malformed.
result<config> load_config(const std::map<std::string, std::string>& vars);

/// Reads `KEY=VALUE` lines (blank lines and `#` comments skipped, optional quotes and `export`)
/// into `vars`, without replacing keys already present. Throws std::runtime_error naming the
/// file and line on a malformed line or an unreadable file.
void read_env_file(const std::string& path, std::map<std::string, std::string>& vars);

/// The process environment's BOUNTYBOT_* variables.
std::map<std::string, std::string> environment_variables();

/// Whether the outgoing API calls of `platform` are logged instead of sent (dry run, or no token).
bool platform_dry_run(const config& c, const std::string& platform);

}  // namespace bountybot::app
