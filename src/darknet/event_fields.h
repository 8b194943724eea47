#pragma once

/// Small helpers shared by the darknet trackers to write event fields the same way.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "capture/decoded_packet.h"
#include "common/ip_address.h"

namespace kansoku::darknet {

/// "tcp", "udp", "icmp", "icmpv6" or the protocol number as text.
std::string protocolName(uint8_t protocol);

/// A 32-bit key for distinct counting: the IPv4 address itself (exact), or a hash of an IPv6 one.
inline uint32_t addressKey(const IpAddress& a) {
    return a.isV4() ? a.v4() : static_cast<uint32_t>(hashAddress(a));
}

/// [{"port": 23, "packets": 40}, ...]
nlohmann::ordered_json portCountsJson(const std::vector<std::pair<uint16_t, uint32_t>>& ports);

} // namespace kansoku::darknet
