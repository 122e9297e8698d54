#pragma once
/// The public pages of bounties (SPEC §15): `/`, the open bounties across the service with
/// filters, two orders, keyset pages and the service's totals; each bounty's page and badge.
/// Server-rendered, readable without JavaScript.
#include "db/db.hpp"
#include "web/api_route.hpp"

#include <chrono>
#include <memory>
#include <vector>

namespace bountybot::web {

/// How long `/` shows the same service totals before reading them again (one pass over the
/// bounties), seconds: the totals may lag the list by this much.
inline constexpr std::chrono::seconds totals_cache_ttl{30};

/// The public bounty pages and their routes.
class bounty_pages {
 public:
  explicit bounty_pages(db::pool& pool);
  ~bounty_pages();
  /// `GET /`: the bounties (live ones unless `state` says otherwise) with the filters of
  /// `GET /api/v1/bounties`; a bad filter answers 400 with the form and the reason.
  /// `GET /b/{platform}/{full_path}/{number}`: one bounty with its history and a chart of its
  /// escrow over time; 404 when there is none.
  /// `GET /badge/{platform}/{full_path}/{number}.svg`: the bounty's badge (web/badge.hpp).
  std::vector<api_route> routes();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace bountybot::web
