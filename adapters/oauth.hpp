#pragma once
/// Signing in with GitHub and GitLab (SPEC §13): trading the callback's code for the user's
/// token, then reading who they are. Blocking: call from the routes' thread pool.
/// GitHub: https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
/// GitLab: https://docs.gitlab.com/ee/api/oauth2.html#authorization-code-with-proof-key-for-code-exchange-pkce
#include "accounts/accounts.hpp"

#include <stdexcept>
#include <string>

namespace bountybot::adapters {

/// The provider refused the code or answered something else; `what()` is fit to show the user
/// and holds no secret.
struct sign_in_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Who signed in, and the token they gave the service (kept sealed, never shown or logged).
struct signed_in {
  accounts::person who;
  std::string access_token;
};

/// GitHub: `POST {web_url}/login/oauth/access_token` (form: client_id, client_secret, code,
/// redirect_uri; `Accept: application/json`), then `GET {api_url}/user`.
/// GitLab: `POST {web_url}/oauth/token` (form: client_id, client_secret, code, grant_type,
/// redirect_uri, code_verifier), then `GET {web_url}/api/v4/user`. Throws sign_in_error.
signed_in complete_sign_in(const accounts::oauth_app& app, const std::string& api_url, const std::string& public_url,
                           const std::string& code, const std::string& code_verifier);

}  // namespace bountybot::adapters
