#pragma once

/// What the decoders extract from one packet: plain values, no pointers into the capture buffer
/// except `payload`, valid only until the next packet.

#include <cstdint>

#include "common/ip_address.h"
#include "common/time.h"

namespace kansoku::capture {

namespace ip_proto {
constexpr uint8_t kIcmp = 1;
constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;
constexpr uint8_t kIcmpv6 = 58;
} // namespace ip_proto

namespace tcp_flag {
constexpr uint8_t kFin = 0x01;
constexpr uint8_t kSyn = 0x02;
constexpr uint8_t kRst = 0x04;
constexpr uint8_t kPsh = 0x08;
constexpr uint8_t kAck = 0x10;
constexpr uint8_t kUrg = 0x20;
constexpr uint8_t kEce = 0x40;
constexpr uint8_t kCwr = 0x80;
} // namespace tcp_flag

/// The packet an ICMP error quotes (RFC 792, RFC 4443 2.4): the original datagram's addresses and,
/// when at least 4 bytes of its transport header were quoted, its ports (or ICMP type/code).
struct QuotedPacket {
    IpAddress src;
    IpAddress dst;
    uint8_t protocol = 0;
    bool has_ports = false;
    uint16_t src_port = 0; ///< for a quoted ICMP packet: its type
    uint16_t dst_port = 0; ///< for a quoted ICMP packet: its code
};

struct DecodedPacket {
    Timestamp ts = 0;
    uint32_t wire_length = 0;

    // IP
    uint8_t ip_version = 0;
    IpAddress src;
    IpAddress dst;
    uint8_t ttl = 0; ///< hop limit for IPv6
    uint16_t ip_id = 0;
    uint8_t protocol = 0;         ///< transport protocol after IPv6 extension headers
    bool fragment = false;        ///< a non-first fragment: transport fields are unset
    bool transport_valid = false; ///< the transport header below was read in full

    // TCP / UDP
    uint16_t src_port = 0;
    uint16_t dst_port = 0;

    // TCP
    uint8_t tcp_flags = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint16_t window = 0;
    uint8_t tcp_options_length = 0; ///< bytes of options (data offset * 4 - 20)
    uint8_t tcp_option_count = 0;   ///< options seen in the captured bytes, NOPs excluded
    uint16_t mss = 0;               ///< MSS option value, 0 if absent

    // ICMP / ICMPv6
    uint8_t icmp_type = 0;
    uint8_t icmp_code = 0;
    bool has_quote = false;
    QuotedPacket quote;

    bool hasIp() const { return ip_version != 0; }
    bool isTcp() const { return transport_valid && protocol == ip_proto::kTcp; }
    bool isUdp() const { return transport_valid && protocol == ip_proto::kUdp; }
    bool isIcmp() const { return transport_valid && (protocol == ip_proto::kIcmp || protocol == ip_proto::kIcmpv6); }
};

} // namespace kansoku::capture
