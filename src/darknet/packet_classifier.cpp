#include "darknet/packet_classifier.h"

#include "darknet/spoof_filter.h"

namespace kansoku::darknet {

using capture::DecodedPacket;
namespace tcp_flag = capture::tcp_flag;
namespace ip_proto = capture::ip_proto;

std::string_view packetClassName(PacketClass c) {
    switch (c) {
    case PacketClass::TcpSynProbe:
        return "tcp_syn_probe";
    case PacketClass::Backscatter:
        return "backscatter";
    case PacketClass::UdpProbe:
        return "udp_probe";
    case PacketClass::IcmpEcho:
        return "icmp_echo";
    case PacketClass::Other:
        return "other";
    case PacketClass::NotDarknet:
        return "not_darknet";
    case PacketClass::NotIp:
        return "not_ip";
    case PacketClass::Undecodable:
        return "undecodable";
    case PacketClass::Count_:
        break;
    }
    return "invalid";
}

std::string_view attackVectorName(AttackVector v) {
    switch (v) {
    case AttackVector::SynFlood:
        return "syn_flood";
    case AttackVector::TcpFlood:
        return "tcp_flood";
    case AttackVector::UdpFlood:
        return "udp_flood";
    case AttackVector::IcmpFlood:
        return "icmp_flood";
    case AttackVector::Other:
        return "other";
    case AttackVector::Count_:
        break;
    }
    return "invalid";
}

void PacketClassifier::classify(const DecodedPacket& p, Classification& c) const {
    c.victim_port = 0;
    c.victim_port_known = false;
    c.vector = AttackVector::Other;
    c.spoof_flags = 0;
    c.tool = ScannerTool::Unknown;
    if (!p.hasIp()) {
        c.packet_class = PacketClass::Undecodable;
        return;
    }
    uint32_t index = 0;
    if (!darknet_.lookup(p.dst, index)) {
        c.packet_class = PacketClass::NotDarknet;
        return;
    }
    c.dst_key = p.dst.isV4() ? index : static_cast<uint32_t>(hashAddress(p.dst));
    if (p.isTcp()) {
        classifyTcp(p, c);
    } else if (p.isUdp()) {
        c.packet_class = PacketClass::UdpProbe;
    } else if (p.isIcmp()) {
        classifyIcmp(p, c);
    } else {
        c.packet_class = PacketClass::Other;
    }
    switch (c.packet_class) {
    case PacketClass::TcpSynProbe:
        c.tool = fingerprintSyn(p);
        c.spoof_flags = probeSpoofFlags(p, c.tool);
        break;
    case PacketClass::UdpProbe:
    case PacketClass::IcmpEcho:
        c.spoof_flags = probeSpoofFlags(p, ScannerTool::Unknown);
        break;
    case PacketClass::Backscatter:
        // A "victim" at an impossible address is a forged or broken packet, not an attack.
        c.spoof_flags = isImpossibleSource(c.victim, p.dst) ? spoof_flag::kImpossibleSource : 0;
        break;
    default:
        break;
    }
}

void PacketClassifier::classifyTcp(const DecodedPacket& p, Classification& c) const {
    const uint8_t flags = p.tcp_flags & (tcp_flag::kSyn | tcp_flag::kAck | tcp_flag::kRst | tcp_flag::kFin);
    if (flags == tcp_flag::kSyn) {
        c.packet_class = PacketClass::TcpSynProbe;
        return;
    }
    if (flags == (tcp_flag::kSyn | tcp_flag::kAck)) {
        c.vector = AttackVector::SynFlood;
    } else if ((flags & tcp_flag::kRst) != 0 && (flags & tcp_flag::kSyn) == 0) {
        c.vector = AttackVector::TcpFlood; // RST or RST-ACK
    } else {
        c.packet_class = PacketClass::Other;
        return;
    }
    c.packet_class = PacketClass::Backscatter;
    c.victim = p.src;
    c.victim_port = p.src_port;
    c.victim_port_known = true;
}

void PacketClassifier::classifyIcmp(const DecodedPacket& p, Classification& c) const {
    const bool v6 = p.protocol == ip_proto::kIcmpv6;
    const uint8_t echo_request = v6 ? 128 : 8;
    const uint8_t echo_reply = v6 ? 129 : 0;
    if (p.icmp_type == echo_request) {
        c.packet_class = PacketClass::IcmpEcho;
    } else if (p.icmp_type == echo_reply) {
        c.packet_class = PacketClass::Backscatter;
        c.vector = AttackVector::IcmpFlood;
        c.victim = p.src;
    } else if (p.has_quote) {
        classifyIcmpError(p, c);
    } else {
        c.packet_class = PacketClass::Other;
    }
}

void PacketClassifier::classifyIcmpError(const DecodedPacket& p, Classification& c) const {
    // The quoted packet was sent in the darknet's name to the victim. A quote whose source is not
    // the darknet address this error was sent to is forged or misrouted: not evidence of an attack.
    if (!(p.quote.src == p.dst) || darknet_.contains(p.quote.dst)) {
        c.packet_class = PacketClass::Other;
        return;
    }
    c.packet_class = PacketClass::Backscatter;
    c.victim = p.quote.dst;
    switch (p.quote.protocol) {
    case ip_proto::kTcp:
        c.vector = AttackVector::TcpFlood;
        break;
    case ip_proto::kUdp:
        c.vector = AttackVector::UdpFlood;
        break;
    case ip_proto::kIcmp:
    case ip_proto::kIcmpv6:
        c.vector = AttackVector::IcmpFlood;
        break;
    default:
        c.vector = AttackVector::Other;
        break;
    }
    if (p.quote.has_ports && (p.quote.protocol == ip_proto::kTcp || p.quote.protocol == ip_proto::kUdp)) {
        c.victim_port = p.quote.dst_port;
        c.victim_port_known = true;
    }
}

} // namespace kansoku::darknet
