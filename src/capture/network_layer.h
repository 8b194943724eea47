#pragma once

/// IPv4 (RFC 791) and IPv6 (RFC 8200) decoders. Each fills addresses and hands on the transport
/// bytes, bounded by the header's own length field as well as by what was captured.

#include <algorithm>

#include "capture/cursor.h"
#include "capture/decode_anomaly.h"
#include "capture/decoded_packet.h"
#include "common/byte_reader.h"

namespace kansoku::capture::detail {

constexpr int kMaxIpv6Extensions = 8;

/// Decodes an IPv4 header into `p` and leaves `c` on the transport header.
/// Returns Fragment for non-first fragments (addresses are valid, transport is not).
inline DecodeAnomaly decodeIpv4(Cursor& c, DecodedPacket& p) {
    if (c.length < 20) {
        return DecodeAnomaly::TruncatedIpv4;
    }
    const uint8_t* h = c.data;
    if ((h[0] >> 4) != 4) {
        return DecodeAnomaly::BadIpVersion;
    }
    const uint32_t header_length = (h[0] & 0x0fU) * 4;
    if (header_length < 20) {
        return DecodeAnomaly::BadIpv4HeaderLength;
    }
    if (c.length < header_length) {
        return DecodeAnomaly::TruncatedIpv4;
    }
    const uint32_t total_length = loadU16BE(h + 2);
    if (total_length < header_length) {
        return DecodeAnomaly::BadIpv4TotalLength;
    }
    p.ip_version = 4;
    p.ip_id = loadU16BE(h + 4);
    p.ttl = h[8];
    p.protocol = h[9];
    p.src = IpAddress::fromV4(loadU32BE(h + 12));
    p.dst = IpAddress::fromV4(loadU32BE(h + 16));
    // Ethernet pads short frames and snaplen cuts long ones: trust neither past the total length.
    c.length = std::min(c.length, total_length);
    c.advance(header_length);
    if ((loadU16BE(h + 6) & 0x1fffU) != 0) {
        p.fragment = true;
        return DecodeAnomaly::Fragment;
    }
    return DecodeAnomaly::None;
}

/// Walks IPv6 extension headers from `next_header`, leaving `c` on the upper-layer header.
inline DecodeAnomaly skipIpv6Extensions(Cursor& c, uint8_t& next_header, bool& fragment) {
    for (int i = 0;; ++i) {
        uint32_t length = 0;
        switch (next_header) {
        case 0:   // hop-by-hop options
        case 43:  // routing
        case 60:  // destination options
        case 135: // mobility
        case 139: // HIP
        case 140: // shim6
            if (c.length < 8) {
                return DecodeAnomaly::TruncatedIpv6Extension;
            }
            length = (uint32_t{c.data[1]} + 1) * 8;
            break;
        case 44: // fragment
            if (c.length < 8) {
                return DecodeAnomaly::TruncatedIpv6Extension;
            }
            if ((loadU16BE(c.data + 2) & 0xfff8U) != 0) {
                fragment = true;
            }
            length = 8;
            break;
        case 51: // authentication header: length in 4-octet units, minus 2
            if (c.length < 8) {
                return DecodeAnomaly::TruncatedIpv6Extension;
            }
            length = (uint32_t{c.data[1]} + 2) * 4;
            break;
        default:
            return DecodeAnomaly::None;
        }
        if (i == kMaxIpv6Extensions) {
            return DecodeAnomaly::TooManyIpv6Extensions;
        }
        if (c.length < length) {
            return DecodeAnomaly::TruncatedIpv6Extension;
        }
        next_header = c.data[0];
        c.advance(length);
        if (fragment) {
            return DecodeAnomaly::Fragment;
        }
    }
}

/// Decodes an IPv6 header and its extension chain into `p`, leaving `c` on the transport header.
inline DecodeAnomaly decodeIpv6(Cursor& c, DecodedPacket& p) {
    if (c.length < 40) {
        return DecodeAnomaly::TruncatedIpv6;
    }
    const uint8_t* h = c.data;
    if ((h[0] >> 4) != 6) {
        return DecodeAnomaly::BadIpVersion;
    }
    const uint32_t payload_length = loadU16BE(h + 4);
    uint8_t next_header = h[6];
    p.ip_version = 6;
    p.ttl = h[7];
    p.src = IpAddress::fromV6(h + 8);
    p.dst = IpAddress::fromV6(h + 24);
    c.advance(40);
    if (payload_length != 0) { // 0: a jumbogram (RFC 2675); bounded by the capture only
        c.length = std::min(c.length, payload_length);
    }
    bool fragment = false;
    const DecodeAnomaly a = skipIpv6Extensions(c, next_header, fragment);
    p.protocol = next_header;
    p.fragment = fragment;
    return a;
}

} // namespace kansoku::capture::detail
