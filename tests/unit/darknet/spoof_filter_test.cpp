// Sources that cannot be trusted never become scan records; each reason is checked alone.

#include <gtest/gtest.h>

#include "capture/packet_builder.h"
#include "common/event_sink.h"
#include "darknet/darknet_analyzer.h"
#include "darknet/spoof_filter.h"
#include "test_packets.h"

namespace kansoku::darknet {
namespace {

using capture::TcpFields;
using testing::ip;
namespace tcp_flag = capture::tcp_flag;

capture::DecodedPacket probe(const char* src, const char* dst, uint8_t ttl, uint16_t src_port, uint8_t flags) {
    capture::PacketBuilder builder;
    testing::Packets packets;
    const TcpFields tcp{src_port, 23, 7, 0, flags, 5840};
    return packets.decode(builder.tcp({ip(src), ip(dst), ttl, 1}, tcp), testing::kT0);
}

TEST(SpoofFilter, ImpossibleSources) {
    const IpAddress dst = ip("203.0.113.9");
    for (const char* src : {"0.1.2.3", "127.0.0.1", "224.0.0.5", "240.1.1.1", "255.255.255.255", "198.51.100.0",
                            "198.51.100.255", "203.0.113.9"}) {
        EXPECT_TRUE(isImpossibleSource(ip(src), dst)) << src;
    }
    for (const char* src : {"198.51.100.1", "1.1.1.1", "223.255.255.254"}) {
        EXPECT_FALSE(isImpossibleSource(ip(src), dst)) << src;
    }
    EXPECT_TRUE(isImpossibleSource(ip("ff02::1"), ip("2001:db8::1")));
    EXPECT_TRUE(isImpossibleSource(ip("::1"), ip("2001:db8::1")));
    EXPECT_FALSE(isImpossibleSource(ip("2001:db8:bad::1"), ip("2001:db8::1")));
}

TEST(SpoofFilter, EachReasonAlone) {
    EXPECT_EQ(probeSpoofFlags(probe("198.51.100.7", "203.0.113.9", 64, 40000, tcp_flag::kSyn), ScannerTool::Unknown),
              0);
    EXPECT_EQ(probeSpoofFlags(probe("127.0.0.2", "203.0.113.9", 64, 40000, tcp_flag::kSyn), ScannerTool::Unknown),
              spoof_flag::kImpossibleSource);
    EXPECT_EQ(probeSpoofFlags(probe("198.51.100.7", "203.0.113.9", 200, 40000, tcp_flag::kSyn), ScannerTool::Unknown),
              spoof_flag::kHighTtl);
    // TTL 255 is what ZMap and masscan send: a fingerprint makes a high TTL legitimate.
    EXPECT_EQ(probeSpoofFlags(probe("198.51.100.7", "203.0.113.9", 255, 40000, tcp_flag::kSyn), ScannerTool::Zmap), 0);
    EXPECT_EQ(probeSpoofFlags(probe("198.51.100.7", "203.0.113.9", 64, 0, tcp_flag::kSyn), ScannerTool::Unknown),
              spoof_flag::kPortZero);
    EXPECT_EQ(probeSpoofFlags(probe("198.51.100.7", "203.0.113.9", 64, 40000, tcp_flag::kSyn | tcp_flag::kUrg),
                              ScannerTool::Unknown),
              spoof_flag::kOddFlags);
}

TEST(SpoofFilter, UntrustedProbesMakeNoScanRecordAndAreCounted) {
    CollectingSink sink;
    DarknetAnalyzerOptions options;
    options.darknet = testing::prefixes({"203.0.113.0/24"});
    DarknetAnalyzer analyzer(options, sink);
    capture::PacketBuilder builder;
    const TcpFields syn{40000, 23, 7, 0, tcp_flag::kSyn, 5840};
    const auto good = builder.tcp({ip("198.51.100.7"), ip("203.0.113.9"), 64, 1}, syn);
    std::vector<uint8_t> good_frame(good.begin(), good.end());
    const auto spoofed = builder.tcp({ip("127.0.0.2"), ip("203.0.113.9"), 64, 1}, syn);
    std::vector<uint8_t> spoofed_frame(spoofed.begin(), spoofed.end());

    struct OneFile final : capture::PacketSource {
        capture::LinkType linkType() const override { return capture::LinkType::Ethernet; }
        Result<capture::DispatchStatus> dispatch(capture::PacketHandler&, int) override {
            return capture::DispatchStatus::End;
        }
        capture::SourceStats stats() override { return {}; }
        void stop() override {}
        const std::string& name() const override { return name_; }
        std::string name_ = "test";
    } source;
    analyzer.beginSource(source);
    analyzer.onPacket({good_frame.data(), static_cast<uint32_t>(good_frame.size()),
                       static_cast<uint32_t>(good_frame.size()), testing::kT0});
    analyzer.onPacket({spoofed_frame.data(), static_cast<uint32_t>(spoofed_frame.size()),
                       static_cast<uint32_t>(spoofed_frame.size()), testing::kT0 + 1});
    analyzer.finish();
    size_t scans = 0;
    for (const auto& e : sink.events) {
        if (e.type == "darknet.scan") {
            ++scans;
            EXPECT_EQ(e.fields["src"], "198.51.100.7");
        }
        if (e.type == "capture.stats") {
            EXPECT_EQ(e.fields["untrusted_probes"], 1);
            EXPECT_EQ(e.fields["untrusted_reasons"]["impossible_source"], 1);
        }
    }
    EXPECT_EQ(scans, 1U);
    EXPECT_EQ(analyzer.totals().untrusted, 1U);
}

} // namespace
} // namespace kansoku::darknet
