#include "darknet/spoof_filter.h"

namespace kansoku::darknet {
namespace {

constexpr uint8_t kHighTtlThreshold = 200;

bool impossibleV4(uint32_t a) {
    const uint32_t first = a >> 24;
    const uint32_t last = a & 0xffU;
    return first == 0 ||             // "this network" (RFC 1122)
           first == 127 ||           // loopback
           first >= 224 ||           // multicast 224/4, reserved 240/4, broadcast
           last == 0 || last == 255; // network / broadcast addresses of /24s: not hosts that scan
}

bool impossibleV6(const IpAddress& a) {
    const auto& b = a.bytes();
    if (b[0] == 0xff) {
        return true; // multicast
    }
    bool all_zero_but_last = true;
    for (int i = 0; i < 15; ++i) {
        all_zero_but_last = all_zero_but_last && b[i] == 0;
    }
    return all_zero_but_last && b[15] <= 1; // :: and ::1
}

} // namespace

std::string_view spoofFlagName(int bit) {
    switch (1 << bit) {
    case spoof_flag::kImpossibleSource:
        return "impossible_source";
    case spoof_flag::kHighTtl:
        return "high_ttl";
    case spoof_flag::kPortZero:
        return "port_zero";
    case spoof_flag::kOddFlags:
        return "odd_flags";
    default:
        return "invalid";
    }
}

bool isImpossibleSource(const IpAddress& src, const IpAddress& dst) {
    if (src == dst) {
        return true;
    }
    return src.isV4() ? impossibleV4(src.v4()) : impossibleV6(src);
}

uint8_t probeSpoofFlags(const capture::DecodedPacket& p, ScannerTool tool) {
    uint8_t flags = 0;
    if (isImpossibleSource(p.src, p.dst)) {
        flags |= spoof_flag::kImpossibleSource;
    }
    if (p.ttl >= kHighTtlThreshold && tool == ScannerTool::Unknown) {
        flags |= spoof_flag::kHighTtl;
    }
    if ((p.isTcp() || p.isUdp()) && (p.src_port == 0 || p.dst_port == 0)) {
        flags |= spoof_flag::kPortZero;
    }
    if (p.isTcp() && (p.tcp_flags & (capture::tcp_flag::kUrg | capture::tcp_flag::kPsh)) != 0) {
        flags |= spoof_flag::kOddFlags;
    }
    return flags;
}

} // namespace kansoku::darknet
