#pragma once
/// Composition root: config -> database pool, routes, HTTP server, inbox workers, outbox sender.
#include "adapters/github/app_auth.hpp"
#include "jobs/outbox_sender.hpp"
#include "app/config.hpp"
#include "jobs/inbox_worker.hpp"

#include <atomic>
#include <map>
#include <memory>
#include <string>

namespace bountybot::app {

/// The platform API clients for a config: real REST clients where a token is configured and dry
/// run is off, dry-run loggers otherwise.
std::map<std::string, std::shared_ptr<adapters::platform_api>> make_platform_apis(const config& c);

/// The GitHub App credentials of a config (app id + private key file), shared per App so that
/// installation tokens are cached once; nullptr when no App is configured.
std::shared_ptr<github::app_credentials> github_app(const config& c);

/// Worker settings (defaults for every repository, the service's own identity, the maintainer
/// check through `apis`) from a config.
jobs::worker_settings make_worker_settings(const config& c,
                                               const std::map<std::string, std::shared_ptr<adapters::platform_api>>& apis);

/// Runs `bountybot serve` until `stop` becomes true (set by SIGINT/SIGTERM). Returns an exit code.
int serve(const config& c, const std::atomic<bool>& stop);

}  // namespace bountybot::app
