#include "webhooks/inbox.hpp"

#include <lz4.h>

#include <stdexcept>

namespace bountybot::webhooks {

stored_payload compress_payload(std::string_view body) {
  if (body.size() > LZ4_MAX_INPUT_SIZE) throw std::length_error("payload too large to compress");
  // Compressed into a scratch buffer kept by the thread, then copied at its compressed size:
  // sizing the result for the worst case would clear and reserve 5 times the bytes needed.
  thread_local std::string scratch;
  const auto bound = static_cast<std::size_t>(LZ4_compressBound(static_cast<int>(body.size())));
  if (scratch.size() < bound) scratch.resize(bound);
  const int n = LZ4_compress_default(body.data(), scratch.data(), static_cast<int>(body.size()),
                                     static_cast<int>(scratch.size()));
  if (n <= 0) throw std::runtime_error("lz4 compression failed");
  stored_payload out{scratch.substr(0, static_cast<std::size_t>(n)), static_cast<std::int64_t>(body.size())};
  if (scratch.size() > (std::size_t{1} << 20)) std::string().swap(scratch);  // keep no large body's buffer
  return out;
}

std::string delivery_by_key_sql() {
  return std::string("SELECT event, received_at, coalesce(issue_key, ''), coalesce(outcome, 'pending'), attempts, "
                     "coalesce(last_error, ''), ") +
         payload_columns + " FROM inbox WHERE platform = $1 AND delivery_id = $2";
}

std::string decompress_payload(std::string_view lz4, std::int64_t bytes) {
  if (bytes < 0 || bytes > LZ4_MAX_INPUT_SIZE || lz4.size() > static_cast<std::size_t>(LZ4_MAX_INPUT_SIZE)) {
    throw std::runtime_error("stored payload: size out of range");
  }
  std::string body(static_cast<std::size_t>(bytes), '\0');
  const int n = LZ4_decompress_safe(lz4.data(), body.data(), static_cast<int>(lz4.size()), static_cast<int>(bytes));
  if (n != bytes) throw std::runtime_error("stored payload: corrupt lz4 block");
  return body;
}

std::string read_payload(const pqxx::row& row, pqxx::row::size_type first) {
  if (!row[first].is_null()) return row[first].as<std::string>();
  const pqxx::binarystring block(row[first + 1]);
  return decompress_payload(std::string_view(block.get(), block.size()), row[first + 2].as<std::int64_t>());
}

bool store_delivery(pqxx::work& tx, const delivery& d) {
  const auto p = compress_payload(d.payload);
  const auto r = tx.exec_params(
      std::string("INSERT INTO inbox (") + stored_columns + ") VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (platform, delivery_id) DO NOTHING RETURNING id",
      d.platform, d.delivery_id, d.event, pqxx::binarystring(p.lz4), p.bytes);
  if (r.empty()) return false;
  tx.exec(std::string("NOTIFY ") + inbox_channel);
  return true;
}

}  // namespace bountybot::webhooks
