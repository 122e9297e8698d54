#pragma once
/// Reading what a browser sends: the fields of an `application/x-www-form-urlencoded` body or a
/// query string (WHATWG URL "application/x-www-form-urlencoded parsing": `+` is a space).
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace bountybot::web {

/// The most fields one form or query may carry; more is refused (nullopt).
inline constexpr std::size_t max_form_fields = 64;

/// The fields of `encoded` (`a=1&b=x+y`), decoded; the first of a repeated name wins. nullopt when
/// it is not valid percent-encoding or has more than max_form_fields fields.
std::optional<std::map<std::string, std::string>> parse_form(std::string_view encoded);

/// The query fields of a request target (`/login?next=%2Fme`); empty when it has none or a
/// malformed one.
std::map<std::string, std::string> query_of(std::string_view target);

/// A row id or a count taken whole from a path segment or a field: a decimal integer of at least
/// 1 (`42`); nullopt for anything else (empty, zero, negative, spaces around it, out of the int64
/// range).
std::optional<std::int64_t> parse_id(std::string_view s);

/// `s` percent-encoded for a query value (RFC 3986 unreserved characters kept).
std::string url_encode(std::string_view s);

}  // namespace bountybot::web
