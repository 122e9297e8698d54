#include "adapters/oauth.hpp"

#include "adapters/http_client.hpp"

#include <boost/json.hpp>
#include <boost/url.hpp>

namespace bountybot::adapters {
namespace {

namespace json = boost::json;

std::string form_encoded(std::initializer_list<std::pair<std::string, std::string>> fields) {
  boost::urls::url u;
  auto params = u.params();
  for (const auto& [k, v] : fields) params.append({k, v});
  return std::string(u.encoded_query());
}

json::object json_object_of(const http_response& r, const char* what) {
  boost::system::error_code ec;
  auto v = json::parse(r.body, ec);
  if (ec || !v.is_object()) throw sign_in_error(std::string("the provider's ") + what + " answer was not JSON (HTTP " +
                                                std::to_string(r.status) + ")");
  return std::move(v.as_object());
}

std::string exchange_code(const accounts::oauth_app& app, const std::string& public_url, const std::string& code,
                          const std::string& verifier) {
  const bool github = app.platform == bot::platform::github;
  const http_client client(app.web_url);
  const auto redirect = accounts::redirect_uri(public_url, app.platform);
  const std::string body =
      github ? form_encoded({{"client_id", app.client_id}, {"client_secret", app.client_secret}, {"code", code},
                             {"redirect_uri", redirect}})
             : form_encoded({{"client_id", app.client_id}, {"client_secret", app.client_secret}, {"code", code},
                             {"grant_type", "authorization_code"}, {"redirect_uri", redirect}, {"code_verifier", verifier}});
  const auto r = client.request("POST", github ? "/login/oauth/access_token" : "/oauth/token", body,
                                {{"Accept", "application/json"}, {"Content-Type", "application/x-www-form-urlencoded"}});
  const auto o = json_object_of(r, "token");
  // GitHub answers 200 with {"error": "bad_verification_code", ...} for a used or wrong code.
  const auto* token = o.if_contains("access_token");
  if (r.status != 200 || token == nullptr || !token->is_string() || token->as_string().empty()) {
    const auto* error = o.if_contains("error");
    throw sign_in_error(std::string("the provider refused the sign-in") +
                        (error && error->is_string() ? " (" + std::string(error->as_string()) + ")" : std::string()) +
                        "; please start again");
  }
  return std::string(token->as_string());
}

accounts::person read_user(const accounts::oauth_app& app, const std::string& api_url, const std::string& token) {
  const bool github = app.platform == bot::platform::github;
  const http_client client(github ? api_url : app.web_url);
  std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token}, {"Accept", "application/json"}};
  if (github) headers["X-GitHub-Api-Version"] = "2022-11-28";
  const auto r = client.request("GET", github ? "/user" : "/api/v4/user", "", headers);
  if (r.status != 200) throw sign_in_error("the provider did not say who signed in (HTTP " + std::to_string(r.status) + ")");
  const auto o = json_object_of(r, "user");
  const auto* id = o.if_contains("id");
  const auto* login = o.if_contains(github ? "login" : "username");
  if (id == nullptr || !id->is_int64() || id->as_int64() <= 0 || login == nullptr || !login->is_string()) {
    throw sign_in_error("the provider's user answer has no id or login");
  }
  return {app.platform, id->as_int64(), std::string(login->as_string())};
}

}  // namespace

signed_in complete_sign_in(const accounts::oauth_app& app, const std::string& api_url, const std::string& public_url,
                           const std::string& code, const std::string& code_verifier) {
  try {
    auto token = exchange_code(app, public_url, code, code_verifier);
    auto who = read_user(app, api_url, token);
    return {std::move(who), std::move(token)};
  } catch (const transport_error&) {
    throw sign_in_error("the provider could not be reached; please try again");
  }
}

}  // namespace bountybot::adapters
