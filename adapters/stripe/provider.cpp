#include "adapters/stripe/stripe.hpp"

// Stripe behind the payments::provider interface (SPEC §14).
namespace bountybot::stripe {
namespace {

/// `scheme://host[:port]` of `url`, or empty.
std::string origin_of(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return {};
  return url.substr(0, url.find('/', scheme + 3));
}

class stripe_payments final : public payments::provider {
 public:
  stripe_payments(std::string api_url, std::string secret_key, payments::card_fee fee)
      : api_origin_(origin_of(api_url)), client_(std::move(api_url), std::move(secret_key)), fee_(fee) {}

  payments::payout_provider name() const override { return payments::payout_provider::stripe; }
  bool takes_cards(std::string_view currency) const override { return payments::card_currency_supported(currency); }
  payments::card_fee fee() const override { return fee_; }

  std::vector<std::string> page_origins(bool onboarding) const override {
    std::vector<std::string> out{onboarding ? "https://connect.stripe.com" : "https://checkout.stripe.com"};
    if (!api_origin_.empty() && api_origin_ != "https://api.stripe.com") out.push_back(api_origin_);
    return out;
  }

  payments::checkout_session start_checkout(const payments::checkout_request& r, const std::string& key) const override {
    auto session = client_.create_checkout_session(r, key);
    if (!payments::on_page_of(page_origins(false), session.url)) {
      throw stripe_error("Stripe's session URL is not on checkout.stripe.com", false);
    }
    return session;
  }

  std::string create_payout_account(const std::string& key) const override { return client_.create_express_account(key); }

  std::string onboarding_link(const std::string& account_id, const std::string& refresh_url, const std::string& return_url,
                              const std::string& key) const override {
    auto link = client_.create_onboarding_link(account_id, refresh_url, return_url, key);
    if (!payments::on_page_of(page_origins(true), link)) {
      throw stripe_error("Stripe's onboarding link is not on connect.stripe.com", false);
    }
    return link;
  }

  std::optional<std::string> send(const payments::payout_order& o) const override {
    const bool refund = o.kind == payments::payout_kind::withdrawal;
    if (o.look_first) {
      // The key may be forgotten by now: an attempt whose answer was lost must not pay again.
      // Not knowing is no refusal: a failed look is retried, never taken as "not paid".
      std::optional<std::string> earlier;
      try {
        earlier = refund ? client_.find_refund(o.destination, o.id, o.amount) : client_.find_transfer(o.id, o.amount);
      } catch (const stripe_error& e) {
        throw stripe_error(std::string("looking for an earlier attempt: ") + e.what(), true);
      }
      if (earlier) return earlier;
    }
    return refund ? client_.create_refund(o.destination, o.amount, o.id, "withdrawal-" + std::to_string(o.id))
                  : client_.create_transfer(o.amount, o.destination, o.id, "payout-" + std::to_string(o.id));
  }

 private:
  std::string api_origin_;
  client client_;
  payments::card_fee fee_;
};

}  // namespace

std::unique_ptr<payments::provider> stripe_provider(std::string api_url, std::string secret_key, payments::card_fee fee) {
  return std::make_unique<stripe_payments>(std::move(api_url), std::move(secret_key), fee);
}

}  // namespace bountybot::stripe
