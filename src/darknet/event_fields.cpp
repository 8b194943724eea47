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
    auto& array = out.get_ref<nlohmann::ordered_json::array_t&>();
    array.reserve(ports.size());
    for (const auto& [port, count] : ports) {
        nlohmann::ordered_json entry = nlohmann::ordered_json::object();
        auto& fields = entry.get_ref<nlohmann::ordered_json::object_t&>();
        fields.reserve(2);
        fields.emplace_back("port", port);
        fields.emplace_back("packets", count);
        array.push_back(std::move(entry));
    }
    return out;
}

} // namespace kansoku::darknet
