#pragma once
/// The durable inbox: deliveries stored before they are acknowledged, processed by workers.
#include "webhooks/intake.hpp"

#include <pqxx/pqxx>

#include <cstdint>
#include <string>
#include <string_view>

namespace bountybot::webhooks {

/// Channel notified (on commit) when a delivery is stored, to wake workers in every instance.
inline constexpr const char* inbox_channel = "bountybot_inbox";

/// A delivery body as the inbox stores it (migration 008): one lz4 block (liblz4; format:
/// https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md) and the body's size in bytes,
/// which the block format does not record.
struct stored_payload {
  std::string lz4;
  std::int64_t bytes = 0;
};

/// Compresses `body` (any size up to lz4's 2,113,929,216-byte maximum; throws
/// std::length_error above it).
stored_payload compress_payload(std::string_view body);

/// The body back from `lz4` and its size; throws std::runtime_error if the block is corrupt or
/// does not decompress to exactly `bytes` bytes.
std::string decompress_payload(std::string_view lz4, std::int64_t bytes);

/// The inbox columns a new delivery is stored in, in this order (its payload as `stored_payload`).
inline constexpr const char* stored_columns = "platform, delivery_id, event, payload_lz4, payload_bytes";

/// The inbox columns holding a body, to select in this order and read with `read_payload`.
inline constexpr const char* payload_columns = "payload, payload_lz4, payload_bytes";

/// The body of an inbox row whose `payload_columns` start at column `first`: the text `payload`
/// of rows stored before migration 008, else the decompressed `payload_lz4`.
std::string read_payload(const pqxx::row& row, pqxx::row::size_type first);

/// `bountybot inbox show`: the delivery $2 of platform $1. Columns: event, received_at, issue_key
/// ('' when not named yet), outcome ('pending' when not processed), attempts, last_error ('' for
/// none), then `payload_columns` (from column 6).
std::string delivery_by_key_sql();

/// Stores `d` unless a delivery with the same platform and id is stored already (then returns
/// false). Safe under concurrency: the unique key decides, also across service instances.
[[nodiscard]] bool store_delivery(pqxx::work& tx, const delivery& d);

}  // namespace bountybot::webhooks
