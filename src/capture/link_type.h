#pragma once

/// Link-layer types we decode, mapped from libpcap's DLT_* values (pcap-linktype(7)).

#include <optional>
#include <string_view>

namespace kansoku::capture {

enum class LinkType : uint8_t {
    Ethernet,  ///< DLT_EN10MB, with 802.1Q / 802.1ad tags
    LinuxSll,  ///< DLT_LINUX_SLL, "any" device captures
    LinuxSll2, ///< DLT_LINUX_SLL2
    RawIp,     ///< DLT_RAW: starts with an IPv4 or IPv6 header
    Ipv4,      ///< DLT_IPV4
    Ipv6,      ///< DLT_IPV6
    Null,      ///< DLT_NULL: 4-byte address family in host byte order (BSD loopback)
    Loop,      ///< DLT_LOOP: 4-byte address family in network byte order
};

/// The LinkType for a libpcap DLT value, or nullopt if we do not decode it.
std::optional<LinkType> linkTypeFromDlt(int dlt);

std::string_view linkTypeName(LinkType type);

} // namespace kansoku::capture
