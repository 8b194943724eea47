#pragma once

/// TCP (RFC 9293), UDP (RFC 768), ICMP (RFC 792) and ICMPv6 (RFC 4443) decoders, including the
/// packet an ICMP error quotes: backscatter analysis takes the victim from that quote.

#include "capture/cursor.h"
#include "capture/decode_anomaly.h"
#include "capture/decoded_packet.h"
#include "capture/network_layer.h"
#include "common/byte_reader.h"

namespace kansoku::capture::detail {

/// Reads the option list that was captured; stops quietly at a malformed option.
inline void readTcpOptions(const uint8_t* o, uint32_t length, DecodedPacket& p) {
    uint32_t i = 0;
    while (i < length) {
        const uint8_t kind = o[i];
        if (kind == 0) { // end of option list
            return;
        }
        if (kind == 1) { // no-operation
            ++i;
            continue;
        }
        if (i + 1 >= length) {
            return;
        }
        const uint8_t option_length = o[i + 1];
        if (option_length < 2 || i + option_length > length) {
            return;
        }
        if (kind == 2 && option_length == 4) {
            p.mss = loadU16BE(o + i + 2);
        }
        if (p.tcp_option_count < 255) {
            ++p.tcp_option_count;
        }
        i += option_length;
    }
}

inline DecodeAnomaly decodeTcp(const Cursor& c, DecodedPacket& p) {
    if (c.length < 20) {
        return DecodeAnomaly::TruncatedTcp;
    }
    const uint8_t* h = c.data;
    const uint32_t header_length = (h[12] >> 4) * 4U;
    if (header_length < 20) {
        return DecodeAnomaly::BadTcpDataOffset;
    }
    if (c.length < header_length) {
        return DecodeAnomaly::TruncatedTcp;
    }
    p.src_port = loadU16BE(h);
    p.dst_port = loadU16BE(h + 2);
    p.seq = loadU32BE(h + 4);
    p.ack = loadU32BE(h + 8);
    p.tcp_flags = h[13];
    p.window = loadU16BE(h + 14);
    p.tcp_options_length = static_cast<uint8_t>(header_length - 20);
    readTcpOptions(h + 20, header_length - 20, p);
    return DecodeAnomaly::None;
}

inline DecodeAnomaly decodeUdp(const Cursor& c, DecodedPacket& p) {
    if (c.length < 8) {
        return DecodeAnomaly::TruncatedUdp;
    }
    p.src_port = loadU16BE(c.data);
    p.dst_port = loadU16BE(c.data + 2);
    return DecodeAnomaly::None;
}

/// Reads the first 4 bytes of a quoted transport header: ports, or ICMP type and code.
inline void readQuotedPorts(const Cursor& c, QuotedPacket& q) {
    if (c.length < 4) {
        return;
    }
    if (q.protocol == ip_proto::kTcp || q.protocol == ip_proto::kUdp || q.protocol == 132 /* SCTP */) {
        q.src_port = loadU16BE(c.data);
        q.dst_port = loadU16BE(c.data + 2);
        q.has_ports = true;
    } else if (q.protocol == ip_proto::kIcmp || q.protocol == ip_proto::kIcmpv6) {
        q.src_port = c.data[0];
        q.dst_port = c.data[1];
        q.has_ports = true;
    }
}

/// The IPv4 packet quoted by an ICMP error. Decoded with the normal IPv4 decoder into a scratch
/// packet so the same bounds checks apply; quotes are often cut short, so only the addresses are
/// required.
inline bool decodeQuotedIpv4(Cursor c, QuotedPacket& q) {
    DecodedPacket inner;
    const DecodeAnomaly a = decodeIpv4(c, inner);
    if (a != DecodeAnomaly::None && a != DecodeAnomaly::Fragment) {
        return false;
    }
    q.src = inner.src;
    q.dst = inner.dst;
    q.protocol = inner.protocol;
    if (a == DecodeAnomaly::None) {
        readQuotedPorts(c, q);
    }
    return true;
}

inline bool decodeQuotedIpv6(Cursor c, QuotedPacket& q) {
    DecodedPacket inner;
    const DecodeAnomaly a = decodeIpv6(c, inner);
    if (inner.ip_version != 6) {
        return false;
    }
    q.src = inner.src;
    q.dst = inner.dst;
    q.protocol = inner.protocol;
    if (a == DecodeAnomaly::None) {
        readQuotedPorts(c, q);
    }
    return true;
}

/// ICMPv4 error types that quote the offending datagram.
inline bool isIcmpv4Error(uint8_t type) {
    return type == 3 /* unreachable */ || type == 4 /* source quench */ || type == 5 /* redirect */ ||
           type == 11 /* time exceeded */ || type == 12 /* parameter problem */;
}

/// ICMPv6 error messages are types 0..127 (RFC 4443 2.1); 1..4 are defined.
inline bool isIcmpv6Error(uint8_t type) {
    return type >= 1 && type <= 4;
}

inline DecodeAnomaly decodeIcmp(Cursor c, DecodedPacket& p, bool v6) {
    if (c.length < 8) {
        return DecodeAnomaly::TruncatedIcmp;
    }
    p.icmp_type = c.data[0];
    p.icmp_code = c.data[1];
    const bool error = v6 ? isIcmpv6Error(p.icmp_type) : isIcmpv4Error(p.icmp_type);
    if (!error) {
        return DecodeAnomaly::None;
    }
    c.advance(8);
    p.has_quote = v6 ? decodeQuotedIpv6(c, p.quote) : decodeQuotedIpv4(c, p.quote);
    return p.has_quote ? DecodeAnomaly::None : DecodeAnomaly::BadIcmpQuote;
}

} // namespace kansoku::capture::detail
