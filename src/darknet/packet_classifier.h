#pragma once

/// Decides, for one decoded packet, whether it reached the darknet and what it is. For
/// backscatter it names the victim: the sender of a SYN-ACK/RST/echo reply, or the destination
/// of the packet an ICMP error quotes (which must itself come from the darknet, or the quote is
/// forged or unrelated and the packet is "other").

#include "capture/decoded_packet.h"
#include "common/prefix.h"
#include "darknet/packet_class.h"

namespace kansoku::darknet {

struct Classification {
    PacketClass packet_class = PacketClass::Other;
    // Backscatter only:
    AttackVector vector = AttackVector::Other;
    IpAddress victim;
    uint16_t victim_port = 0; ///< the attacked service port, 0 when unknown
    bool victim_port_known = false;
};

class PacketClassifier {
public:
    explicit PacketClassifier(const PrefixSet& darknet) : darknet_(darknet) {}

    Classification classify(const capture::DecodedPacket& packet) const;

private:
    Classification classifyTcp(const capture::DecodedPacket& p) const;
    Classification classifyIcmp(const capture::DecodedPacket& p) const;
    Classification classifyIcmpError(const capture::DecodedPacket& p) const;

    const PrefixSet& darknet_;
};

} // namespace kansoku::darknet
