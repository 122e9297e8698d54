#pragma once
/// The payout sender (SPEC §14 "Money out"): works off the Stripe payouts and withdrawals that
/// were booked in the ledger, one `POST /v1/transfers` (`Idempotency-Key: payout-{id}`) or
/// `POST /v1/refunds` (`withdrawal-{id}`) each, so a retry after a failure or a crash pays once.
/// A transfer Stripe refuses (4xx) fails the payout and reverses its booking; a 5xx, 429 or no
/// answer is retried with backoff, for as long as it takes (looking the payment up first once the
/// key may have expired).
#include "payments/provider.hpp"

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

namespace bountybot::jobs {

/// Where the sender listens for new payouts (`NOTIFY` by the payout form's transaction).
inline constexpr const char* payout_channel = "bountybot_payouts";
/// The wait before the first retry of a failed transfer, doubled each time up to payout_retry_max.
inline constexpr std::chrono::seconds payout_retry_initial{2};
inline constexpr std::chrono::seconds payout_retry_max = std::chrono::hours{1};

/// How long after a payout was requested its Idempotency-Key is trusted to make a retry safe.
/// Stripe keeps keys for at least 24 hours (https://docs.stripe.com/api/idempotent_requests);
/// past this, a retry first asks Stripe whether an earlier attempt went through
/// (payout_order::look_first), so a key Stripe forgot cannot pay twice.
inline constexpr std::chrono::hours idempotency_key_trusted_for{23};

/// The wait before retry number `attempts + 1`: payout_retry_initial x 2^attempts, at most payout_retry_max.
std::chrono::seconds payout_retry_delay(int attempts);

class payout_sender {
 public:
  /// Sends the due payouts of `provider` (the payouts whose provider is Stripe; the manual
  /// provider's wait for the operator and are never due).
  payout_sender(std::string db_url, std::shared_ptr<const payments::provider> provider,
                std::chrono::milliseconds idle_wait = std::chrono::seconds{1});
  ~payout_sender();
  /// Sends the oldest due payout, if any; false when none is due.
  bool send_one();
  /// Until `stop`: sends what is due, then waits for NOTIFY or `idle_wait`.
  void run(const std::atomic<bool>& stop);

 private:
  std::string db_url_;
  std::shared_ptr<const payments::provider> provider_;
  std::chrono::milliseconds idle_wait_;
  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace bountybot::jobs
