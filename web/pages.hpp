#pragma once
/// The pages of people (SPEC §13): sign-in with GitHub and GitLab, sessions, the user's own page
/// and their API tokens, server-rendered from mustache templates compiled into the binary
/// (web/templates/), every value HTML-escaped. Also `GET /api/v1/me` for API tokens.
#include "accounts/accounts.hpp"
#include "bot/bounty.hpp"
#include "adapters/crypto.hpp"
#include "db/db.hpp"
#include "payments/payments.hpp"
#include "payments/payouts.hpp"
#include "payments/provider.hpp"
#include "web/api_route.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bountybot::web {

/// What the pages need: the public URL (links, the OAuth redirect, `Secure` cookies), the OAuth
/// applications that are configured, and the secret key that seals platform tokens.
struct page_settings {
  std::string public_url = "http://127.0.0.1:8080";
  std::optional<accounts::oauth_app> github;  // sign-in with GitHub is off without one
  std::optional<accounts::oauth_app> gitlab;
  std::string github_api_url = "https://api.github.com";  // where `GET /user` is read
  std::optional<adapters::secret_key> secret_key;  // without one, sign-in is off
  /// Where card money comes in and payouts go out (SPEC §14): Stripe, or the operator by hand,
  /// in which case every page says how to pay the operator. Never null.
  std::shared_ptr<const payments::provider> provider = payments::manual_provider();
  /// The smallest payout, whole units of its currency (BOUNTYBOT_PAYOUT_MINIMUM).
  std::int64_t payout_minimum_units = payments::default_payout_minimum_units;
  /// The largest deposit, whole units of its currency (BOUNTYBOT_MAX_DEPOSIT): a top-up above it
  /// is refused before the card is charged.
  std::int64_t max_deposit_units = bot::default_max_deposit_units;
};

/// The pages of people, and the API route that takes their tokens.
class pages {
 public:
  pages(page_settings settings, db::pool& pool);
  ~pages();
  /// The routes: `/login`, `/login/{platform}`, `/login/{platform}/callback`, `POST /logout`,
  /// `/me`, `/me/tokens`, `POST /me/tokens`, `POST /me/tokens/{id}/revoke`, `/static/style.css`
  /// `GET /fund/{pledge_id}`, `POST /fund/{pledge_id}/checkout`, `GET|POST /me/payouts`,
  /// `POST /me/payouts/setup`, `GET|POST /me/deposit`, `GET /api/v1/me` and `GET /api/v1/me/ledger`.
  std::vector<api_route> routes();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace bountybot::web
