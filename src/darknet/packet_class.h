#pragma once

/// What a packet that reached the darknet is. Unsolicited traffic is a probe (someone looking
/// for a service) or backscatter (a victim answering packets that were sent in the darknet's
/// name, i.e. with spoofed sources) — Moore et al., "Inferring Internet Denial-of-Service
/// Activity", USENIX Security 2001 / ACM TOCS 2006.

#include <cstdint>
#include <string_view>

namespace kansoku::darknet {

enum class PacketClass : uint8_t {
    TcpSynProbe, ///< SYN without ACK: a scan probe
    Backscatter, ///< SYN-ACK, RST, RST-ACK, ICMP echo reply or ICMP error quoting a darknet packet
    UdpProbe,
    IcmpEcho,    ///< ICMP / ICMPv6 echo request
    Other,       ///< to the darknet, but none of the above (ACK, FIN, fragments, other protocols, ...)
    NotDarknet,  ///< destination outside every darknet prefix: counted, ignored
    NotIp,       ///< ARP, LLDP and other non-IP frames: counted, ignored
    Undecodable, ///< no usable IP header
    Count_
};

constexpr size_t kPacketClassCount = static_cast<size_t>(PacketClass::Count_);

/// The attack a victim's backscatter implies.
enum class AttackVector : uint8_t {
    SynFlood,  ///< SYN-ACK backscatter: the victim answered spoofed SYNs
    TcpFlood,  ///< RST / RST-ACK, or ICMP errors quoting TCP
    UdpFlood,  ///< ICMP errors quoting UDP
    IcmpFlood, ///< echo replies, or ICMP errors quoting ICMP
    Other,     ///< ICMP errors quoting another protocol
    Count_
};

constexpr size_t kAttackVectorCount = static_cast<size_t>(AttackVector::Count_);

std::string_view packetClassName(PacketClass c);
std::string_view attackVectorName(AttackVector v);

} // namespace kansoku::darknet
