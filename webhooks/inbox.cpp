#include "webhooks/inbox.hpp"

namespace bountybot::webhooks {

bool store_delivery(pqxx::work& tx, const delivery& d) {
  const auto r = tx.exec_params(
      "INSERT INTO inbox (platform, delivery_id, event, payload) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (platform, delivery_id) DO NOTHING RETURNING id",
      d.platform, d.delivery_id, d.event, d.payload);
  if (r.empty()) return false;
  tx.exec(std::string("NOTIFY ") + inbox_channel);
  return true;
}

}  // namespace bountybot::webhooks
