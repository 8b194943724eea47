#pragma once

/// The IP layer of the fake network: locating the parts of a raw IPv4/IPv6 packet read from the
/// sandbox's TUN device (IFF_TUN | IFF_NO_PI: the packet starts with the IP header), and building
/// reply packets with correct header and transport checksums (RFC 791, RFC 8200, RFC 1071).
/// The parser is bounds-checked and never throws: hostile packets come from the sample.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/ip_address.h"

namespace kansoku::sandbox::fakenet {

namespace ip_protocol {
constexpr uint8_t kIcmp = 1;
constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;
constexpr uint8_t kIcmpv6 = 58;
} // namespace ip_protocol

/// One IP packet located in place: the spans point into the caller's buffer.
struct IpView {
    uint8_t version = 0; ///< 4 or 6
    IpAddress src;
    IpAddress dst;
    uint8_t protocol = 0;               ///< transport protocol, after any IPv6 extension headers
    uint8_t ttl = 0;                    ///< hop limit for IPv6
    uint16_t ip_id = 0;                 ///< IPv4 only
    bool fragment = false;              ///< part of a fragmented datagram (any fragment): not answered
    std::span<const uint8_t> packet;    ///< the whole IP packet, trimmed to its stated length
    std::span<const uint8_t> transport; ///< the bytes after the IP header (and extension headers)
};

enum class IpParseResult : uint8_t {
    Ok,
    Truncated,         ///< shorter than the fixed header, its header length or its extension chain
    BadVersion,        ///< neither 4 nor 6
    BadHeaderLength,   ///< IPv4 IHL < 5
    BadTotalLength,    ///< stated length smaller than the header or larger than the packet read
    TooManyExtensions, ///< IPv6 extension chain longer than we follow
};

std::string_view ipParseResultName(IpParseResult result);

/// Locates the headers of `packet`. On anything but Ok, `out` is partly filled and must not be used.
IpParseResult parseIp(std::span<const uint8_t> packet, IpView& out);

/// RFC 1071 ones'-complement sum of `data` added to `sum` (not folded).
uint32_t checksumAdd(std::span<const uint8_t> data, uint32_t sum = 0);
/// Folds and complements a sum into the 16-bit checksum field value.
uint16_t checksumFold(uint32_t sum);
/// The sum of the TCP/UDP/ICMPv6 pseudo header (RFC 9293 3.1, RFC 768, RFC 8200 8.1).
uint32_t pseudoHeaderSum(const IpAddress& src, const IpAddress& dst, uint8_t protocol, uint32_t length);

/// An IP packet from `src` to `dst` (IPv4 if both are IPv4, else IPv6) carrying `transport`, whose
/// checksum (TCP, UDP, ICMP, ICMPv6) is filled in; the transport checksum field may hold anything.
std::vector<uint8_t> buildIpPacket(const IpAddress& src, const IpAddress& dst, uint8_t protocol,
                                   std::span<const uint8_t> transport, uint8_t ttl = 64, uint16_t ip_id = 0);

} // namespace kansoku::sandbox::fakenet
