// Fingerprint rules on frames built the way each tool builds its probes, and near-misses that
// must stay `unknown`.

#include <gtest/gtest.h>

#include "capture/packet_builder.h"
#include "darknet/scanner_fingerprint.h"
#include "test_packets.h"

namespace kansoku::darknet {
namespace {

using capture::PacketBuilder;
using capture::TcpFields;
using testing::ip;
using testing::Packets;
namespace tcp_flag = capture::tcp_flag;

class ScannerFingerprintTest : public ::testing::Test {
protected:
    ScannerTool label(const IpAddress& dst, uint16_t dst_port, uint32_t seq, uint16_t window, uint16_t mss,
                      uint16_t ip_id, uint8_t ttl = 64) {
        const TcpFields tcp{40000, dst_port, seq, 0, tcp_flag::kSyn, window, mss};
        const auto p = packets_.decode(builder_.tcp({src_, dst, ttl, ip_id}, tcp), testing::kT0);
        EXPECT_TRUE(p.isTcp());
        return fingerprintSyn(p);
    }

    PacketBuilder builder_;
    Packets packets_;
    IpAddress src_ = ip("198.51.100.7");
    IpAddress dst_ = ip("203.0.113.77");
};

TEST_F(ScannerFingerprintTest, MiraiSequenceIsTheDestination) {
    EXPECT_EQ(label(dst_, 23, dst_.v4(), 12345, 0, 999), ScannerTool::Mirai);
    EXPECT_EQ(label(dst_, 2323, dst_.v4(), 0, 0, 1), ScannerTool::Mirai);
    EXPECT_EQ(label(dst_, 23, dst_.v4() + 1, 12345, 0, 999), ScannerTool::Unknown);
}

TEST_F(ScannerFingerprintTest, MasscanIpIdIsDestinationXorPortXorSequence) {
    for (const uint32_t seq : {0U, 0xdeadbeefU, 0x12345678U}) {
        const auto ip_id = static_cast<uint16_t>(dst_.v4() ^ 443U ^ seq);
        EXPECT_EQ(label(dst_, 443, seq, 1024, 0, ip_id, 255), ScannerTool::Masscan) << seq;
        // masscan since late 2023 may add an MSS option: still masscan.
        EXPECT_EQ(label(dst_, 443, seq, 1024, 1460, ip_id, 255), ScannerTool::Masscan) << seq;
        EXPECT_EQ(label(dst_, 443, seq, 1024, 0, static_cast<uint16_t>(ip_id + 1), 255), ScannerTool::Unknown);
        EXPECT_EQ(label(dst_, 443, seq, 65535, 0, ip_id, 255), ScannerTool::Unknown) << "window must be 1024";
    }
}

TEST_F(ScannerFingerprintTest, ZmapBefore41) {
    EXPECT_EQ(label(dst_, 443, 0x11111111, 65535, 0, 54321, 255), ScannerTool::Zmap);
    EXPECT_EQ(label(dst_, 443, 0x11111111, 65535, 0, 54321, 40), ScannerTool::Zmap) << "TTL drops on the way";
    EXPECT_EQ(label(dst_, 443, 0x11111111, 65535, 1460, 54321, 255), ScannerTool::Unknown) << "zmap sets no options";
    EXPECT_EQ(label(dst_, 443, 0x11111111, 65534, 0, 54321, 255), ScannerTool::Unknown);
    EXPECT_EQ(label(dst_, 443, 0x11111111, 65535, 0, 54320, 255), ScannerTool::Unknown) << "zmap >= 4.1";
}

TEST_F(ScannerFingerprintTest, NmapSynScanWindowsWithOneMssOption) {
    for (const uint16_t window : {1024, 2048, 3072, 4096}) {
        EXPECT_EQ(label(dst_, 80, 0x5555aaaa, window, 1460, 4242), ScannerTool::Nmap) << window;
    }
    EXPECT_EQ(label(dst_, 80, 0x5555aaaa, 1024, 0, 4242), ScannerTool::Unknown) << "no MSS option";
    EXPECT_EQ(label(dst_, 80, 0x5555aaaa, 29200, 1460, 4242), ScannerTool::Unknown) << "an OS connect()";
}

TEST_F(ScannerFingerprintTest, OrdinaryClientSynIsUnknown) {
    // Linux connect(): window 64240 with MSS, SACK, timestamps and window scale.
    EXPECT_EQ(label(dst_, 22, 0x0badf00d, 64240, 1460, 777), ScannerTool::Unknown);
}

TEST(ScannerToolName, EveryValueNamed) {
    for (size_t i = 0; i < kScannerToolCount; ++i) {
        EXPECT_NE(scannerToolName(static_cast<ScannerTool>(i)), "invalid");
    }
}

} // namespace
} // namespace kansoku::darknet
