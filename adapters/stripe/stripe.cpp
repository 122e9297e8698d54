#include "adapters/stripe/stripe.hpp"

#include "adapters/http_client.hpp"
#include "adapters/json_util.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

namespace bountybot::stripe {
namespace {

namespace json = boost::json;

/// RFC 3986 percent-encoding of all but the unreserved characters, as a form value.
std::string encoded(std::string_view s) { return boost::urls::encode(s, boost::urls::unreserved_chars); }

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + encoded(k) + "=" + encoded(v);
  return out;
}

/// The most objects one Stripe list call answers (https://docs.stripe.com/api/pagination: 1 to 100).
constexpr int list_limit = 100;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// Stripe's error message, or the status.
std::string error_of(const adapters::http_response& r) {
  boost::system::error_code ec;
  const auto v = json::parse(r.body, ec);
  if (!ec) {
    if (const auto* m = adapters::find(v, "error.message"); m && m->is_string()) {
      return "Stripe answered " + std::to_string(r.status) + ": " + std::string(m->as_string());
    }
  }
  return "Stripe answered " + std::to_string(r.status);
}

}  // namespace

std::string checkout_form(const checkout_request& r) {
  return form({{"mode", "payment"},
               {"line_items[0][price_data][currency]", lower(r.amount.currency())},
               {"line_items[0][price_data][unit_amount]", std::to_string(r.amount.amount_minor())},
               {"line_items[0][price_data][product_data][name]", r.product},
               {"line_items[0][quantity]", "1"},
               {"metadata[pledge_id]", std::to_string(r.pledge_id)},
               {"metadata[account]", r.account},
               {"metadata[surcharge]", std::to_string(r.surcharge_minor)},
               {"success_url", r.success_url},
               {"cancel_url", r.cancel_url}});
}

client::client(std::string api_url, std::string secret_key) : api_url_(std::move(api_url)), secret_key_(std::move(secret_key)) {}

json::value client::post(const std::string& path, const std::string& body, const std::string& idempotency_key) const {
  adapters::http_response res;
  try {
    res = adapters::http_client(api_url_).request(
        "POST", path, body,
        {{"Authorization", "Bearer " + secret_key_},
         {"Content-Type", "application/x-www-form-urlencoded"},
         {"Idempotency-Key", idempotency_key}});
  } catch (const adapters::transport_error&) {
    throw stripe_error("Stripe could not be reached");
  }
  return answer_of(res, path);
}

json::value client::get(const std::string& path_and_query) const {
  adapters::http_response res;
  try {
    res = adapters::http_client(api_url_).request("GET", path_and_query, "", {{"Authorization", "Bearer " + secret_key_}});
  } catch (const adapters::transport_error&) {
    throw stripe_error("Stripe could not be reached");
  }
  const auto path = path_and_query.substr(0, path_and_query.find('?'));
  return answer_of(res, path);
}

json::value client::answer_of(const adapters::http_response& res, const std::string& path) {
  // 409: a request with this Idempotency-Key is still running at Stripe; the same call later gets its answer.
  if (res.status != 200) throw stripe_error(error_of(res), res.status >= 500 || res.status == 429 || res.status == 409);
  boost::system::error_code ec;
  auto v = json::parse(res.body, ec);
  if (ec || !v.is_object()) throw stripe_error("Stripe's answer to " + path + " is not a JSON object");
  return v;
}

std::string client::string_of(const json::value& v, const char* field, const std::string& path) {
  const auto* f = adapters::find(v, field);
  if (f == nullptr || !f->is_string() || f->as_string().empty()) {
    // Stripe did something; what is unknown: ask again under the same key rather than give up.
    throw stripe_error("Stripe's answer to " + path + " has no " + field, true);
  }
  return std::string(f->as_string());
}

checkout_session client::create_checkout_session(const checkout_request& r, const std::string& idempotency_key) const {
  const auto v = post("/v1/checkout/sessions", checkout_form(r), idempotency_key);
  return {string_of(v, "id", "/v1/checkout/sessions"), string_of(v, "url", "/v1/checkout/sessions")};
}

std::string client::create_express_account(const std::string& idempotency_key) const {
  const auto v = post("/v1/accounts", form({{"type", "express"}, {"capabilities[transfers][requested]", "true"}}), idempotency_key);
  return string_of(v, "id", "/v1/accounts");
}

std::string client::create_onboarding_link(const std::string& account_id, const std::string& refresh_url,
                                           const std::string& return_url, const std::string& idempotency_key) const {
  const auto v = post("/v1/account_links",
                      form({{"account", account_id}, {"type", "account_onboarding"}, {"refresh_url", refresh_url},
                            {"return_url", return_url}}),
                      idempotency_key);
  return string_of(v, "url", "/v1/account_links");
}

std::string client::create_transfer(const escrow::money& amount, const std::string& destination, std::int64_t payout_id,
                                    const std::string& idempotency_key) const {
  const auto v = post("/v1/transfers",
                      form({{"amount", std::to_string(amount.amount_minor())}, {"currency", lower(amount.currency())},
                            {"destination", destination}, {"metadata[payout_id]", std::to_string(payout_id)},
                            {"transfer_group", "payout-" + std::to_string(payout_id)}}),
                      idempotency_key);
  return string_of(v, "id", "/v1/transfers");
}

std::optional<std::string> client::id_in_list(const json::value& list, std::int64_t payout_id, std::int64_t amount_minor) {
  const auto* data = adapters::find(list, "data");
  if (data == nullptr || !data->is_array()) throw stripe_error("Stripe's list answer has no data", true);
  const auto wanted = std::to_string(payout_id);
  for (const auto& item : data->as_array()) {
    const auto* id = adapters::find(item, "id");
    const auto* tag = adapters::find(item, "metadata.payout_id");
    const auto* amount = adapters::find(item, "amount");
    if (id != nullptr && id->is_string() && tag != nullptr && tag->is_string() && tag->as_string() == wanted &&
        amount != nullptr && amount->is_int64() && amount->as_int64() == amount_minor) {
      return std::string(id->as_string());
    }
  }
  return std::nullopt;
}

std::optional<std::string> client::find_transfer(std::int64_t payout_id, const escrow::money& amount) const {
  return id_in_list(get("/v1/transfers?transfer_group=" + encoded("payout-" + std::to_string(payout_id)) + "&limit=" + std::to_string(list_limit)), payout_id,
                    amount.amount_minor());
}

std::string client::create_refund(const std::string& payment_intent, const escrow::money& amount, std::int64_t payout_id,
                                  const std::string& idempotency_key) const {
  const auto v = post("/v1/refunds",
                      form({{"payment_intent", payment_intent}, {"amount", std::to_string(amount.amount_minor())},
                            {"metadata[payout_id]", std::to_string(payout_id)}}),
                      idempotency_key);
  return string_of(v, "id", "/v1/refunds");
}

std::optional<std::string> client::find_refund(const std::string& payment_intent, std::int64_t payout_id,
                                               const escrow::money& amount) const {
  return id_in_list(get("/v1/refunds?payment_intent=" + encoded(payment_intent) + "&limit=" + std::to_string(list_limit)), payout_id,
                    amount.amount_minor());
}

}  // namespace bountybot::stripe
