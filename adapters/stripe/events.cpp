#include "adapters/json_util.hpp"
#include "adapters/stripe/stripe.hpp"

#include <boost/json.hpp>

#include <charconv>

// The Stripe events the service reads; apart from the client so that the fuzz build, which has
// no Beast or OpenSSL, links it.
namespace bountybot::stripe {
namespace {

namespace json = boost::json;

std::int64_t metadata_int(const json::value& session, std::string_view key) {
  const auto* v = adapters::find(session, "metadata." + std::string(key));
  if (v == nullptr || !v->is_string()) return 0;
  const auto s = v->as_string();
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc{} || end != s.data() + s.size()) throw adapters::payload_error("metadata." + std::string(key) + " is not an integer");
  return n;
}

}  // namespace

bool is_handled_event(std::string_view type) {
  return type == "checkout.session.completed" || type == "checkout.session.async_payment_succeeded" ||
         type == "account.updated" || type == "transfer.reversed" || type == "charge.dispute.created" ||
         type == "refund.failed";
}

std::optional<account_update> account_update_of(const std::string& type, const json::value& event) {
  if (type != "account.updated") return std::nullopt;
  const auto* account = adapters::find(event, "data.object");
  if (account == nullptr || !account->is_object()) throw adapters::payload_error("the event has no data.object");
  const auto* enabled = adapters::find(*account, "payouts_enabled");
  return account_update{adapters::string_at(*account, "id"), enabled != nullptr && enabled->is_bool() && enabled->as_bool()};
}

std::optional<transfer_reversal> transfer_reversal_of(const std::string& type, const json::value& event) {
  if (type != "transfer.reversed") return std::nullopt;
  const auto* transfer = adapters::find(event, "data.object");
  if (transfer == nullptr || !transfer->is_object()) throw adapters::payload_error("the event has no data.object");
  const auto id = metadata_int(*transfer, "payout_id");
  if (id <= 0) throw adapters::payload_error("the reversed transfer names no payout (metadata.payout_id)");
  // Stripe sends transfer.reversed for partial reversals too; `reversed` is true once all of it is.
  const auto* whole = adapters::find(*transfer, "reversed");
  if (whole == nullptr || !whole->is_bool() || !whole->as_bool()) return std::nullopt;
  return transfer_reversal{id, adapters::string_at(*transfer, "id")};
}

std::optional<refund_failure> refund_failure_of(const std::string& type, const json::value& event) {
  if (type != "refund.failed") return std::nullopt;
  const auto* refund = adapters::find(event, "data.object");
  if (refund == nullptr || !refund->is_object()) throw adapters::payload_error("the event has no data.object");
  if (adapters::string_at(*refund, "object") != "refund") throw adapters::payload_error("data.object is not a refund");
  const auto id = metadata_int(*refund, "payout_id");
  if (id <= 0) return std::nullopt;  // a refund this service did not make (the dashboard's): the operator's
  auto reason = adapters::string_or(*refund, "failure_reason", "");
  // Shown to the user as it is: one of Stripe's short words, else nothing of it.
  if (reason.empty() || reason.size() > payments::max_dispute_reason_chars || reason.find_first_not_of("abcdefghijklmnopqrstuvwxyz_") != std::string::npos) {
    reason = "unknown";
  }
  return refund_failure{id, adapters::string_at(*refund, "id"), reason};
}

std::optional<payments::card_dispute> card_dispute_of(const std::string& type, const json::value& event) {
  if (type != "charge.dispute.created") return std::nullopt;
  const auto* dispute = adapters::find(event, "data.object");
  if (dispute == nullptr || !dispute->is_object()) throw adapters::payload_error("the event has no data.object");
  if (adapters::string_at(*dispute, "object") != "dispute") throw adapters::payload_error("data.object is not a dispute");
  payments::card_dispute d;
  d.dispute_id = adapters::string_at(*dispute, "id");
  d.charge = adapters::string_or(*dispute, "charge", "");
  d.payment_intent = adapters::string_or(*dispute, "payment_intent", "");
  d.currency = adapters::string_at(*dispute, "currency");
  d.amount_minor = adapters::int_at(*dispute, "amount");
  d.reason = adapters::string_or(*dispute, "reason", "");
  return d;
}

std::optional<payments::card_payment> card_payment_of(const std::string& type, const json::value& event) {
  if (type != "checkout.session.completed" && type != "checkout.session.async_payment_succeeded") return std::nullopt;
  const auto* found = adapters::find(event, "data.object");
  if (found == nullptr || !found->is_object()) throw adapters::payload_error("the event has no data.object");
  const auto& session = *found;
  if (adapters::string_at(session, "object") != "checkout.session") throw adapters::payload_error("data.object is not a checkout.session");
  if (adapters::string_or(session, "payment_status", "") != "paid") return std::nullopt;  // an async payment still on its way
  payments::card_payment p;
  p.session_id = adapters::string_at(session, "id");
  p.payment_intent = adapters::string_or(session, "payment_intent", "");
  p.account = adapters::string_or(session, "metadata.account", "");
  p.currency = adapters::string_at(session, "currency");
  p.amount_total = adapters::int_at(session, "amount_total");
  p.surcharge_minor = metadata_int(session, "surcharge");
  return p;
}

}  // namespace bountybot::stripe
