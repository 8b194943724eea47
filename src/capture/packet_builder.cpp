#include "capture/packet_builder.h"

#include <cstring>

#include "capture/decoded_packet.h"

namespace kansoku::capture {
namespace {

void put16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}

void put32(uint8_t* p, uint32_t v) {
    put16(p, static_cast<uint16_t>(v >> 16));
    put16(p + 2, static_cast<uint16_t>(v));
}

/// RFC 1071 ones'-complement sum.
uint32_t sum16(const uint8_t* p, size_t n, uint32_t sum = 0) {
    for (size_t i = 0; i + 1 < n; i += 2) {
        sum += static_cast<uint32_t>((p[i] << 8) | p[i + 1]);
    }
    if ((n & 1U) != 0) {
        sum += static_cast<uint32_t>(p[n - 1] << 8);
    }
    return sum;
}

uint16_t fold(uint32_t sum) {
    while ((sum >> 16) != 0) {
        sum = (sum & 0xffffU) + (sum >> 16);
    }
    return static_cast<uint16_t>(~sum);
}

} // namespace

void PacketBuilder::begin(const IpFields& ip, uint8_t protocol, size_t transport_length) {
    frame_.clear();
    if (ethernet_) {
        // Locally administered MACs; EtherType set below.
        static constexpr uint8_t kMacs[12] = {0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02};
        frame_.insert(frame_.end(), kMacs, kMacs + 12);
        frame_.push_back(ip.src.isV4() ? 0x08 : 0x86);
        frame_.push_back(ip.src.isV4() ? 0x00 : 0xdd);
    }
    ip_offset_ = frame_.size();
    if (ip.src.isV4()) {
        frame_.resize(ip_offset_ + 20 + transport_length, 0);
        uint8_t* h = frame_.data() + ip_offset_;
        h[0] = 0x45;
        put16(h + 2, static_cast<uint16_t>(20 + transport_length));
        put16(h + 4, ip.ip_id);
        h[8] = ip.ttl;
        h[9] = protocol;
        put32(h + 12, ip.src.v4());
        put32(h + 16, ip.dst.v4());
        put16(h + 10, fold(sum16(h, 20)));
        transport_offset_ = ip_offset_ + 20;
    } else {
        frame_.resize(ip_offset_ + 40 + transport_length, 0);
        uint8_t* h = frame_.data() + ip_offset_;
        h[0] = 0x60;
        put16(h + 4, static_cast<uint16_t>(transport_length));
        h[6] = protocol == ip_proto::kIcmp ? ip_proto::kIcmpv6 : protocol;
        h[7] = ip.ttl;
        std::memcpy(h + 8, ip.src.bytes().data(), 16);
        std::memcpy(h + 24, ip.dst.bytes().data(), 16);
        transport_offset_ = ip_offset_ + 40;
    }
}

void PacketBuilder::finish(uint8_t protocol) {
    uint8_t* t = frame_.data() + transport_offset_;
    const size_t length = frame_.size() - transport_offset_;
    const uint8_t* h = frame_.data() + ip_offset_;
    const bool v4 = (h[0] >> 4) == 4;
    size_t checksum_at = 0;
    switch (protocol) {
    case ip_proto::kTcp:
        checksum_at = 16;
        break;
    case ip_proto::kUdp:
        checksum_at = 6;
        break;
    default:
        checksum_at = 2;
        break;
    }
    put16(t + checksum_at, 0);
    uint32_t sum = 0;
    const bool pseudo_header = protocol != ip_proto::kIcmp || !v4;
    if (pseudo_header) {
        if (v4) {
            sum = sum16(h + 12, 8);
        } else {
            sum = sum16(h + 8, 32);
        }
        const uint8_t next = v4 ? protocol : h[6];
        sum += next + static_cast<uint32_t>(length);
    }
    uint16_t checksum = fold(sum16(t, length, sum));
    if (protocol == ip_proto::kUdp && checksum == 0) {
        checksum = 0xffff;
    }
    put16(t + checksum_at, checksum);
}

std::span<const uint8_t> PacketBuilder::tcp(const IpFields& ip, const TcpFields& tcp) {
    const size_t header = tcp.mss != 0 ? 24 : 20;
    begin(ip, ip_proto::kTcp, header);
    uint8_t* t = frame_.data() + transport_offset_;
    put16(t, tcp.src_port);
    put16(t + 2, tcp.dst_port);
    put32(t + 4, tcp.seq);
    put32(t + 8, tcp.ack);
    t[12] = static_cast<uint8_t>((header / 4) << 4);
    t[13] = tcp.flags;
    put16(t + 14, tcp.window);
    if (tcp.mss != 0) {
        t[20] = 2;
        t[21] = 4;
        put16(t + 22, tcp.mss);
    }
    finish(ip_proto::kTcp);
    return frame_;
}

std::span<const uint8_t> PacketBuilder::udp(const IpFields& ip, uint16_t src_port, uint16_t dst_port,
                                            std::span<const uint8_t> payload) {
    begin(ip, ip_proto::kUdp, 8 + payload.size());
    uint8_t* t = frame_.data() + transport_offset_;
    put16(t, src_port);
    put16(t + 2, dst_port);
    put16(t + 4, static_cast<uint16_t>(8 + payload.size()));
    if (!payload.empty()) {
        std::memcpy(t + 8, payload.data(), payload.size());
    }
    finish(ip_proto::kUdp);
    return frame_;
}

std::span<const uint8_t> PacketBuilder::icmp(const IpFields& ip, uint8_t type, uint8_t code, uint32_t rest,
                                             std::span<const uint8_t> body) {
    begin(ip, ip_proto::kIcmp, 8 + body.size());
    uint8_t* t = frame_.data() + transport_offset_;
    t[0] = type;
    t[1] = code;
    put32(t + 4, rest);
    if (!body.empty()) {
        std::memcpy(t + 8, body.data(), body.size());
    }
    finish(ip.src.isV4() ? ip_proto::kIcmp : ip_proto::kIcmpv6);
    return frame_;
}

std::span<const uint8_t> PacketBuilder::icmpError(const IpFields& ip, uint8_t type, uint8_t code,
                                                  std::span<const uint8_t> quoted) {
    return icmp(ip, type, code, 0, quoted);
}

std::vector<uint8_t> PacketBuilder::lastIpPacket() const {
    return {frame_.begin() + static_cast<std::ptrdiff_t>(ip_offset_), frame_.end()};
}

} // namespace kansoku::capture
