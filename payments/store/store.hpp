#pragma once
/// The payments store (SPEC §14): what a funding page reads, and a paid card session applied
/// once: its deposit, its surcharge and its row.
#include "bot/store/store.hpp"
#include "payments/payments.hpp"

#include <pqxx/pqxx>

#include <optional>

namespace bountybot::payments {

/// The funding view of money pledge `pledge_id`; nullopt for no such pledge or zero-value support.
std::optional<funding_view> load_funding(pqxx::work& tx, std::int64_t pledge_id);

/// Applies a paid session: a `deposit` of `d.net` from external:stripe to the payer's available
/// balance (bot::record_deposit: idempotent by the session id, and it holds the payer's awaiting
/// pledges, oldest first), a `fee` transfer of `d.surcharge` from external:stripe to
/// platform:processing, and the `card_payments` row. A second call for the same session changes
/// nothing (`created` false). Refusals as record_deposit's; `max_units` bounds the deposit.
result<bot::deposit_result> record_card_payment(pqxx::work& tx, const card_deposit& d, bot::utc_time now,
                                                std::int64_t max_units);

}  // namespace bountybot::payments
