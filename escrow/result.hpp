#pragma once
/// Expected-style results for business outcomes (a refused command, insufficient funds, a bad
/// amount): the error is a value carrying a message fit to show the user who caused it.
#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace bountybot {

/// What a refusal is about, as a closed set; shown and matched by its name (`to_string`).
enum class problem_code {
  action,  // an operator action that is not one of those allowed
  amount,  // an amount that is malformed, not positive or over its bound
  config,  // a configuration variable with a bad value
  conflict,  // an idempotency key (a deposit reference) reused with other values
  currency,  // an unknown currency, or amounts of two currencies combined
  cursor,  // a list cursor that the list did not write
  date,  // a date that is malformed or already passed
  duration,  // a duration that is malformed or out of range
  insufficient,  // a balance that does not cover a transfer (SPEC §3 invariant 2)
  ledger,  // a transfer the ledger refused (answered 409)
  limit,  // a page size out of its range
  login,  // a text that is not a platform login
  no_vote,  // a release asked for a dispute without a rejected vote
  none,  // no problem yet (a placeholder before a result is computed)
  not_disputed,  // a dispute resolution for a bounty that is not disputed
  not_found,  // no such bounty, account or row
  overflow,  // a figure that would leave the signed 64-bit range
  platform,  // a platform that is neither `github` nor `gitlab`
  reason,  // an operator reason that is empty, too long or holds control characters
  repo,  // a repository filter that is not a full path
  reference,  // a deposit reference that is empty, too long or holds control characters
  sort,  // a list order that is not one of those offered
  state,  // a state filter that names no state
  submit,  // a submission the bounty cannot take now
  usage,  // a command line used wrongly
  user,  // a user id that is not a platform user id
};

/// The code's name: "amount", "not_found", ...
std::string_view to_string(problem_code c);

/// A refusal: a machine-readable code and a sentence for the user ("negative amounts are not allowed").
struct problem {
  problem_code code;
  std::string message;
};

/// Thrown only when code calls `.value()` on a failed result: a programmer error surfaced loudly.
struct problem_error : std::runtime_error {
  explicit problem_error(const problem& p) : std::runtime_error(std::string(to_string(p.code)) + ": " + p.message) {}
};

[[noreturn]] inline void throw_exception_from_error(const problem& p, const boost::source_location&) {
  throw problem_error(p);
}

/// `result<T>` holds a T or a `problem`.
template <class T>
using result = boost::system::result<T, problem>;

inline problem make_problem(problem_code code, std::string message) { return problem{code, std::move(message)}; }

}  // namespace bountybot
