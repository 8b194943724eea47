#include "capture/link_type.h"

#include <pcap/dlt.h>

namespace kansoku::capture {

std::optional<LinkType> linkTypeFromDlt(int dlt) {
    switch (dlt) {
    case DLT_EN10MB:
        return LinkType::Ethernet;
    case DLT_LINUX_SLL:
        return LinkType::LinuxSll;
    case DLT_LINUX_SLL2:
        return LinkType::LinuxSll2;
    case DLT_RAW:
    case 101: // LINKTYPE_RAW as written in files; libpcap normally maps it to DLT_RAW
        return LinkType::RawIp;
    case DLT_IPV4:
        return LinkType::Ipv4;
    case DLT_IPV6:
        return LinkType::Ipv6;
    case DLT_NULL:
        return LinkType::Null;
    case DLT_LOOP:
        return LinkType::Loop;
    default:
        return std::nullopt;
    }
}

std::string_view linkTypeName(LinkType type) {
    switch (type) {
    case LinkType::Ethernet:
        return "ethernet";
    case LinkType::LinuxSll:
        return "linux-sll";
    case LinkType::LinuxSll2:
        return "linux-sll2";
    case LinkType::RawIp:
        return "raw-ip";
    case LinkType::Ipv4:
        return "ipv4";
    case LinkType::Ipv6:
        return "ipv6";
    case LinkType::Null:
        return "null";
    case LinkType::Loop:
        return "loop";
    }
    return "unknown";
}

} // namespace kansoku::capture
