#include "sandbox/fakenet/ip_packet.h"

#include <array>
#include <cstring>

#include "common/byte_reader.h"

namespace kansoku::sandbox::fakenet {
namespace {

constexpr int kMaxIpv6Extensions = 8;

bool isIpv6Extension(uint8_t next) {
    return next == 0 /* hop-by-hop */ || next == 43 /* routing */ || next == 44 /* fragment */ ||
           next == 60 /* destination options */;
}

IpParseResult parseIpv4(std::span<const uint8_t> packet, IpView& out) {
    if (packet.size() < 20) {
        return IpParseResult::Truncated;
    }
    const uint8_t* h = packet.data();
    const size_t header_length = (h[0] & 0x0fU) * 4U;
    if (header_length < 20) {
        return IpParseResult::BadHeaderLength;
    }
    if (packet.size() < header_length) {
        return IpParseResult::Truncated;
    }
    const size_t total_length = loadU16BE(h + 2);
    if (total_length < header_length || total_length > packet.size()) {
        return IpParseResult::BadTotalLength;
    }
    out.version = 4;
    out.ip_id = loadU16BE(h + 4);
    const uint16_t fragment_field = loadU16BE(h + 6);
    out.fragment = (fragment_field & 0x3fffU) != 0; // MF set or a non-zero offset
    out.ttl = h[8];
    out.protocol = h[9];
    out.src = IpAddress::fromV4(loadU32BE(h + 12));
    out.dst = IpAddress::fromV4(loadU32BE(h + 16));
    out.packet = packet.first(total_length);
    out.transport = out.packet.subspan(header_length);
    return IpParseResult::Ok;
}

IpParseResult parseIpv6(std::span<const uint8_t> packet, IpView& out) {
    if (packet.size() < 40) {
        return IpParseResult::Truncated;
    }
    const uint8_t* h = packet.data();
    const size_t total_length = 40U + loadU16BE(h + 4);
    if (total_length > packet.size()) {
        return IpParseResult::BadTotalLength;
    }
    out.version = 6;
    out.ttl = h[7];
    out.src = IpAddress::fromV6(h + 8);
    out.dst = IpAddress::fromV6(h + 24);
    out.packet = packet.first(total_length);
    uint8_t next = h[6];
    size_t offset = 40;
    for (int i = 0; isIpv6Extension(next); ++i) {
        if (i == kMaxIpv6Extensions) {
            return IpParseResult::TooManyExtensions;
        }
        if (offset + 8 > total_length) {
            return IpParseResult::Truncated;
        }
        const uint8_t* e = h + offset;
        const size_t length = next == 44 ? 8U : (size_t{e[1]} + 1U) * 8U;
        if (next == 44) {
            out.fragment = true;
        }
        if (offset + length > total_length) {
            return IpParseResult::Truncated;
        }
        next = e[0];
        offset += length;
    }
    out.protocol = next;
    out.transport = out.packet.subspan(offset);
    return IpParseResult::Ok;
}

} // namespace

std::string_view ipParseResultName(IpParseResult result) {
    switch (result) {
    case IpParseResult::Ok:
        return "ok";
    case IpParseResult::Truncated:
        return "truncated";
    case IpParseResult::BadVersion:
        return "bad_version";
    case IpParseResult::BadHeaderLength:
        return "bad_header_length";
    case IpParseResult::BadTotalLength:
        return "bad_total_length";
    case IpParseResult::TooManyExtensions:
        return "too_many_extensions";
    }
    return "invalid";
}

IpParseResult parseIp(std::span<const uint8_t> packet, IpView& out) {
    out = IpView{};
    if (packet.empty()) {
        return IpParseResult::Truncated;
    }
    switch (packet[0] >> 4) {
    case 4:
        return parseIpv4(packet, out);
    case 6:
        return parseIpv6(packet, out);
    default:
        return IpParseResult::BadVersion;
    }
}

uint32_t checksumAdd(std::span<const uint8_t> data, uint32_t sum) {
    // 64-bit accumulator: no overflow for any packet size we handle.
    uint64_t acc = sum;
    size_t i = 0;
    for (; i + 1 < data.size(); i += 2) {
        acc += loadU16BE(data.data() + i);
    }
    if (i < data.size()) {
        acc += static_cast<uint32_t>(data[i] << 8);
    }
    while ((acc >> 32) != 0) {
        acc = (acc & 0xffffffffU) + (acc >> 32);
    }
    return static_cast<uint32_t>(acc);
}

uint16_t checksumFold(uint32_t sum) {
    uint64_t acc = sum;
    while ((acc >> 16) != 0) {
        acc = (acc & 0xffffU) + (acc >> 16);
    }
    return static_cast<uint16_t>(~acc);
}

uint32_t pseudoHeaderSum(const IpAddress& src, const IpAddress& dst, uint8_t protocol, uint32_t length) {
    uint32_t sum = 0;
    if (src.isV4() && dst.isV4()) {
        sum = checksumAdd(std::span(src.bytes()).subspan(12), sum);
        sum = checksumAdd(std::span(dst.bytes()).subspan(12), sum);
        return checksumAdd(
            std::array<uint8_t, 4>{0, protocol, static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length)}, sum);
    }
    sum = checksumAdd(src.bytes(), sum);
    sum = checksumAdd(dst.bytes(), sum);
    std::array<uint8_t, 8> tail{};
    storeU32BE(tail.data(), length);
    tail[7] = protocol;
    return checksumAdd(tail, sum);
}

std::vector<uint8_t> buildIpPacket(const IpAddress& src, const IpAddress& dst, uint8_t protocol,
                                   std::span<const uint8_t> transport, uint8_t ttl, uint16_t ip_id) {
    const bool v4 = src.isV4() && dst.isV4();
    const size_t header_length = v4 ? 20 : 40;
    std::vector<uint8_t> out(header_length + transport.size(), 0);
    uint8_t* h = out.data();
    if (v4) {
        h[0] = 0x45;
        storeU16BE(h + 2, static_cast<uint16_t>(out.size()));
        storeU16BE(h + 4, ip_id);
        storeU16BE(h + 6, 0x4000); // DF
        h[8] = ttl;
        h[9] = protocol;
        std::memcpy(h + 12, src.bytes().data() + 12, 4);
        std::memcpy(h + 16, dst.bytes().data() + 12, 4);
        storeU16BE(h + 10, checksumFold(checksumAdd(std::span<const uint8_t>(h, 20))));
    } else {
        h[0] = 0x60;
        storeU16BE(h + 4, static_cast<uint16_t>(transport.size()));
        h[6] = protocol;
        h[7] = ttl;
        std::memcpy(h + 8, src.bytes().data(), 16);
        std::memcpy(h + 24, dst.bytes().data(), 16);
    }
    if (!transport.empty()) {
        std::memcpy(h + header_length, transport.data(), transport.size());
    }
    uint8_t* t = h + header_length;
    const auto length = static_cast<uint32_t>(transport.size());
    size_t checksum_at = 0;
    bool pseudo = true;
    if (protocol == ip_protocol::kTcp && length >= 20) {
        checksum_at = 16;
    } else if (protocol == ip_protocol::kUdp && length >= 8) {
        checksum_at = 6;
    } else if ((protocol == ip_protocol::kIcmp || protocol == ip_protocol::kIcmpv6) && length >= 4) {
        checksum_at = 2;
        pseudo = protocol == ip_protocol::kIcmpv6;
    } else {
        return out;
    }
    storeU16BE(t + checksum_at, 0);
    const uint32_t start = pseudo ? pseudoHeaderSum(src, dst, protocol, length) : 0;
    uint16_t checksum = checksumFold(checksumAdd(std::span<const uint8_t>(t, length), start));
    if (protocol == ip_protocol::kUdp && checksum == 0) {
        checksum = 0xffff; // RFC 768: zero means "no checksum"
    }
    storeU16BE(t + checksum_at, checksum);
    return out;
}

} // namespace kansoku::sandbox::fakenet
