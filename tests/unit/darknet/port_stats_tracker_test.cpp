#include <gtest/gtest.h>

#include "darknet/port_stats_tracker.h"
#include "test_packets.h"

namespace kansoku::darknet {
namespace {

using namespace testing;
using capture::ip_proto::kTcp;
using capture::ip_proto::kUdp;

IpAddress source(uint32_t i) {
    return IpAddress::fromV4(0xC6336400U + i); // 198.51.100.0 upwards
}

TEST(PortStatsTracker, RowsPerMinutePerProtocolAndPort) {
    CollectingSink sink;
    PortStatsTrackerOptions options;
    options.sensor = "tokyo-1";
    PortStatsTracker tracker(options, sink);
    // Minute 0: tcp/23 from 3 sources (5 packets), tcp/80 from 1, udp/23 from 1.
    tracker.add(probe(source(1), darknetAddress(1), kTcp, 23, kT0 + 1 * kSecond));
    tracker.add(probe(source(2), darknetAddress(2), kTcp, 23, kT0 + 2 * kSecond));
    tracker.add(probe(source(3), darknetAddress(3), kTcp, 23, kT0 + 3 * kSecond));
    tracker.add(probe(source(1), darknetAddress(4), kTcp, 23, kT0 + 4 * kSecond));
    tracker.add(probe(source(2), darknetAddress(5), kTcp, 23, kT0 + 59 * kSecond));
    tracker.add(probe(source(1), darknetAddress(1), kUdp, 23, kT0 + 5 * kSecond));
    tracker.add(probe(source(4), darknetAddress(1), kTcp, 80, kT0 + 6 * kSecond));
    EXPECT_TRUE(sink.events.empty());

    // The first packet of minute 1 closes minute 0.
    tracker.add(probe(source(5), darknetAddress(1), kTcp, 443, kT0 + 60 * kSecond));
    ASSERT_EQ(sink.events.size(), 3U);
    const auto& tcp23 = sink.events[0];
    EXPECT_EQ(tcp23.type, "darknet.port_stats");
    EXPECT_EQ(tcp23.sensor, "tokyo-1");
    EXPECT_EQ(tcp23.ts, kT0);
    EXPECT_EQ(tcp23.fields.dump(),
              R"({"proto":"tcp","port":23,"minute":"2025-01-01T00:00:00.000000Z","packets":5,"sources":3})");
    EXPECT_EQ(sink.events[1].fields["proto"], "tcp");
    EXPECT_EQ(sink.events[1].fields["port"], 80);
    EXPECT_EQ(sink.events[1].fields["packets"], 1);
    EXPECT_EQ(sink.events[1].fields["sources"], 1);
    EXPECT_EQ(sink.events[2].fields["proto"], "udp");
    EXPECT_EQ(sink.events[2].fields["port"], 23);
    EXPECT_EQ(tracker.rowsEmitted(), 3U);

    // flush() emits the last minute.
    tracker.flush();
    ASSERT_EQ(sink.events.size(), 4U);
    EXPECT_EQ(sink.events[3].fields["port"], 443);
    EXPECT_EQ(sink.events[3].fields["minute"], "2025-01-01T00:01:00.000000Z");
    tracker.flush(); // nothing left
    EXPECT_EQ(sink.events.size(), 4U);
}

TEST(PortStatsTracker, SkippedMinutesEmitNothing) {
    CollectingSink sink;
    PortStatsTracker tracker({}, sink);
    tracker.add(probe(source(1), darknetAddress(1), kTcp, 23, kT0));
    tracker.add(probe(source(1), darknetAddress(1), kTcp, 23, kT0 + 600 * kSecond));
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].ts, kT0);
    tracker.flush();
    ASSERT_EQ(sink.events.size(), 2U);
    EXPECT_EQ(sink.events[1].ts, kT0 + 600 * kSecond);
}

TEST(PortStatsTracker, AdvanceEmitsOnceTheMinuteIsOver) {
    CollectingSink sink;
    PortStatsTracker tracker({}, sink);
    tracker.add(probe(source(1), darknetAddress(1), kTcp, 23, kT0 + 10 * kSecond));
    tracker.advance(kT0 + 60 * kSecond - 1);
    EXPECT_TRUE(sink.events.empty());
    tracker.advance(kT0 + 60 * kSecond);
    ASSERT_EQ(sink.events.size(), 1U);
    tracker.advance(kT0 + 120 * kSecond);
    tracker.flush();
    EXPECT_EQ(sink.events.size(), 1U);
}

TEST(PortStatsTracker, LatePacketIsCountedInTheCurrentMinute) {
    CollectingSink sink;
    PortStatsTracker tracker({}, sink);
    tracker.add(probe(source(1), darknetAddress(1), kTcp, 23, kT0 + 10 * kSecond));
    tracker.add(probe(source(2), darknetAddress(1), kTcp, 23, kT0 + 61 * kSecond));
    ASSERT_EQ(sink.events.size(), 1U);
    tracker.add(probe(source(3), darknetAddress(1), kTcp, 23, kT0 + 59 * kSecond)); // late by 2 s
    EXPECT_EQ(tracker.latePackets(), 1U);
    tracker.flush();
    ASSERT_EQ(sink.events.size(), 2U);
    EXPECT_EQ(sink.events[0].fields["packets"], 1);
    EXPECT_EQ(sink.events[1].fields["minute"], "2025-01-01T00:01:00.000000Z");
    EXPECT_EQ(sink.events[1].fields["packets"], 2);
    EXPECT_EQ(sink.events[1].fields["sources"], 2);
}

uint64_t sourcesAfter(uint32_t distinct) {
    CollectingSink sink;
    PortStatsTracker tracker({}, sink);
    for (uint32_t i = 0; i < distinct; ++i) {
        const auto src = IpAddress::fromV4(0x10000000U + i * 7919U);
        tracker.add(probe(src, darknetAddress(i), kTcp, 445, kT0 + i));
        tracker.add(probe(src, darknetAddress(i + 1), kTcp, 445, kT0 + i)); // same source again
    }
    tracker.flush();
    EXPECT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events.at(0).fields["packets"], 2 * distinct);
    return sink.events.at(0).fields["sources"].get<uint64_t>();
}

TEST(PortStatsTracker, SourcesAreExactUpTo1024) {
    for (const uint32_t n : {1U, 3U, 4U, 100U, 1000U, 1024U}) {
        EXPECT_EQ(sourcesAfter(n), n);
    }
}

TEST(PortStatsTracker, SourcesAreApproximatePast1024) {
    for (const uint32_t n : {1025U, 5000U, 50'000U}) {
        EXPECT_NEAR(static_cast<double>(sourcesAfter(n)), n, n * 0.05) << n;
    }
}

TEST(PortStatsTracker, Ipv6SourcesAreCounted) {
    CollectingSink sink;
    PortStatsTracker tracker({}, sink);
    auto bytes = ip("2001:db8:bad::").bytes();
    for (uint8_t i = 0; i < 10; ++i) {
        bytes[15] = i;
        tracker.add(probe(IpAddress::fromV6(bytes.data()), ip("2001:db8:dead::1"), kTcp, 22, kT0 + i));
    }
    tracker.flush();
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["sources"], 10);
}

TEST(PortStatsTracker, OverBudgetEmitsPartialRows) {
    CollectingSink sink;
    PortStatsTrackerOptions options;
    options.max_bytes = 4096;
    PortStatsTracker tracker(options, sink);
    for (uint16_t port = 1; port <= 200; ++port) {
        tracker.add(probe(source(1), darknetAddress(1), kTcp, port, kT0 + port));
        EXPECT_LE(tracker.bytes(), options.max_bytes);
    }
    EXPECT_GT(tracker.evicted(), 0U);
    tracker.flush();
    uint64_t packets = 0;
    size_t partial = 0;
    for (const auto& e : sink.events) {
        packets += e.fields["packets"].get<uint64_t>();
        partial += e.fields.contains("partial") ? 1 : 0;
    }
    EXPECT_EQ(packets, 200U); // nothing lost, only split
    EXPECT_EQ(partial, tracker.evicted());
}

} // namespace
} // namespace kansoku::darknet
