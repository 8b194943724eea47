#pragma once

// Test helpers for the fake network: an independent checksum check (written separately from
// ip_packet.cpp, so a wrong checksum there cannot verify itself), decoding with src/capture's
// decoder, and builders for the segments a sample would send.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "capture/decoded_packet.h"
#include "capture/packet_decoder.h"
#include "common/ip_address.h"

namespace kansoku::sandbox::fakenet::test {

inline uint32_t onesSum(const uint8_t* p, size_t n, uint32_t sum = 0) {
    for (size_t i = 0; i < n; ++i) {
        sum += (i % 2 == 0) ? uint32_t{p[i]} << 8 : uint32_t{p[i]};
    }
    return sum;
}

inline bool sumIsAllOnes(uint32_t sum) {
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return sum == 0xffff;
}

/// True if the IPv4 header checksum (if any) and the TCP/UDP/ICMP/ICMPv6 checksum verify.
inline bool checksumsValid(const std::vector<uint8_t>& p) {
    if (p.empty()) {
        return false;
    }
    const bool v4 = (p[0] >> 4) == 4;
    size_t header = v4 ? (p[0] & 0x0f) * 4 : 40;
    if (p.size() < header) {
        return false;
    }
    if (v4 && !sumIsAllOnes(onesSum(p.data(), header))) {
        return false;
    }
    const uint8_t protocol = v4 ? p[9] : p[6];
    const size_t length = p.size() - header;
    uint32_t sum = 0;
    if (protocol != 1) { // everything but ICMPv4 has a pseudo header
        if (v4) {
            sum = onesSum(p.data() + 12, 8);
        } else {
            sum = onesSum(p.data() + 8, 32);
        }
        sum += protocol;
        sum += static_cast<uint32_t>(length);
    }
    sum = onesSum(p.data() + header, length, sum);
    return sumIsAllOnes(sum);
}

inline capture::DecodedPacket decode(const std::vector<uint8_t>& p) {
    capture::PacketDecoder decoder(capture::LinkType::RawIp);
    capture::DecodedPacket d;
    decoder.decode(p.data(), static_cast<uint32_t>(p.size()), d);
    return d;
}

inline IpAddress ip(std::string_view text) {
    return *IpAddress::parse(text);
}

inline std::vector<uint8_t> bytes(std::string_view text) {
    return {text.begin(), text.end()};
}

} // namespace kansoku::sandbox::fakenet::test
