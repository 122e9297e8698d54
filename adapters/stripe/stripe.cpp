#include "adapters/stripe/stripe.hpp"

#include "adapters/http_client.hpp"
#include "adapters/json_util.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

namespace bountybot::stripe {
namespace {

namespace json = boost::json;

std::string encoded(std::string_view s) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + encoded(k) + "=" + encoded(v);
  return out;
}

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

checkout_session client::create_checkout_session(const checkout_request& r, const std::string& idempotency_key) const {
  adapters::http_response res;
  try {
    res = adapters::http_client(api_url_).request(
        "POST", "/v1/checkout/sessions", checkout_form(r),
        {{"Authorization", "Bearer " + secret_key_},
         {"Content-Type", "application/x-www-form-urlencoded"},
         {"Idempotency-Key", idempotency_key}});
  } catch (const adapters::transport_error&) {
    throw stripe_error("Stripe could not be reached");
  }
  if (res.status != 200) throw stripe_error(error_of(res));
  boost::system::error_code ec;
  const auto v = json::parse(res.body, ec);
  const auto* id = ec ? nullptr : adapters::find(v, "id");
  const auto* url = ec ? nullptr : adapters::find(v, "url");
  if (!id || !id->is_string() || !url || !url->is_string()) throw stripe_error("Stripe's session has no id or url");
  return {std::string(id->as_string()), std::string(url->as_string())};
}

}  // namespace bountybot::stripe
