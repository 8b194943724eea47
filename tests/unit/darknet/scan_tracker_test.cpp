#include <algorithm>
#include <set>

#include <gtest/gtest.h>

#include "darknet/packet_classifier.h"
#include "darknet/scan_tracker.h"
#include "test_packets.h"

namespace kansoku::darknet {
namespace {

using namespace testing;
using capture::ip_proto::kIcmp;
using capture::ip_proto::kTcp;
using capture::ip_proto::kUdp;

const IpAddress kScanner = IpAddress::fromV4(0xC6336407U); // 198.51.100.7

/// The darknet the probes below go to: 203.0.113.0/24, 198.18.0.0/16 and 2001:db8:dead::/48.
const PacketClassifier& classifier() {
    static const PrefixSet darknet = prefixes({"203.0.113.0/24", "198.18.0.0/16", "2001:db8:dead::/48"});
    static const PacketClassifier classifier(darknet);
    return classifier;
}

/// Adds a probe with the destination key the classifier gives it, as the analyzer does.
void add(ScanTracker& tracker, const capture::DecodedPacket& p) {
    const Classification c = classifier().classify(p);
    ASSERT_TRUE(c.packet_class == PacketClass::TcpSynProbe || c.packet_class == PacketClass::UdpProbe ||
                c.packet_class == PacketClass::IcmpEcho)
        << p.dst.toString();
    tracker.add(p, c.dst_key);
}

/// Sends one probe to each of `hosts` darknet addresses x `ports` ports (1..ports), closes, and
/// returns the single scan event.
Event scanOf(uint32_t hosts, uint32_t ports, ScanTrackerOptions options = {}) {
    CollectingSink sink;
    ScanTracker tracker(options, sink);
    Timestamp ts = kT0;
    for (uint32_t h = 0; h < hosts; ++h) {
        for (uint32_t port = 1; port <= ports; ++port) {
            add(tracker, probe(kScanner, darknetAddress(h), kTcp, static_cast<uint16_t>(port), ts += 1000));
        }
    }
    tracker.closeAll();
    EXPECT_EQ(sink.events.size(), 1U);
    return sink.events.empty() ? Event{} : sink.events.front();
}

std::string kindOf(uint32_t hosts, uint32_t ports) {
    return scanOf(hosts, ports).fields["scan_kind"].get<std::string>();
}

TEST(ScanTracker, EmitsOneRecordWithItsFields) {
    CollectingSink sink;
    ScanTrackerOptions options;
    options.sensor = "tokyo-1";
    ScanTracker tracker(options, sink);
    add(tracker, probe(kScanner, darknetAddress(1), kTcp, 23, kT0, 50));
    add(tracker, probe(kScanner, darknetAddress(2), kTcp, 23, kT0 + 5 * kSecond, 48));
    add(tracker, probe(kScanner, darknetAddress(2), kTcp, 2323, kT0 + 9 * kSecond, 52));
    EXPECT_EQ(tracker.openRecords(), 1U);
    EXPECT_TRUE(sink.events.empty());
    tracker.closeAll();
    EXPECT_EQ(tracker.openRecords(), 0U);
    ASSERT_EQ(sink.events.size(), 1U);
    const Event& e = sink.events[0];
    EXPECT_EQ(e.type, "darknet.scan");
    EXPECT_EQ(e.sensor, "tokyo-1");
    EXPECT_EQ(e.ts, kT0 + 9 * kSecond);
    EXPECT_EQ(e.fields["src"], "198.51.100.7");
    EXPECT_EQ(e.fields["proto"], "tcp");
    EXPECT_EQ(e.fields["first_seen"], "2025-01-01T00:00:00.000000Z");
    EXPECT_EQ(e.fields["last_seen"], "2025-01-01T00:00:09.000000Z");
    EXPECT_EQ(e.fields["packets"], 3);
    EXPECT_EQ(e.fields["dst_count"], 2);
    EXPECT_EQ(e.fields["dst_count_exact"], true);
    EXPECT_EQ(e.fields["port_count"], 2);
    EXPECT_EQ(e.fields["dst_ports"].dump(), R"([{"port":23,"packets":2},{"port":2323,"packets":1}])");
    EXPECT_EQ(e.fields["scan_kind"], "horizontal");
    EXPECT_EQ(e.fields["ttl"], 50);
    EXPECT_EQ(e.fields["ttl_min"], 48);
    EXPECT_EQ(e.fields["ttl_max"], 52);
    EXPECT_EQ(e.fields["closed"], "end");
    EXPECT_EQ(tracker.emitted(), 1U);
}

TEST(ScanTracker, ScanKindThresholds) {
    // Defaults: many_ports = 5, many_hosts = 5, each counted "many" from the threshold itself.
    EXPECT_EQ(kindOf(1, 1), "horizontal");
    EXPECT_EQ(kindOf(4, 4), "horizontal");
    EXPECT_EQ(kindOf(5, 4), "horizontal");
    EXPECT_EQ(kindOf(6, 1), "horizontal");
    EXPECT_EQ(kindOf(1, 5), "vertical");
    EXPECT_EQ(kindOf(4, 5), "vertical");
    EXPECT_EQ(kindOf(4, 6), "vertical");
    EXPECT_EQ(kindOf(5, 5), "block");
    EXPECT_EQ(kindOf(6, 6), "block");
}

TEST(ScanTracker, ScanKindFollowsConfiguredThresholds) {
    ScanTrackerOptions options;
    options.many_ports = 10;
    options.many_hosts = 100;
    EXPECT_EQ(scanOf(99, 9, options).fields["scan_kind"], "horizontal");
    EXPECT_EQ(scanOf(99, 10, options).fields["scan_kind"], "vertical");
    EXPECT_EQ(scanOf(100, 9, options).fields["scan_kind"], "horizontal");
    EXPECT_EQ(scanOf(100, 10, options).fields["scan_kind"], "block");
}

TEST(ScanTracker, ClassifyRecordDirectly) {
    CollectingSink sink;
    ScanTracker tracker({}, sink);
    ScanRecord r;
    for (uint16_t port = 1; port <= 4; ++port) {
        r.ports.insert(port);
    }
    for (uint32_t h = 0; h < 4; ++h) {
        r.destinations.insert(h, DistinctPolicy{});
    }
    EXPECT_EQ(tracker.classify(r), ScanKind::Horizontal);
    r.ports.insert(5);
    EXPECT_EQ(tracker.classify(r), ScanKind::Vertical);
    r.destinations.insert(4, DistinctPolicy{});
    EXPECT_EQ(tracker.classify(r), ScanKind::Block);
    EXPECT_STREQ(scanKindName(ScanKind::Block), "block");
}

TEST(ScanTracker, IdleCloseIsStrictlyAfterTheTimeout) {
    CollectingSink sink;
    ScanTrackerOptions options;
    options.idle_timeout = 600 * kSecond;
    ScanTracker tracker(options, sink);
    const Timestamp last = kT0 + 30 * kSecond;
    add(tracker, probe(kScanner, darknetAddress(1), kTcp, 23, kT0));
    add(tracker, probe(kScanner, darknetAddress(2), kTcp, 23, last));

    tracker.expire(last + options.idle_timeout - 1);
    tracker.expire(last + options.idle_timeout); // exactly the timeout: still open
    EXPECT_EQ(tracker.openRecords(), 1U);
    EXPECT_TRUE(sink.events.empty());

    tracker.expire(last + options.idle_timeout + 1);
    EXPECT_EQ(tracker.openRecords(), 0U);
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["closed"], "idle");
    EXPECT_EQ(sink.events[0].fields["packets"], 2);
    EXPECT_EQ(sink.events[0].ts, last);
}

TEST(ScanTracker, NewPacketsAfterIdleCloseStartANewRecord) {
    CollectingSink sink;
    ScanTrackerOptions options;
    options.idle_timeout = 60 * kSecond;
    ScanTracker tracker(options, sink);
    add(tracker, probe(kScanner, darknetAddress(1), kTcp, 23, kT0));
    tracker.expire(kT0 + 61 * kSecond);
    add(tracker, probe(kScanner, darknetAddress(1), kTcp, 23, kT0 + 100 * kSecond));
    tracker.closeAll();
    ASSERT_EQ(sink.events.size(), 2U);
    EXPECT_EQ(sink.events[0].fields["closed"], "idle");
    EXPECT_EQ(sink.events[1].fields["closed"], "end");
    EXPECT_EQ(sink.events[1].fields["first_seen"], formatRfc3339(kT0 + 100 * kSecond));
}

TEST(ScanTracker, CloseAllEmitsEveryRecordInFirstSeenOrder) {
    CollectingSink sink;
    ScanTracker tracker({}, sink);
    for (uint32_t i = 0; i < 50; ++i) {
        // Later sources first-seen earlier: output order must follow first_seen, not insertion or hash order.
        add(tracker, probe(IpAddress::fromV4(0xC6336400U + i), darknetAddress(i), kTcp, 23, kT0 + (50 - i) * kSecond));
    }
    tracker.closeAll();
    ASSERT_EQ(sink.events.size(), 50U);
    for (uint32_t i = 0; i < 50; ++i) {
        EXPECT_EQ(sink.events[i].fields["src"], IpAddress::fromV4(0xC6336400U + 49 - i).toString());
        EXPECT_EQ(sink.events[i].fields["closed"], "end");
    }
    EXPECT_EQ(tracker.openRecords(), 0U);
}

TEST(ScanTracker, MinPacketsSuppressesSmallRecords) {
    CollectingSink sink;
    ScanTrackerOptions options;
    options.min_packets = 3;
    ScanTracker tracker(options, sink);
    const IpAddress quiet = ip("198.51.100.8");
    add(tracker, probe(quiet, darknetAddress(1), kTcp, 23, kT0));
    add(tracker, probe(quiet, darknetAddress(2), kTcp, 23, kT0 + 1));
    for (int i = 0; i < 3; ++i) {
        add(tracker, probe(kScanner, darknetAddress(i), kTcp, 23, kT0 + i));
    }
    tracker.closeAll();
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["src"], "198.51.100.7");
    EXPECT_EQ(tracker.belowMinPackets(), 1U);
    EXPECT_EQ(tracker.emitted(), 1U);
}

TEST(ScanTracker, TopPortsAreExactUpToEightPorts) {
    CollectingSink sink;
    ScanTracker tracker({}, sink);
    // Port 1000 + k gets k packets, k = 1..8, interleaved.
    Timestamp ts = kT0;
    for (uint32_t round = 1; round <= 8; ++round) {
        for (uint32_t k = round; k <= 8; ++k) {
            add(tracker, probe(kScanner, darknetAddress(round), kTcp, static_cast<uint16_t>(1000 + k), ts += 1000));
        }
    }
    tracker.closeAll();
    ASSERT_EQ(sink.events.size(), 1U);
    const auto& ports = sink.events[0].fields["dst_ports"];
    ASSERT_EQ(ports.size(), 8U);
    for (uint32_t i = 0; i < 8; ++i) {
        EXPECT_EQ(ports[i]["port"], 1008 - i) << ports.dump();
        EXPECT_EQ(ports[i]["packets"], 8 - i) << ports.dump();
    }
    EXPECT_EQ(sink.events[0].fields["packets"], 36);
    EXPECT_EQ(sink.events[0].fields["port_count"], 8);
}

TEST(ScanTracker, TopPortsListIsCutToTheConfiguredLength) {
    ScanTrackerOptions options;
    options.top_ports = 3;
    const Event e = scanOf(1, 6, options);
    ASSERT_EQ(e.fields["dst_ports"].size(), 3U);
    EXPECT_EQ(e.fields["port_count"], 6);
    // Ties are listed by lower port first.
    EXPECT_EQ(e.fields["dst_ports"][0]["port"], 1);
    EXPECT_EQ(e.fields["dst_ports"][2]["port"], 3);
}

TEST(ScanTracker, DstCountIsExactUpToTheExactLimit) {
    CollectingSink sink;
    ScanTracker tracker({}, sink);
    const uint32_t kHosts = DistinctPolicy{}.exact_limit;
    for (uint32_t h = 0; h < kHosts; ++h) {
        const auto dst = IpAddress::fromV4(0xC6120000U + h); // 198.18.0.0/16
        add(tracker, probe(kScanner, dst, kTcp, 443, kT0 + h));
        add(tracker, probe(kScanner, dst, kTcp, 443, kT0 + h)); // repeats do not count
    }
    tracker.closeAll();
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["dst_count"], kHosts);
    EXPECT_EQ(sink.events[0].fields["dst_count_exact"], true);
    EXPECT_EQ(sink.events[0].fields["packets"], 2 * kHosts);
}

TEST(ScanTracker, DstCountIsApproximatePastTheExactLimit) {
    for (const uint32_t hosts : {DistinctPolicy{}.exact_limit + 1, 20'000U, 65'536U}) {
        CollectingSink sink;
        ScanTracker tracker({}, sink);
        for (uint32_t h = 0; h < hosts; ++h) {
            add(tracker, probe(kScanner, IpAddress::fromV4(0xC6120000U + h), kTcp, 443, kT0 + h));
        }
        tracker.closeAll();
        ASSERT_EQ(sink.events.size(), 1U);
        const auto dst_count = sink.events[0].fields["dst_count"].get<uint64_t>();
        EXPECT_EQ(sink.events[0].fields["dst_count_exact"], false) << hosts;
        EXPECT_NEAR(static_cast<double>(dst_count), hosts, hosts * 0.05) << hosts;
    }
}

TEST(ScanTracker, DstCountStaysExactWithinAKnownDarknet) {
    // With the darknet's size known, destinations are indexes into it and counted exactly however many.
    ScanTrackerOptions options;
    options.darknet_v4_size = 256 + 65536;
    CollectingSink sink;
    ScanTracker tracker(options, sink);
    for (uint32_t h = 0; h < 65536; ++h) {
        add(tracker, probe(kScanner, IpAddress::fromV4(0xC6120000U + h), kTcp, 443, kT0 + h));
    }
    for (uint32_t h = 0; h < 256; ++h) {
        add(tracker, probe(kScanner, darknetAddress(h), kTcp, 443, kT0 + 65536 + h));
    }
    tracker.closeAll();
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["dst_count"], 65536 + 256);
    EXPECT_EQ(sink.events[0].fields["dst_count_exact"], true);
}

TEST(ScanTracker, SlashTwentyFourSweepNeedsNoHeap) {
    ScanTrackerOptions options;
    options.darknet_v4_size = 256;
    CollectingSink sink;
    ScanTracker tracker(options, sink);
    add(tracker, probe(kScanner, darknetAddress(0), kTcp, 443, kT0));
    const size_t one = tracker.bytes();
    for (uint32_t h = 1; h < 256; ++h) {
        add(tracker, probe(kScanner, darknetAddress(h), kTcp, 443, kT0 + h));
    }
    EXPECT_EQ(tracker.bytes(), one);
    tracker.closeAll();
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["dst_count"], 256);
}

TEST(ScanTracker, SeparateRecordsPerProtocol) {
    CollectingSink sink;
    ScanTracker tracker({}, sink);
    add(tracker, probe(kScanner, darknetAddress(1), kTcp, 23, kT0));
    add(tracker, probe(kScanner, darknetAddress(1), kUdp, 53, kT0 + 1));
    add(tracker, probe(kScanner, darknetAddress(2), kUdp, 123, kT0 + 2));
    add(tracker, probe(kScanner, darknetAddress(3), kIcmp, 0, kT0 + 3));
    EXPECT_EQ(tracker.openRecords(), 3U);
    tracker.closeAll();
    ASSERT_EQ(sink.events.size(), 3U);
    EXPECT_EQ(sink.events[0].fields["proto"], "tcp");
    EXPECT_EQ(sink.events[0].fields["packets"], 1);
    EXPECT_EQ(sink.events[1].fields["proto"], "udp");
    EXPECT_EQ(sink.events[1].fields["packets"], 2);
    EXPECT_EQ(sink.events[1].fields["port_count"], 2);
    EXPECT_EQ(sink.events[2].fields["proto"], "icmp");
    EXPECT_EQ(sink.events[2].fields["port_count"], 0); // ICMP has no ports
    EXPECT_EQ(sink.events[2].fields["dst_ports"].size(), 0U);
}

TEST(ScanTracker, Ipv6Sources) {
    CollectingSink sink;
    ScanTracker tracker({}, sink);
    const IpAddress src = ip("2001:db8:bad::1");
    for (uint32_t i = 0; i < 20; ++i) {
        auto dst = ip("2001:db8:dead::").bytes();
        dst[15] = static_cast<uint8_t>(i);
        add(tracker, probe(src, IpAddress::fromV6(dst.data()), kTcp, 22, kT0 + i));
    }
    tracker.closeAll();
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["src"], "2001:db8:bad::1");
    EXPECT_EQ(sink.events[0].fields["dst_count"], 20);
}

IpAddress source(uint32_t i) {
    return IpAddress::fromV4(0x10000000U + i); // 16.0.0.0 upwards
}

TEST(ScanTracker, EvictsTheOldestByLastSeenWhenOverBudget) {
    ScanTrackerOptions options;
    options.max_bytes = 64 * 1024;
    CollectingSink sink;
    ScanTracker tracker(options, sink);
    // Source 0 is first seen first but stays active; sources 1, 2, ... each send one probe.
    uint32_t i = 1;
    for (; i < 100'000 && tracker.evicted() == 0; ++i) {
        add(tracker, probe(source(i), darknetAddress(i), kTcp, 23, kT0 + i * kSecond));
        add(tracker, probe(source(0), darknetAddress(i), kTcp, 23, kT0 + i * kSecond + 1));
        ASSERT_LE(tracker.bytes(), options.max_bytes) << i;
    }
    ASSERT_GT(tracker.evicted(), 0U) << "a 64 KiB budget never filled";
    ASSERT_EQ(sink.events.size(), tracker.evicted());
    // The evicted are the least recently seen: sources 1, 2, ... in order, each closed "evicted".
    for (size_t k = 0; k < sink.events.size(); ++k) {
        EXPECT_EQ(sink.events[k].fields["src"], source(static_cast<uint32_t>(k + 1)).toString());
        EXPECT_EQ(sink.events[k].fields["closed"], "evicted");
    }
    const size_t open = tracker.openRecords();
    EXPECT_EQ(open + tracker.evicted(), i); // sources 0 .. i-1, each evicted or open

    // Closing the rest: source 0 is among them, none marked "evicted".
    tracker.closeAll();
    std::set<std::string> ended;
    for (size_t k = tracker.evicted(); k < sink.events.size(); ++k) {
        EXPECT_EQ(sink.events[k].fields["closed"], "end");
        ended.insert(sink.events[k].fields["src"].get<std::string>());
    }
    EXPECT_TRUE(ended.contains(source(0).toString()));
    EXPECT_EQ(ended.size(), open);
}

TEST(ScanTracker, MemoryStaysBoundedUnderManySources) {
    ScanTrackerOptions options;
    options.max_bytes = 64 * 1024;
    CollectingSink sink;
    ScanTracker tracker(options, sink);
    constexpr uint32_t kSources = 20'000;
    size_t max_seen = 0;
    for (uint32_t i = 0; i < kSources; ++i) {
        add(tracker, probe(source(i), darknetAddress(i), kTcp, 23, kT0 + i * 1000));
        max_seen = std::max(max_seen, tracker.bytes());
    }
    EXPECT_LE(max_seen, options.max_bytes);
    EXPECT_GT(tracker.evicted(), 0U);
    EXPECT_EQ(sink.events.size(), tracker.evicted());
    // Every source is accounted for exactly once: evicted or still open.
    tracker.closeAll();
    EXPECT_EQ(sink.events.size(), kSources);
    uint64_t evicted = 0;
    Timestamp previous_last_seen = 0;
    for (const auto& e : sink.events) {
        if (e.fields["closed"] == "evicted") {
            ++evicted;
        }
        // Sources are single-packet and arrive in time order, so eviction in last_seen order
        // emits them in time order too.
        EXPECT_GE(e.ts, previous_last_seen);
        previous_last_seen = e.ts;
    }
    EXPECT_EQ(evicted, tracker.evicted());
}

TEST(ScanTracker, HeapOfVerticalScansCountsTowardsTheBudget) {
    CollectingSink sink;
    ScanTrackerOptions options;
    ScanTracker tracker(options, sink);
    add(tracker, probe(kScanner, darknetAddress(1), kTcp, 1, kT0));
    const size_t before = tracker.bytes();
    for (uint16_t port = 2; port <= 100; ++port) {
        add(tracker, probe(kScanner, darknetAddress(1), kTcp, port, kT0 + port));
    }
    // A port bitmap (8 KiB) is now held by the record, and released when it closes.
    const size_t with_bitmap = tracker.bytes();
    EXPECT_GE(with_bitmap, before + 8192);
    tracker.closeAll();
    EXPECT_LE(tracker.bytes(), with_bitmap - 8192);
}

} // namespace
} // namespace kansoku::darknet
