#include "payments/provider.hpp"

namespace bountybot::payments {
namespace {

class manual final : public provider {
 public:
  payout_provider name() const override { return payout_provider::manual; }
  bool takes_cards(std::string_view) const override { return false; }
  card_fee fee() const override { return {}; }
  std::vector<std::string> page_origins(bool) const override { return {}; }
  checkout_session start_checkout(const checkout_request&, const std::string&) const override {
    throw provider_error("card payments are not set up here: pay the operator", false);
  }
  std::string create_payout_account(const std::string&) const override {
    throw provider_error("payouts are paid by the operator here", false);
  }
  std::string onboarding_link(const std::string&, const std::string&, const std::string&, const std::string&) const override {
    throw provider_error("payouts are paid by the operator here", false);
  }
  std::optional<std::string> send(const payout_order&) const override { return std::nullopt; }
};

}  // namespace

std::unique_ptr<provider> manual_provider() { return std::make_unique<manual>(); }

bool on_page_of(const std::vector<std::string>& origins, std::string_view url) {
  for (const auto& o : origins) {
    if (url.size() > o.size() && url.starts_with(o) && url[o.size()] == '/') return true;
  }
  return false;
}

}  // namespace bountybot::payments
