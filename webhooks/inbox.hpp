#pragma once
/// The durable inbox: deliveries stored before they are acknowledged, processed by workers.
#include "webhooks/intake.hpp"

#include <pqxx/pqxx>

namespace bountybot::webhooks {

/// Channel notified (on commit) when a delivery is stored, to wake workers in every instance.
inline constexpr const char* inbox_channel = "bountybot_inbox";

/// Stores `d` unless a delivery with the same platform and id is stored already (then returns
/// false). Safe under concurrency: the unique key decides, also across service instances.
bool store_delivery(pqxx::work& tx, const delivery& d);

}  // namespace bountybot::webhooks
