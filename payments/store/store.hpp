#pragma once
/// The payments store (SPEC §14): what a funding page reads, and a paid card session applied
/// once: its deposit, its surcharge and its row.
#include "bot/store/store.hpp"
#include "payments/payments.hpp"
#include "payments/payouts.hpp"

#include <pqxx/pqxx>

#include <optional>
#include <vector>

namespace bountybot::payments {

/// The funding view of money pledge `pledge_id` at `now` (older awaiting pledges that expired by
/// then do not count); nullopt for no such pledge or zero-value support.
std::optional<funding_view> load_funding(pqxx::work& tx, std::int64_t pledge_id, bot::utc_time now);

/// Applies a paid session: a `deposit` of `d.net` from external:stripe to the payer's available
/// balance (bot::record_deposit: idempotent by the session id, and it holds the payer's awaiting
/// pledges, oldest first), a `fee` transfer of `d.surcharge` from external:stripe to
/// platform:processing, and the `card_payments` row. A second call for the same session changes
/// nothing (`created` false). Refusals as record_deposit's; `max_units` bounds the deposit.
[[nodiscard]] result<bot::deposit_result> record_card_payment(pqxx::work& tx, const card_deposit& d, bot::utc_time now,
                                                std::int64_t max_units);

/// The Stripe connected account of `who`, if one was created.
std::optional<payout_account> payout_account_of(pqxx::work& tx, const payer& who);
/// Records `who`'s connected account (once: a second call keeps the first).
void record_payout_account(pqxx::work& tx, const payer& who, const std::string& account_id, bot::utc_time now);
/// Stripe's `account.updated`: whether the account may receive payouts; false for an unknown account.
bool set_payouts_enabled(pqxx::work& tx, const std::string& account_id, bool enabled);

/// A payout as stored.
struct payout_row {
  std::int64_t id = 0;
  payout_kind kind = payout_kind::payout;
  payer who;
  escrow::money amount{0, "USD"};
  payout_provider provider = payout_provider::manual;
  std::string destination;
  payout_state state = payout_state::requested;
  std::string reference;
  std::string reason;
  bot::utc_time requested_at;
  int attempts = 0;
};

/// The view a payout request of `who` is decided on (balances read under the user's lock).
payout_view load_payout_view(pqxx::work& tx, const payer& who, bool stripe, std::int64_t minimum_units);

/// Books `plan` for `who` under the form's `request_id`: the payouts row (state requested) and a
/// `payout` transfer of the amount from payable to external:{provider}, keyed `payout:{id}`. The
/// same request_id again returns the payout it booked (`created` false) and moves nothing.
/// Throws escrow::ledger_refusal when the balance no longer covers it (nothing is written).
struct booked_payout {
  payout_row payout;
  bool created = false;
};
booked_payout book_payout(pqxx::work& tx, const payer& who, const payout_plan& plan, const std::string& request_id,
                          bot::utc_time now);

/// The view a withdrawal of `who` is decided on (balances read under the user's lock), with the
/// card payments that can still be refunded.
withdrawal_view load_withdrawal_view(pqxx::work& tx, const payer& who, bool stripe, std::int64_t minimum_units);

/// Books a withdrawal's `parts` for `who` under `request_id`: a row (kind withdrawal, part i)
/// and a `withdrawal` transfer from available to external:{provider}, keyed `withdrawal:{id}`,
/// each. The same request_id again returns the rows it booked (`created` false).
/// Throws escrow::ledger_refusal when the balance no longer covers them.
struct booked_withdrawal {
  std::vector<payout_row> parts;
  bool created = false;
};
booked_withdrawal book_withdrawal(pqxx::work& tx, const payer& who, const std::vector<withdrawal_part>& parts,
                                  const std::string& request_id, bot::utc_time now);

std::optional<payout_row> payout_by_id(pqxx::work& tx, std::int64_t id);
std::vector<payout_row> payouts_of(pqxx::work& tx, const payer& who, int limit);
std::vector<payout_row> payouts_in_state(pqxx::work& tx, payout_state state, int limit);

/// The oldest Stripe payout whose transfer is due at `now`, locked until the transaction ends.
std::optional<payout_row> next_due_payout(pqxx::work& tx, bot::utc_time now);

/// Marks a requested payout paid with `reference` (tr_... or the operator's). Refusals:
/// `not_found`, `conflict` (not requested any more: paid or failed already).
[[nodiscard]] result<payout_row> mark_payout_paid(pqxx::work& tx, std::int64_t id, const std::string& reference, bot::utc_time now);

/// Fails a payout that was requested, or paid and then reversed (Stripe `transfer.reversed`):
/// state failed with `reason`, and a `payout_reversal` transfer from external:{provider} back
/// to payable (a withdrawal: to available), keyed `payout_reversal:{id}`, once. Refusals:
/// `not_found`, `conflict` (failed already).
[[nodiscard]] result<payout_row> fail_payout(pqxx::work& tx, std::int64_t id, const std::string& reason, bot::utc_time now);

/// The operator settles a manual payout: paid with `reference`, or failed with `reason`. A
/// Stripe payout settles itself (the sender and Stripe's events): refused as `conflict`.
[[nodiscard]] result<payout_row> settle_manual_payout(pqxx::work& tx, std::int64_t id, bool paid, const std::string& text,
                                        bot::utc_time now);

/// The payout (or the first part of the withdrawal) `who` booked under `request_id`, if any.
std::optional<payout_row> payout_by_request(pqxx::work& tx, const payer& who, const std::string& request_id,
                                            payout_kind kind);

/// A provider call that failed and is retried at `next_attempt_at`, with its error kept.
void retry_payout_later(pqxx::work& tx, std::int64_t id, const std::string& error, bot::utc_time next_attempt_at,
                        bot::utc_time now);

/// A card dispute as stored: who it froze (nullopt when its payment is not one this service
/// took), and whether the operator lifted it.
struct card_dispute_row {
  card_dispute dispute;  // currency upper-case
  std::optional<payer> who;
  bot::utc_time opened_at;
  std::optional<bot::utc_time> lifted_at;
  std::string lift_note;
};

/// Records a checked dispute (payments::decide_card_dispute) once by its id and freezes the user
/// whose card payment it disputes (SPEC §14). The same dispute again changes nothing (`created`
/// false).
struct recorded_card_dispute {
  card_dispute_row row;
  bool created = false;
};
[[nodiscard]] recorded_card_dispute record_card_dispute(pqxx::work& tx, const card_dispute& d, bot::utc_time now);

std::optional<card_dispute_row> card_dispute_by_id(pqxx::work& tx, const std::string& dispute_id);
/// Open disputes oldest first, or all of them newest first; at most `limit`.
std::vector<card_dispute_row> card_disputes(pqxx::work& tx, bool open_only, int limit);

/// The operator lifts dispute `dispute_id` with `note` (checked by check_lift_note): the user is
/// free again once none of their disputes is open. Refusals: `not_found`, `conflict` (lifted already).
[[nodiscard]] result<card_dispute_row> lift_card_dispute(pqxx::work& tx, const std::string& dispute_id, const std::string& note,
                                           bot::utc_time now);

}  // namespace bountybot::payments
