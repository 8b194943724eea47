#pragma once

/// Decodes captured frames, link layer to transport, into DecodedPacket. Never reads past the
/// captured bytes, never throws; each failure is returned and counted by reason.

#include <cstdint>

#include "capture/decode_anomaly.h"
#include "capture/decoded_packet.h"
#include "capture/link_type.h"

namespace kansoku::capture {

namespace detail {
struct Cursor;
}

class PacketDecoder {
public:
    explicit PacketDecoder(LinkType link_type);

    /// Decodes one frame. `packet` is reset first. On return, packet.hasIp() says whether the
    /// addresses are valid and packet.transport_valid whether the TCP/UDP/ICMP fields are.
    /// The return value is the first anomaly met (None on a clean decode); it is also counted.
    DecodeAnomaly decode(const uint8_t* data, uint32_t captured_length, DecodedPacket& packet);

    const DecodeCounters& counters() const { return counters_; }
    LinkType linkType() const { return link_type_; }

private:
    using LinkDecoder = DecodeAnomaly (*)(detail::Cursor&, uint16_t&);

    DecodeAnomaly decodeFrame(const uint8_t* data, uint32_t captured_length, DecodedPacket& packet) const;

    LinkType link_type_;
    LinkDecoder link_decoder_;
    DecodeCounters counters_;
};

} // namespace kansoku::capture
