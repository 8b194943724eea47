#pragma once

/// Link-layer decoders: each checks its own header, advances the cursor past it and yields the
/// ethertype of what follows. One per link type; PacketDecoder picks one from a table.

#include "capture/cursor.h"
#include "capture/decode_anomaly.h"
#include "common/byte_reader.h"

namespace kansoku::capture::detail {

constexpr uint16_t kEthertypeIpv4 = 0x0800;
constexpr uint16_t kEthertypeIpv6 = 0x86dd;
constexpr uint16_t kEthertypeVlan = 0x8100;    // IEEE 802.1Q
constexpr uint16_t kEthertypeQinQ = 0x88a8;    // IEEE 802.1ad
constexpr uint16_t kEthertypeQinQOld = 0x9100; // pre-standard QinQ
constexpr int kMaxVlanTags = 4;

/// Skips stacked VLAN tags (each 4 bytes: TCI, inner ethertype).
inline DecodeAnomaly skipVlanTags(Cursor& c, uint16_t& ethertype) {
    for (int depth = 0; ethertype == kEthertypeVlan || ethertype == kEthertypeQinQ || ethertype == kEthertypeQinQOld;
         ++depth) {
        if (depth == kMaxVlanTags) {
            return DecodeAnomaly::TooManyVlanTags;
        }
        if (c.length < 4) {
            return DecodeAnomaly::TruncatedLink;
        }
        ethertype = loadU16BE(c.data + 2);
        c.advance(4);
    }
    return DecodeAnomaly::None;
}

/// Ethernet II: dst(6) src(6) ethertype(2).
inline DecodeAnomaly decodeEthernet(Cursor& c, uint16_t& ethertype) {
    if (c.length < 14) {
        return DecodeAnomaly::TruncatedLink;
    }
    ethertype = loadU16BE(c.data + 12);
    c.advance(14);
    return skipVlanTags(c, ethertype);
}

/// Linux cooked v1: packet type(2) ARPHRD(2) addr len(2) addr(8) protocol(2).
inline DecodeAnomaly decodeLinuxSll(Cursor& c, uint16_t& ethertype) {
    if (c.length < 16) {
        return DecodeAnomaly::TruncatedLink;
    }
    ethertype = loadU16BE(c.data + 14);
    c.advance(16);
    return skipVlanTags(c, ethertype);
}

/// Linux cooked v2: protocol(2) reserved(2) ifindex(4) ARPHRD(2) packet type(1) addr len(1) addr(8).
inline DecodeAnomaly decodeLinuxSll2(Cursor& c, uint16_t& ethertype) {
    if (c.length < 20) {
        return DecodeAnomaly::TruncatedLink;
    }
    ethertype = loadU16BE(c.data);
    c.advance(20);
    return skipVlanTags(c, ethertype);
}

/// Raw IP: the version nibble says which.
inline DecodeAnomaly decodeRawIp(Cursor& c, uint16_t& ethertype) {
    if (c.length < 1) {
        return DecodeAnomaly::TruncatedLink;
    }
    const int version = c.data[0] >> 4;
    if (version == 4) {
        ethertype = kEthertypeIpv4;
    } else if (version == 6) {
        ethertype = kEthertypeIpv6;
    } else {
        return DecodeAnomaly::BadIpVersion;
    }
    return DecodeAnomaly::None;
}

inline DecodeAnomaly decodeIpv4Link(Cursor&, uint16_t& ethertype) {
    ethertype = kEthertypeIpv4;
    return DecodeAnomaly::None;
}

inline DecodeAnomaly decodeIpv6Link(Cursor&, uint16_t& ethertype) {
    ethertype = kEthertypeIpv6;
    return DecodeAnomaly::None;
}

/// BSD loopback: a 4-byte address family. AF_INET is 2 everywhere; AF_INET6 differs by OS
/// (10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS). Byte order is the writer's for DLT_NULL,
/// network for DLT_LOOP; we accept either, as Wireshark does.
inline DecodeAnomaly decodeNull(Cursor& c, uint16_t& ethertype) {
    if (c.length < 4) {
        return DecodeAnomaly::TruncatedLink;
    }
    const uint32_t be = loadU32BE(c.data);
    const uint32_t family = (be & 0xffff0000U) != 0 ? __builtin_bswap32(be) : be;
    c.advance(4);
    switch (family) {
    case 2:
        ethertype = kEthertypeIpv4;
        return DecodeAnomaly::None;
    case 10:
    case 24:
    case 28:
    case 30:
        ethertype = kEthertypeIpv6;
        return DecodeAnomaly::None;
    default:
        return DecodeAnomaly::NotIp;
    }
}

} // namespace kansoku::capture::detail
