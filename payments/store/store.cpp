#include "payments/store/store.hpp"

#include "escrow/ledger.hpp"
#include "escrow/store/store.hpp"
#include "payments/store/sql.hpp"

namespace bountybot::payments {

/// The provider name of card payments: `external:stripe`, the `deposits.provider` column.
constexpr std::string_view stripe_provider = "stripe";

std::optional<funding_view> load_funding(pqxx::work& tx, std::int64_t pledge_id) {
  const auto r = tx.exec_params(sql::funding_view, pledge_id);
  if (r.empty()) return std::nullopt;
  const auto& row = r[0];
  const auto platform = bot::platform_from(row[4].as<std::string>());
  if (!platform) return std::nullopt;
  funding_view v;
  v.pledge_id = row[0].as<std::int64_t>();
  v.pledge_state = row[1].as<std::string>();
  v.pledged = escrow::money(row[2].as<std::int64_t>(), row[3].as<std::string>());
  v.sponsor = payer{*platform, row[5].as<std::int64_t>()};
  v.sponsor_login = row[6].as<std::string>();
  v.issue_key = row[7].as<std::string>() + ":" + row[8].as<std::string>() + "#" + row[9].as<std::string>();
  v.issue_url = row[10].as<std::string>();
  if (!row[11].is_null()) v.funds_expire_at = bot::utc_time{std::chrono::seconds{row[11].as<std::int64_t>()}};
  v.available_minor = row[12].as<std::int64_t>();
  return v;
}

result<bot::deposit_result> record_card_payment(pqxx::work& tx, const card_deposit& d, bot::utc_time now,
                                                std::int64_t max_units) {
  const auto platform = std::string(bot::to_string(d.to.platform));
  bot::deposit_request request{platform, d.to.user_id, "", d.net.amount_minor(), d.net.currency(), d.reference,
                               std::string(stripe_provider)};
  auto r = bot::record_deposit(tx, request, now, max_units);
  if (!r || !r->created) return r;
  if (d.surcharge.amount_minor() > 0) {
    escrow::apply_transfer(tx, {escrow::deposit_key(stripe_provider, d.reference) + ":surcharge", escrow::transfer_kind::fee,
                                escrow::external_account(stripe_provider), escrow::processing_account(), d.surcharge});
  }
  tx.exec_params0(sql::insert_card_payment, d.reference, d.payment_intent, platform, d.to.user_id, d.net.amount_minor(),
                  d.surcharge.amount_minor(), d.net.currency(), now.time_since_epoch().count());
  return r;
}

}  // namespace bountybot::payments
