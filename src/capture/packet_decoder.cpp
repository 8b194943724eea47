#include "capture/packet_decoder.h"

#include "capture/link_layer.h"
#include "capture/network_layer.h"
#include "capture/transport_layer.h"

namespace kansoku::capture {
namespace {

using detail::Cursor;

/// Link type -> decoder, indexed by LinkType.
constexpr DecodeAnomaly (*kLinkDecoders[])(Cursor&, uint16_t&) = {
    detail::decodeEthernet,  // Ethernet
    detail::decodeLinuxSll,  // LinuxSll
    detail::decodeLinuxSll2, // LinuxSll2
    detail::decodeRawIp,     // RawIp
    detail::decodeIpv4Link,  // Ipv4
    detail::decodeIpv6Link,  // Ipv6
    detail::decodeNull,      // Null
    detail::decodeNull,      // Loop: same decoder, either byte order is accepted
};
static_assert(std::size(kLinkDecoders) == static_cast<size_t>(LinkType::Loop) + 1);

DecodeAnomaly decodeTransport(Cursor& c, DecodedPacket& p) {
    DecodeAnomaly a = DecodeAnomaly::None;
    switch (p.protocol) {
    case ip_proto::kTcp:
        a = detail::decodeTcp(c, p);
        break;
    case ip_proto::kUdp:
        a = detail::decodeUdp(c, p);
        break;
    case ip_proto::kIcmp:
        if (p.ip_version != 4) {
            return DecodeAnomaly::None; // ICMPv4 inside IPv6: carried as "other"
        }
        a = detail::decodeIcmp(c, p, false);
        break;
    case ip_proto::kIcmpv6:
        if (p.ip_version != 6) {
            return DecodeAnomaly::None;
        }
        a = detail::decodeIcmp(c, p, true);
        break;
    default:
        return DecodeAnomaly::None; // other protocols carry no transport fields we read
    }
    p.transport_valid = a == DecodeAnomaly::None || a == DecodeAnomaly::BadIcmpQuote;
    return a;
}

} // namespace

PacketDecoder::PacketDecoder(LinkType link_type)
    : link_type_(link_type), link_decoder_(kLinkDecoders[static_cast<size_t>(link_type)]) {}

DecodeAnomaly PacketDecoder::decodeFrame(const uint8_t* data, uint32_t captured_length, DecodedPacket& p) const {
    Cursor c{data, captured_length};
    uint16_t ethertype = 0;
    DecodeAnomaly a = link_decoder_(c, ethertype);
    if (a != DecodeAnomaly::None) {
        return a;
    }
    if (ethertype == detail::kEthertypeIpv4) {
        a = detail::decodeIpv4(c, p);
    } else if (ethertype == detail::kEthertypeIpv6) {
        a = detail::decodeIpv6(c, p);
    } else {
        return DecodeAnomaly::NotIp;
    }
    if (a != DecodeAnomaly::None) {
        return a;
    }
    return decodeTransport(c, p);
}

DecodeAnomaly PacketDecoder::decode(const uint8_t* data, uint32_t captured_length, DecodedPacket& packet) {
    const Timestamp ts = packet.ts;
    const uint32_t wire_length = packet.wire_length;
    packet = DecodedPacket{};
    packet.ts = ts;
    packet.wire_length = wire_length;
    const DecodeAnomaly a = decodeFrame(data, captured_length, packet);
    counters_.add(a);
    return a;
}

} // namespace kansoku::capture
