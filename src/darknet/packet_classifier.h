#pragma once

/// Decides, for one decoded packet, whether it reached the darknet and what it is. For
/// backscatter it names the victim: the sender of a SYN-ACK/RST/echo reply, or the destination
/// of the packet an ICMP error quotes (which must itself come from the darknet, or the quote is
/// forged or unrelated and the packet is "other").

#include "capture/decoded_packet.h"
#include "common/prefix.h"
#include "darknet/packet_class.h"
#include "darknet/scanner_fingerprint.h"

namespace kansoku::darknet {

struct Classification {
    PacketClass packet_class = PacketClass::Other;
    /// The destination as a 32-bit key for distinct counting: for IPv4, its index in the darknet's
    /// address space (so a /24 darknet's addresses are 0..255); for IPv6, a hash.
    uint32_t dst_key = 0;
    /// Probes: reasons (spoof_flag bits) not to trust the source; such probes become no record.
    uint8_t spoof_flags = 0;
    /// TCP SYN probes: the tool whose fingerprint the probe carries.
    ScannerTool tool = ScannerTool::Unknown;
    // Backscatter only:
    AttackVector vector = AttackVector::Other;
    IpAddress victim;
    uint16_t victim_port = 0; ///< the attacked service port, 0 when unknown
    bool victim_port_known = false;
};

class PacketClassifier {
public:
    explicit PacketClassifier(const PrefixSet& darknet) : darknet_(darknet) {}

    Classification classify(const capture::DecodedPacket& packet) const {
        Classification c;
        classify(packet, c);
        return c;
    }
    /// The same, writing into `out` (the per-packet path: no struct returned through the stack).
    void classify(const capture::DecodedPacket& packet, Classification& out) const;

private:
    void classifyTcp(const capture::DecodedPacket& p, Classification& c) const;
    void classifyIcmp(const capture::DecodedPacket& p, Classification& c) const;
    void classifyIcmpError(const capture::DecodedPacket& p, Classification& c) const;

    const PrefixSet& darknet_;
};

} // namespace kansoku::darknet
