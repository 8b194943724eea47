#pragma once

// Packets for darknet tests: real frames from capture::PacketBuilder, decoded by
// capture::PacketDecoder, so the trackers see what the pipeline would hand them.

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "capture/decoded_packet.h"
#include "capture/packet_builder.h"
#include "capture/packet_decoder.h"
#include "common/event.h"
#include "common/prefix.h"

namespace kansoku::darknet::testing {

/// 2025-01-01T00:00:00Z: minute-aligned, so minute boundaries are at kT0 + n * 60 s.
constexpr Timestamp kT0 = 1'735'689'600LL * kMicrosPerSecond;
constexpr Timestamp kSecond = kMicrosPerSecond;

inline IpAddress ip(std::string_view text) {
    const auto address = IpAddress::parse(text);
    if (!address) {
        throw std::invalid_argument("bad address in test: " + std::string(text));
    }
    return *address;
}

inline PrefixSet prefixes(std::initializer_list<const char*> texts) {
    PrefixSet set;
    for (const char* text : texts) {
        const auto prefix = Prefix::parse(text);
        if (!prefix) {
            throw std::invalid_argument(prefix.error().message);
        }
        set.add(*prefix);
    }
    return set;
}

/// 203.0.113.<n>: the test darknet.
inline IpAddress darknetAddress(uint32_t n) {
    return IpAddress::fromV4(0xCB007100U + (n & 0xffU));
}

class Packets {
public:
    capture::DecodedPacket decode(std::span<const uint8_t> frame, Timestamp ts) {
        capture::DecodedPacket p;
        p.ts = ts;
        p.wire_length = static_cast<uint32_t>(frame.size());
        anomaly = decoder_.decode(frame.data(), static_cast<uint32_t>(frame.size()), p);
        return p;
    }

    capture::DecodedPacket tcp(const IpAddress& src, const IpAddress& dst, uint16_t src_port, uint16_t dst_port,
                               uint8_t flags, Timestamp ts = kT0, uint8_t ttl = 64) {
        capture::TcpFields fields;
        fields.src_port = src_port;
        fields.dst_port = dst_port;
        fields.seq = 1;
        fields.ack = (flags & capture::tcp_flag::kAck) != 0 ? 2 : 0;
        fields.flags = flags;
        fields.window = 1024;
        return decode(builder_.tcp({src, dst, ttl, 1}, fields), ts);
    }

    capture::DecodedPacket syn(const IpAddress& src, const IpAddress& dst, uint16_t dst_port, Timestamp ts = kT0) {
        return tcp(src, dst, 40000, dst_port, capture::tcp_flag::kSyn, ts);
    }

    capture::DecodedPacket synAck(const IpAddress& victim, const IpAddress& dst, uint16_t victim_port,
                                  Timestamp ts = kT0) {
        return tcp(victim, dst, victim_port, 40000, capture::tcp_flag::kSyn | capture::tcp_flag::kAck, ts);
    }

    capture::DecodedPacket udp(const IpAddress& src, const IpAddress& dst, uint16_t src_port, uint16_t dst_port,
                               Timestamp ts = kT0) {
        return decode(builder_.udp({src, dst, 64, 1}, src_port, dst_port), ts);
    }

    capture::DecodedPacket icmp(const IpAddress& src, const IpAddress& dst, uint8_t type, uint8_t code = 0,
                                Timestamp ts = kT0) {
        return decode(builder_.icmp({src, dst, 64, 1}, type, code, 0x00010001U), ts);
    }

    /// An ICMP(v6) error from `from` to `to` quoting a UDP packet quoted_src:40000 -> quoted_dst:quoted_dport.
    capture::DecodedPacket icmpErrorQuotingUdp(const IpAddress& from, const IpAddress& to, const IpAddress& quoted_src,
                                               const IpAddress& quoted_dst, uint16_t quoted_dport, uint8_t type,
                                               uint8_t code, Timestamp ts = kT0) {
        capture::PacketBuilder quote_builder(false);
        quote_builder.udp({quoted_src, quoted_dst, 60, 7}, 40000, quoted_dport);
        const auto quoted = quote_builder.lastIpPacket();
        return decode(builder_.icmpError({from, to, 250, 1}, type, code, quoted), ts);
    }

    /// The same, quoting a TCP SYN.
    capture::DecodedPacket icmpErrorQuotingTcp(const IpAddress& from, const IpAddress& to, const IpAddress& quoted_src,
                                               const IpAddress& quoted_dst, uint16_t quoted_dport, uint8_t type,
                                               uint8_t code, Timestamp ts = kT0) {
        capture::PacketBuilder quote_builder(false);
        capture::TcpFields fields;
        fields.src_port = 40000;
        fields.dst_port = quoted_dport;
        fields.flags = capture::tcp_flag::kSyn;
        quote_builder.tcp({quoted_src, quoted_dst, 60, 7}, fields);
        const auto quoted = quote_builder.lastIpPacket();
        return decode(builder_.icmpError({from, to, 250, 1}, type, code, quoted), ts);
    }

    capture::DecodeAnomaly anomaly = capture::DecodeAnomaly::None;

private:
    capture::PacketBuilder builder_;
    capture::PacketDecoder decoder_{capture::LinkType::Ethernet};
};

/// A probe filled in directly (no frame), for tests that need many thousands of packets.
inline capture::DecodedPacket probe(const IpAddress& src, const IpAddress& dst, uint8_t protocol, uint16_t dst_port,
                                    Timestamp ts, uint8_t ttl = 64) {
    capture::DecodedPacket p;
    p.ts = ts;
    p.wire_length = 60;
    p.ip_version = src.isV4() ? 4 : 6;
    p.src = src;
    p.dst = dst;
    p.ttl = ttl;
    p.protocol = protocol;
    p.transport_valid = true;
    p.src_port = 40000;
    p.dst_port = dst_port;
    if (protocol == capture::ip_proto::kTcp) {
        p.tcp_flags = capture::tcp_flag::kSyn;
    } else if (protocol == capture::ip_proto::kIcmp || protocol == capture::ip_proto::kIcmpv6) {
        p.icmp_type = protocol == capture::ip_proto::kIcmp ? 8 : 128;
        p.src_port = 0;
        p.dst_port = 0;
    }
    return p;
}

/// Events of one type.
inline std::vector<Event> ofType(const std::vector<Event>& events, std::string_view type) {
    std::vector<Event> out;
    for (const auto& e : events) {
        if (e.type == type) {
            out.push_back(e);
        }
    }
    return out;
}

} // namespace kansoku::darknet::testing
