#include "darknet/scanner_fingerprint.h"

namespace kansoku::darknet {
namespace {

constexpr uint16_t kZmapIpId = 54321;

bool isMirai(const capture::DecodedPacket& p) {
    return p.dst.isV4() && p.seq == p.dst.v4();
}

bool isMasscan(const capture::DecodedPacket& p) {
    if (!p.dst.isV4() || p.window != 1024) {
        return false;
    }
    const uint32_t expected = p.dst.v4() ^ p.dst_port ^ p.seq;
    return p.ip_id == static_cast<uint16_t>(expected);
}

bool isZmap(const capture::DecodedPacket& p) {
    return p.ip_version == 4 && p.ip_id == kZmapIpId && p.window == 65535 && p.tcp_options_length == 0;
}

bool isNmap(const capture::DecodedPacket& p) {
    const bool nmap_window = p.window == 1024 || p.window == 2048 || p.window == 3072 || p.window == 4096;
    return nmap_window && p.tcp_options_length == 4 && p.tcp_option_count == 1 && p.mss != 0;
}

} // namespace

std::string_view scannerToolName(ScannerTool tool) {
    switch (tool) {
    case ScannerTool::Unknown:
        return "unknown";
    case ScannerTool::Mirai:
        return "mirai";
    case ScannerTool::Zmap:
        return "zmap";
    case ScannerTool::Masscan:
        return "masscan";
    case ScannerTool::Nmap:
        return "nmap";
    case ScannerTool::Count_:
        break;
    }
    return "invalid";
}

ScannerTool fingerprintSyn(const capture::DecodedPacket& p) {
    if (isMirai(p)) {
        return ScannerTool::Mirai;
    }
    if (isMasscan(p)) {
        return ScannerTool::Masscan;
    }
    if (isZmap(p)) {
        return ScannerTool::Zmap;
    }
    if (isNmap(p)) {
        return ScannerTool::Nmap;
    }
    return ScannerTool::Unknown;
}

} // namespace kansoku::darknet
