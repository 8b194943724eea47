#include "darknet/event_fields.h"

namespace kansoku::darknet {

std::string protocolName(uint8_t protocol) {
    switch (protocol) {
    case capture::ip_proto::kTcp:
        return "tcp";
    case capture::ip_proto::kUdp:
        return "udp";
    case capture::ip_proto::kIcmp:
        return "icmp";
    case capture::ip_proto::kIcmpv6:
        return "icmpv6";
    default:
        break;
    }
    return std::to_string(protocol);
}

nlohmann::ordered_json portCountsJson(const std::vector<std::pair<uint16_t, uint32_t>>& ports) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& [port, count] : ports) {
        out.push_back({{"port", port}, {"packets", count}});
    }
    return out;
}

} // namespace kansoku::darknet
