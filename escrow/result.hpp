#pragma once
/// Expected-style results for business outcomes (a refused command, insufficient funds, a bad
/// amount): the error is a value carrying a message fit to show the user who caused it.
#include <boost/system/result.hpp>

#include <stdexcept>
#include <string>
#include <utility>

namespace bountybot {

/// A refusal: a machine-readable code and a sentence for the user ("negative amounts are not allowed").
struct problem {
  std::string code;
  std::string message;
};

/// Thrown only when code calls `.value()` on a failed result: a programmer error surfaced loudly.
struct problem_error : std::runtime_error {
  explicit problem_error(const problem& p) : std::runtime_error(p.code + ": " + p.message) {}
};

[[noreturn]] inline void throw_exception_from_error(const problem& p, const boost::source_location&) {
  throw problem_error(p);
}

/// `result<T>` holds a T or a `problem`.
template <class T>
using result = boost::system::result<T, problem>;

inline problem make_problem(std::string code, std::string message) {
  return problem{std::move(code), std::move(message)};
}

}  // namespace bountybot
