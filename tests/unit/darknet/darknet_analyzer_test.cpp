#include <algorithm>
#include <map>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "capture/pcap_source.h"
#include "capture/pcap_writer.h"
#include "darknet/capture_loop.h"
#include "darknet/darknet_analyzer.h"
#include "darknet/traffic_generator.h"
#include "temp_dir.h"
#include "test_packets.h"

namespace kansoku::darknet {
namespace {

using namespace testing;
namespace tcp_flag = capture::tcp_flag;

constexpr int kDltEthernet = 1;

size_t classIndex(PacketClass c) {
    return static_cast<size_t>(c);
}

DarknetAnalyzerOptions defaultOptions() {
    auto options = DarknetAnalyzerOptions::fromConfig(DarknetConfig{}, "local", {});
    if (!options) {
        throw std::runtime_error(options.error().message);
    }
    return *options;
}

/// Runs a capture file through an analyzer and finishes it.
DarknetTotals analyze(const std::string& path, DarknetAnalyzerOptions options, CollectingSink& sink) {
    auto source = capture::PcapSource::openFile(path);
    EXPECT_TRUE(source) << source.error().message;
    if (!source) {
        return {};
    }
    DarknetAnalyzer analyzer(std::move(options), sink);
    const auto end = runCaptureLoop(**source, analyzer, {});
    EXPECT_TRUE(end) << end.error().message;
    EXPECT_EQ(end.value_or(LoopEnd::Stopped), LoopEnd::EndOfInput);
    analyzer.finish();
    return analyzer.totals();
}

/// A small capture written frame by frame, with the class each frame must get.
class SmallCapture {
public:
    void add(Timestamp ts, std::span<const uint8_t> frame, PacketClass expected) {
        frames_.push_back({ts, {frame.begin(), frame.end()}});
        ++expected_[classIndex(expected)];
    }

    std::string write(const TempDir& dir) {
        std::stable_sort(frames_.begin(), frames_.end(), [](const Frame& a, const Frame& b) { return a.ts < b.ts; });
        const std::string path = dir.file("small.pcap");
        auto writer = capture::PcapWriter::create(path, kDltEthernet);
        EXPECT_TRUE(writer) << writer.error().message;
        for (const auto& f : frames_) {
            (*writer)->write(f.ts, f.bytes.data(), static_cast<uint32_t>(f.bytes.size()));
        }
        EXPECT_TRUE((*writer)->close());
        return path;
    }

    size_t size() const { return frames_.size(); }
    uint64_t expected(PacketClass c) const { return expected_[classIndex(c)]; }
    Timestamp first() const { return frames_.front().ts; }
    Timestamp last() const { return frames_.back().ts; }

private:
    struct Frame {
        Timestamp ts;
        std::vector<uint8_t> bytes;
    };
    std::vector<Frame> frames_;
    std::array<uint64_t, kPacketClassCount> expected_{};
};

/// Five minutes of mixed traffic into 203.0.113.0/24, with two malformed frames.
SmallCapture smallCapture() {
    SmallCapture capture;
    capture::PacketBuilder b;
    const auto scanner = ip("198.51.100.1");
    const auto victim = ip("192.0.2.10");
    for (uint32_t s = 0; s < 300; s += 5) {
        capture::TcpFields syn{40000, 23, s, 0, tcp_flag::kSyn, 1024};
        capture.add(kT0 + s * kSecond, b.tcp({scanner, darknetAddress(s), 64, 1}, syn), PacketClass::TcpSynProbe);
    }
    for (uint32_t s = 0; s < 300; s += 30) {
        capture.add(kT0 + s * kSecond + 1, b.udp({ip("198.51.100.2"), darknetAddress(s), 64, 1}, 5000, 53),
                    PacketClass::UdpProbe);
    }
    for (uint32_t i = 0; i < 5; ++i) {
        capture.add(kT0 + (7 + i * 50) * kSecond, b.icmp({ip("198.51.100.3"), darknetAddress(i), 64, 1}, 8, 0, i),
                    PacketClass::IcmpEcho);
    }
    for (uint32_t i = 0; i < 4; ++i) {
        capture::TcpFields syn_ack{80, 40000, 1, 2, tcp_flag::kSyn | tcp_flag::kAck, 1024};
        capture.add(kT0 + (11 + i * 40) * kSecond, b.tcp({victim, darknetAddress(100 + i), 64, 1}, syn_ack),
                    PacketClass::Backscatter);
    }
    capture::TcpFields ack{40001, 80, 5, 5, tcp_flag::kAck, 1024};
    capture.add(kT0 + 13 * kSecond, b.tcp({scanner, darknetAddress(3), 64, 1}, ack), PacketClass::Other);
    capture::TcpFields syn{40000, 80, 1, 0, tcp_flag::kSyn, 1024};
    capture.add(kT0 + 17 * kSecond, b.tcp({scanner, ip("192.0.2.99"), 64, 1}, syn), PacketClass::NotDarknet);
    capture.add(kT0 + 170 * kSecond, b.tcp({scanner, ip("192.0.2.98"), 64, 1}, syn), PacketClass::NotDarknet);
    std::vector<uint8_t> arp(42, 0);
    arp[12] = 0x08;
    arp[13] = 0x06;
    capture.add(kT0 + 19 * kSecond, arp, PacketClass::NotIp);
    // IPv4 header length of 4 words: no usable IP header.
    const auto frame = b.tcp({scanner, darknetAddress(4), 64, 1}, syn);
    std::vector<uint8_t> bad_ihl(frame.begin(), frame.end());
    bad_ihl[14] = 0x44;
    capture.add(kT0 + 130 * kSecond, bad_ihl, PacketClass::Undecodable);
    // A TCP header cut to 10 bytes: the IP header is fine, the transport is not read.
    std::vector<uint8_t> cut(frame.begin(), frame.begin() + 14 + 20 + 10);
    cut[14 + 3] = 30;
    capture.add(kT0 + 250 * kSecond, cut, PacketClass::Other);
    return capture;
}

TEST(DarknetAnalyzer, CountsEveryPacketByClass) {
    TempDir dir;
    auto capture = smallCapture();
    const std::string path = capture.write(dir);
    CollectingSink sink;
    const auto totals = analyze(path, defaultOptions(), sink);

    EXPECT_EQ(totals.packets, capture.size());
    for (size_t i = 0; i < kPacketClassCount; ++i) {
        const auto c = static_cast<PacketClass>(i);
        EXPECT_EQ(totals.by_class[i], capture.expected(c)) << packetClassName(c);
    }
    EXPECT_EQ(totals.decode.errors(), 2U);
    EXPECT_EQ(totals.decode.get(capture::DecodeAnomaly::BadIpv4HeaderLength), 1U);
    EXPECT_EQ(totals.decode.get(capture::DecodeAnomaly::TruncatedTcp), 1U);
    EXPECT_EQ(totals.first_ts, capture.first());
    EXPECT_EQ(totals.last_ts, capture.last());
    EXPECT_EQ(totals.evicted_state, 0U);
}

TEST(DarknetAnalyzer, FinishClosesEverything) {
    TempDir dir;
    auto capture = smallCapture();
    CollectingSink sink;
    const auto totals = analyze(capture.write(dir), defaultOptions(), sink);

    // One scan per probing source and protocol: TCP from .1, UDP from .2, ICMP from .3.
    const auto scans = ofType(sink.events, "darknet.scan");
    ASSERT_EQ(scans.size(), 3U);
    std::map<std::string, const Event*> by_src;
    for (const auto& e : scans) {
        by_src[e.fields["src"].get<std::string>()] = &e;
        EXPECT_EQ(e.fields["closed"], "end");
    }
    ASSERT_TRUE(by_src.contains("198.51.100.1"));
    EXPECT_EQ(by_src["198.51.100.1"]->fields["packets"], 60);
    EXPECT_EQ(by_src["198.51.100.1"]->fields["dst_count"], 60);
    EXPECT_EQ(by_src["198.51.100.2"]->fields["proto"], "udp");
    EXPECT_EQ(by_src["198.51.100.3"]->fields["proto"], "icmp");
    EXPECT_EQ(totals.scans, 3U);
    // Four SYN-ACKs are far below the attack thresholds.
    EXPECT_TRUE(ofType(sink.events, "ddos.attack").empty());
    EXPECT_EQ(totals.attacks, 0U);

    // Port statistics: every probe (SYN and UDP, not ICMP) is in exactly one row.
    uint64_t port_packets = 0;
    for (const auto& e : ofType(sink.events, "darknet.port_stats")) {
        port_packets += e.fields["packets"].get<uint64_t>();
    }
    EXPECT_EQ(port_packets, capture.expected(PacketClass::TcpSynProbe) + capture.expected(PacketClass::UdpProbe));
    EXPECT_EQ(totals.port_stats_rows, ofType(sink.events, "darknet.port_stats").size());

    ASSERT_FALSE(sink.events.empty());
    EXPECT_EQ(sink.events.back().type, "capture.stats");
    EXPECT_EQ(sink.events.back().fields["open_scans"], 0);
    EXPECT_EQ(sink.events.back().fields["open_victims"], 0);
}

TEST(DarknetAnalyzer, CaptureStatsPerIntervalSumToTotals) {
    TempDir dir;
    auto capture = smallCapture();
    const std::string path = capture.write(dir);
    for (const int64_t interval_s : {30, 60, 90}) {
        SCOPED_TRACE("stats_interval " + std::to_string(interval_s) + " s");
        CollectingSink sink;
        auto options = defaultOptions();
        options.stats_interval = interval_s * kSecond;
        options.sensor = "tokyo-1";
        const auto totals = analyze(path, options, sink);

        const auto stats = ofType(sink.events, "capture.stats");
        // Packet time spans 295 s with a packet at least every 5 s: one stats event per full
        // interval, then the final one from finish().
        ASSERT_EQ(stats.size(), static_cast<size_t>(295 / interval_s + 1));
        uint64_t received = 0;
        uint64_t dropped_decode = 0;
        std::array<uint64_t, kPacketClassCount> classes{};
        Timestamp previous = capture.first();
        for (size_t i = 0; i < stats.size(); ++i) {
            const auto& f = stats[i].fields;
            SCOPED_TRACE(stats[i].toJsonLine());
            EXPECT_EQ(stats[i].sensor, "tokyo-1");
            EXPECT_EQ(f["start"], formatRfc3339(previous));
            EXPECT_DOUBLE_EQ(f["interval"].get<double>(), static_cast<double>(stats[i].ts - previous) / kSecond);
            if (i + 1 < stats.size()) {
                // Emitted at the first packet once a stats interval of packet time has passed.
                EXPECT_GE(stats[i].ts - previous, options.stats_interval);
                EXPECT_LE(stats[i].ts - previous, options.stats_interval + 5 * kSecond);
            }
            previous = stats[i].ts;
            received += f["received"].get<uint64_t>();
            dropped_decode += f["dropped_decode"].get<uint64_t>();
            EXPECT_EQ(f["dropped_kernel"], 0);
            EXPECT_EQ(f["evicted_state"], 0);
            uint64_t classes_in_interval = 0;
            for (size_t c = 0; c < kPacketClassCount; ++c) {
                const auto n = f["classes"][std::string(packetClassName(static_cast<PacketClass>(c)))].get<uint64_t>();
                classes[c] += n;
                classes_in_interval += n;
            }
            // Every packet received in an interval is classified in the same interval.
            EXPECT_EQ(classes_in_interval, f["received"].get<uint64_t>());
        }
        EXPECT_EQ(stats.back().ts, capture.last());
        EXPECT_EQ(received, totals.packets);
        EXPECT_EQ(dropped_decode, totals.decode.errors());
        EXPECT_EQ(classes, totals.by_class);
    }
}

TEST(DarknetAnalyzer, NoInputNoEvents) {
    CollectingSink sink;
    DarknetAnalyzer analyzer(defaultOptions(), sink);
    analyzer.finish();
    EXPECT_TRUE(sink.events.empty());
    EXPECT_EQ(analyzer.totals().packets, 0U);
}

TEST(DarknetAnalyzer, QuietLiveSensorStillReportsStats) {
    // A live sensor that receives nothing must still say so, or "dead" and "quiet" look the same.
    CollectingSink sink;
    auto options = defaultOptions();
    DarknetAnalyzer analyzer(options, sink);
    analyzer.tick(kT0);
    EXPECT_TRUE(sink.events.empty());
    analyzer.tick(kT0 + options.stats_interval);
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].type, "capture.stats");
    EXPECT_EQ(sink.events[0].fields["received"], 0);
    EXPECT_EQ(sink.events[0].fields["interval"], static_cast<double>(options.stats_interval) / kSecond);
    analyzer.finish();
    EXPECT_EQ(sink.events.size(), 2U);
    EXPECT_EQ(analyzer.totals().packets, 0U);
}

/// The Demo scenario, analysed once for all the tests below.
class DemoScenario : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        const std::string path = dir_->file("demo.pcap");
        TrafficGeneratorOptions o;
        o.profile = TrafficProfile::Demo;
        const auto written = generateTraffic(path, o);
        ASSERT_TRUE(written) << written.error().message;
        generated_ = *written;
        sink_ = new CollectingSink;
        totals_ = analyze(path, defaultOptions(), *sink_);
    }
    static void TearDownTestSuite() {
        delete sink_;
        delete dir_;
        sink_ = nullptr;
        dir_ = nullptr;
    }

    static std::vector<Event> scansFrom(std::string_view src) {
        std::vector<Event> out;
        for (const auto& e : ofType(sink_->events, "darknet.scan")) {
            if (e.fields["src"] == src) {
                out.push_back(e);
            }
        }
        return out;
    }

    static inline TempDir* dir_ = nullptr;
    static inline CollectingSink* sink_ = nullptr;
    static inline DarknetTotals totals_;
    static inline TrafficGeneratorResult generated_;
};

TEST_F(DemoScenario, TotalsPerClass) {
    EXPECT_EQ(totals_.packets, generated_.packets);
    uint64_t sum = 0;
    for (const auto n : totals_.by_class) {
        sum += n;
    }
    EXPECT_EQ(sum, totals_.packets);
    EXPECT_EQ(totals_.by_class[classIndex(PacketClass::Backscatter)], 200U + 90U + 10U);
    EXPECT_EQ(totals_.by_class[classIndex(PacketClass::UdpProbe)], 30U);
    EXPECT_EQ(totals_.by_class[classIndex(PacketClass::IcmpEcho)], 50U);
    EXPECT_EQ(totals_.by_class[classIndex(PacketClass::NotDarknet)], 20U);
    EXPECT_EQ(totals_.by_class[classIndex(PacketClass::NotIp)], 1U);
    EXPECT_EQ(totals_.by_class[classIndex(PacketClass::Undecodable)], 1U);
    // The forged ICMP error, the ACK probe and the cut-short TCP header.
    EXPECT_EQ(totals_.by_class[classIndex(PacketClass::Other)], 3U);
    EXPECT_EQ(totals_.decode.errors(), 2U);

    // Every trusted SYN probe is in exactly one TCP scan record; the four untrusted ones (an
    // impossible source, TTL 250 without a fingerprint, port 0, SYN+URG) in none.
    EXPECT_EQ(totals_.untrusted, 4U);
    uint64_t tcp_scan_packets = 0;
    for (const auto& e : ofType(sink_->events, "darknet.scan")) {
        if (e.fields["proto"] == "tcp") {
            tcp_scan_packets += e.fields["packets"].get<uint64_t>();
        }
    }
    EXPECT_EQ(tcp_scan_packets, totals_.by_class[classIndex(PacketClass::TcpSynProbe)] - totals_.untrusted);
}

TEST_F(DemoScenario, MiraiBotsScanTelnetHorizontally) {
    for (uint32_t bot = 0; bot < 20; ++bot) {
        const std::string src = "198.51.100." + std::to_string(10 + bot);
        const auto scans = scansFrom(src);
        ASSERT_EQ(scans.size(), 1U) << src;
        const auto& f = scans[0].fields;
        EXPECT_EQ(f["proto"], "tcp") << src;
        EXPECT_EQ(f["scan_kind"], "horizontal") << src;
        for (const auto& port : f["dst_ports"]) {
            EXPECT_TRUE(port["port"] == 23 || port["port"] == 2323) << src << " " << f["dst_ports"].dump();
        }
        EXPECT_EQ(f["dst_ports"][0]["port"], 23) << src;
    }
    EXPECT_TRUE(scansFrom("198.51.100.30").empty());
}

TEST_F(DemoScenario, ZmapSweepsTheWholeSlash24) {
    const auto scans = scansFrom("198.51.100.50");
    ASSERT_EQ(scans.size(), 1U);
    const auto& f = scans[0].fields;
    EXPECT_EQ(f["dst_count"], 256);
    EXPECT_EQ(f["dst_count_exact"], true);
    EXPECT_EQ(f["packets"], 256);
    EXPECT_EQ(f["port_count"], 1);
    EXPECT_EQ(f["dst_ports"].dump(), R"([{"port":443,"packets":256}])");
    EXPECT_EQ(f["scan_kind"], "horizontal");
    EXPECT_EQ(f["ttl"], 255);
}

TEST_F(DemoScenario, NmapScansOneHostVertically) {
    const auto scans = scansFrom("198.51.100.70");
    ASSERT_EQ(scans.size(), 1U);
    const auto& f = scans[0].fields;
    EXPECT_EQ(f["scan_kind"], "vertical");
    EXPECT_EQ(f["port_count"], 100);
    EXPECT_EQ(f["dst_count"], 1);
    EXPECT_EQ(f["packets"], 100);
    // 100 ports once each: no port is reported with more than its one packet.
    for (const auto& port : f["dst_ports"]) {
        EXPECT_LE(port["packets"].get<int>(), 1) << f["dst_ports"].dump();
    }
}

TEST_F(DemoScenario, MasscanUdpIcmpAndIpv6Scanners) {
    const auto masscan = scansFrom("198.51.100.60");
    ASSERT_EQ(masscan.size(), 1U);
    EXPECT_EQ(masscan[0].fields["dst_count"], 64);
    EXPECT_EQ(masscan[0].fields["port_count"], 3);
    for (uint32_t s = 0; s < 5; ++s) {
        const auto udp = scansFrom("198.51.100." + std::to_string(80 + s));
        ASSERT_EQ(udp.size(), 1U) << s;
        EXPECT_EQ(udp[0].fields["proto"], "udp");
        EXPECT_EQ(udp[0].fields["packets"], 6);
    }
    const auto pinger = scansFrom("198.51.100.90");
    ASSERT_EQ(pinger.size(), 1U);
    EXPECT_EQ(pinger[0].fields["proto"], "icmp");
    EXPECT_EQ(pinger[0].fields["dst_count"], 50);
    const auto v6 = scansFrom("2001:db8:bad::1");
    ASSERT_EQ(v6.size(), 1U);
    EXPECT_EQ(v6[0].fields["dst_count"], 20);
    EXPECT_EQ(v6[0].fields["dst_ports"].dump(), R"([{"port":22,"packets":20}])");
    // Sources of "other" and out-of-darknet traffic have no scan record.
    EXPECT_TRUE(scansFrom("198.51.100.200").empty());
    EXPECT_TRUE(scansFrom("198.51.100.201").empty());
}

TEST_F(DemoScenario, TwoAttacksAndNotTheQuietVictim) {
    const auto attacks = ofType(sink_->events, "ddos.attack");
    ASSERT_EQ(attacks.size(), 2U);
    std::map<std::string, const Event*> by_victim;
    for (const auto& e : attacks) {
        by_victim[e.fields["victim"].get<std::string>()] = &e;
    }
    ASSERT_TRUE(by_victim.contains("192.0.2.10"));
    ASSERT_TRUE(by_victim.contains("192.0.2.20"));
    EXPECT_FALSE(by_victim.contains("192.0.2.30"));

    const auto& web = by_victim["192.0.2.10"]->fields;
    EXPECT_EQ(web["vector"], "syn_flood");
    EXPECT_EQ(web["packets"], 200);
    EXPECT_EQ(web["peak_ppm"], 40);
    EXPECT_EQ(web["ports"].dump(), R"([{"port":80,"packets":200}])");
    // 200 packets over 298.5 s on a /24: 200 / 298.5 * 2^24.
    EXPECT_EQ(web["est_pps"], std::llround(200.0 / 298.5 * 16777216.0));

    const auto& game = by_victim["192.0.2.20"]->fields;
    EXPECT_EQ(game["vector"], "udp_flood");
    EXPECT_EQ(game["packets"], 90);
    EXPECT_EQ(game["ports"].dump(), R"([{"port":27015,"packets":90}])");
    EXPECT_EQ(totals_.attacks, 2U);
}

TEST_F(DemoScenario, ExactlyTheExpectedActors) {
    std::set<std::string> sources;
    for (const auto& e : ofType(sink_->events, "darknet.scan")) {
        sources.insert(e.fields["src"].get<std::string>());
    }
    // 20 Mirai bots, zmap, masscan, nmap, 5 UDP probers, the pinger, the IPv6 scanner.
    EXPECT_EQ(sources.size(), 20U + 1 + 1 + 1 + 5 + 1 + 1);
    EXPECT_EQ(ofType(sink_->events, "darknet.scan").size(), sources.size());
}

TEST(DarknetAnalyzerOptions, FromConfig) {
    const auto o = DarknetAnalyzerOptions::fromConfig(DarknetConfig{}, "local", {});
    ASSERT_TRUE(o) << o.error().message;
    EXPECT_EQ(o->sensor, "local");
    EXPECT_EQ(o->darknet.prefixes().size(), 2U);
    EXPECT_EQ(o->backscatter.darknet_v4_size, 256.0);
    EXPECT_EQ(o->backscatter.min_packets, 25U);
    EXPECT_EQ(o->backscatter.min_duration, 60 * kSecond);
    EXPECT_EQ(o->backscatter.min_ppm, 30U);
    EXPECT_EQ(o->scan.idle_timeout, 600 * kSecond);
    EXPECT_EQ(o->stats_interval, 60 * kSecond);
    EXPECT_LE(o->scan.max_bytes + o->backscatter.max_bytes + o->port_stats.max_bytes, size_t{512} << 20);

    // Prefixes given on the command line replace the configured ones.
    const auto cli = DarknetAnalyzerOptions::fromConfig(DarknetConfig{}, "local", {"198.18.0.0/16"});
    ASSERT_TRUE(cli) << cli.error().message;
    EXPECT_EQ(cli->darknet.prefixes().size(), 1U);
    EXPECT_EQ(cli->backscatter.darknet_v4_size, 65536.0);
}

TEST(DarknetAnalyzerOptions, FromConfigErrors) {
    const auto bad = DarknetAnalyzerOptions::fromConfig(DarknetConfig{}, "local", {"203.0.113.1/24"});
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("203.0.113.1/24"), std::string::npos) << bad.error().message;
    EXPECT_NE(bad.error().message.find("did you mean 203.0.113.0/24?"), std::string::npos) << bad.error().message;

    const auto garbage = DarknetAnalyzerOptions::fromConfig(DarknetConfig{}, "local", {"darknet"});
    ASSERT_FALSE(garbage);
    EXPECT_NE(garbage.error().message.find("darknet"), std::string::npos);

    DarknetConfig none;
    none.prefixes.clear();
    const auto empty = DarknetAnalyzerOptions::fromConfig(none, "local", {});
    ASSERT_FALSE(empty);
    EXPECT_NE(empty.error().message.find("no darknet prefix"), std::string::npos) << empty.error().message;
}

namespace outbreak {

/// Four hours of steady background on five ports (a few sources an interval each), optionally
/// followed, after a quiet baseline, by a ramp of new sources on a port never seen before.
SmallCapture background(bool with_ramp) {
    SmallCapture capture;
    capture::PacketBuilder b;
    std::mt19937_64 rng(7);
    const std::array<uint16_t, 5> ports = {23, 22, 80, 443, 445};
    constexpr uint32_t kMinutes = 240;
    for (uint32_t minute = 0; minute < kMinutes; ++minute) {
        for (const uint16_t port : ports) {
            const uint32_t sources = 2 + static_cast<uint32_t>(rng() % 3);
            for (uint32_t s = 0; s < sources; ++s) {
                const auto src = IpAddress::fromV4(0x10000000U + static_cast<uint32_t>(rng() % 5000));
                capture::TcpFields syn{40000, port, static_cast<uint32_t>(rng()), 0, tcp_flag::kSyn, 5840};
                capture.add(kT0 + minute * 60 * kSecond + s * kSecond + port,
                            b.tcp({src, darknetAddress(static_cast<uint32_t>(rng())), 60, 1}, syn),
                            PacketClass::TcpSynProbe);
            }
        }
    }
    if (with_ramp) {
        // From minute 180: a new campaign on 37215 (Huawei HG532, a Satori target), doubling
        // its sources every ten minutes.
        for (uint32_t minute = 180; minute < kMinutes; ++minute) {
            const uint32_t sources = 4U << std::min<uint32_t>((minute - 180) / 10, 5);
            for (uint32_t s = 0; s < sources; ++s) {
                const auto src = IpAddress::fromV4(0x20000000U + minute * 1000 + s);
                capture::TcpFields syn{40000, 37215, static_cast<uint32_t>(rng()), 0, tcp_flag::kSyn, 5840};
                capture.add(kT0 + minute * 60 * kSecond + 30 * kSecond + s, b.tcp({src, darknetAddress(s), 60, 1}, syn),
                            PacketClass::TcpSynProbe);
            }
        }
    }
    return capture;
}

std::vector<Event> alerts(const CollectingSink& sink) {
    std::vector<Event> out;
    for (const auto& e : sink.events) {
        if (e.type == "alert") {
            out.push_back(e);
        }
    }
    return out;
}

TEST(DarknetAnalyzerOutbreak, SteadyBackgroundGivesNoAlert) {
    TempDir dir;
    auto capture = background(false);
    CollectingSink sink;
    analyze(capture.write(dir), defaultOptions(), sink);
    EXPECT_TRUE(alerts(sink).empty());
}

TEST(DarknetAnalyzerOutbreak, RampOnANewPortGivesOneAlert) {
    TempDir dir;
    auto capture = background(true);
    CollectingSink sink;
    analyze(capture.write(dir), defaultOptions(), sink);
    const auto found = alerts(sink);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].fields["kind"], "darknet.outbreak");
    EXPECT_EQ(found[0].fields["subject"], "tcp/37215");
    const auto& details = found[0].fields["details"];
    EXPECT_GT(details["source_minutes"].get<double>(), details["baseline_mean"].get<double>());
    // A /24 watched in 600 s intervals: 2^32 / (256 * 600) packets/s.
    EXPECT_NEAR(details["min_detectable_pps"].get<double>(), 4294967296.0 / (256 * 600), 1.0);
}

} // namespace outbreak

} // namespace
} // namespace kansoku::darknet
