#include <cmath>

#include <gtest/gtest.h>

#include "darknet/backscatter_tracker.h"
#include "test_packets.h"

namespace kansoku::darknet {
namespace {

using namespace testing;

const IpAddress kVictim = IpAddress::fromV4(0xC000020AU); // 192.0.2.10

class BackscatterTrackerTest : public ::testing::Test {
protected:
    void reset(BackscatterTrackerOptions options = {}) {
        sink_.events.clear();
        tracker_ = std::make_unique<BackscatterTracker>(options, sink_);
    }
    /// One SYN-ACK from the victim's port 80 into the darknet, through the real classifier.
    void synAck(Timestamp ts, const IpAddress& victim = kVictim, uint16_t port = 80) {
        const auto p = packets_.synAck(victim, victim.isV4() ? darknetAddress(n_++) : ip("2001:db8:dead::1"), port, ts);
        const auto c = classifier_.classify(p);
        ASSERT_EQ(c.packet_class, PacketClass::Backscatter);
        tracker_->add(p, c);
    }
    void rst(Timestamp ts) {
        const auto p = packets_.tcp(kVictim, darknetAddress(n_++), 443, 5555, capture::tcp_flag::kRst, ts);
        tracker_->add(p, classifier_.classify(p));
    }
    /// `count` SYN-ACKs evenly spread over [start, start + span] (both ends included).
    void burst(Timestamp start, Timestamp span, uint32_t count) {
        for (uint32_t i = 0; i < count; ++i) {
            synAck(start + (count == 1 ? 0 : span * i / (count - 1)));
        }
    }
    size_t attacksAfterClose() {
        tracker_->closeAll();
        return sink_.events.size();
    }

    PrefixSet darknet_ = prefixes({"203.0.113.0/24", "2001:db8:dead::/48"});
    PacketClassifier classifier_{darknet_};
    Packets packets_;
    CollectingSink sink_;
    std::unique_ptr<BackscatterTracker> tracker_ =
        std::make_unique<BackscatterTracker>(BackscatterTrackerOptions{}, sink_);
    uint32_t n_ = 0;
};

TEST_F(BackscatterTrackerTest, DefaultsAreCorsaros) {
    const BackscatterTrackerOptions o;
    EXPECT_EQ(o.min_packets, 25U);
    EXPECT_EQ(o.min_duration, 60 * kSecond);
    EXPECT_EQ(o.min_ppm, 30U);
}

TEST_F(BackscatterTrackerTest, PacketThreshold) {
    BackscatterTrackerOptions o;
    o.min_ppm = 0; // isolate the packet threshold (30 ppm alone implies 30 packets)
    reset(o);
    burst(kT0, 60 * kSecond, 24);
    EXPECT_EQ(attacksAfterClose(), 0U);
    EXPECT_EQ(tracker_->belowThreshold(), 1U);
    reset(o);
    burst(kT0, 60 * kSecond, 25);
    EXPECT_EQ(attacksAfterClose(), 1U);
    EXPECT_EQ(tracker_->attacks(), 1U);
}

TEST_F(BackscatterTrackerTest, DurationThreshold) {
    // 30 packets in the first minute pass the packet and rate thresholds; the last packet decides the duration.
    reset();
    burst(kT0, 29 * kSecond, 30);
    synAck(kT0 + 60 * kSecond - 1);
    EXPECT_EQ(attacksAfterClose(), 0U);
    reset();
    burst(kT0, 29 * kSecond, 30);
    synAck(kT0 + 60 * kSecond);
    EXPECT_EQ(attacksAfterClose(), 1U);
    EXPECT_EQ(sink_.events[0].fields["duration_s"], 60.0);
}

TEST_F(BackscatterTrackerTest, RateThreshold) {
    reset();
    burst(kT0, 29 * kSecond, 29);    // minute 0: 29
    burst(kT0 + 60 * kSecond, 0, 1); // minute 1: 1 -> 30 packets over 60 s, peak 29
    EXPECT_EQ(attacksAfterClose(), 0U);
    reset();
    burst(kT0, 29 * kSecond, 30); // minute 0: 30
    burst(kT0 + 60 * kSecond, 0, 1);
    EXPECT_EQ(attacksAfterClose(), 1U);
    EXPECT_EQ(sink_.events[0].fields["peak_ppm"], 30);
}

TEST_F(BackscatterTrackerTest, PeakPpmCountsAlignedMinutes) {
    BackscatterTrackerOptions o;
    o.min_packets = 1;
    o.min_duration = 0;
    o.min_ppm = 0;
    reset(o);
    // 20 packets in the 20 seconds around the 00:01:00 boundary: 10 in each aligned minute.
    burst(kT0 + 50 * kSecond, 9 * kSecond, 10);
    burst(kT0 + 60 * kSecond, 9 * kSecond, 10);
    // Then 15 in minute 00:03.
    burst(kT0 + 180 * kSecond, 59 * kSecond, 15);
    ASSERT_EQ(attacksAfterClose(), 1U);
    EXPECT_EQ(sink_.events[0].fields["peak_ppm"], 15);
    EXPECT_EQ(sink_.events[0].fields["packets"], 35);
}

TEST_F(BackscatterTrackerTest, EventFieldsAndEstimatedRateForASlash24) {
    reset();
    // 121 SYN-ACKs, one a second for 120 s: 121 / 120 pps observed on 256 of 2^32 addresses.
    burst(kT0, 120 * kSecond, 121);
    ASSERT_EQ(attacksAfterClose(), 1U);
    const Event& e = sink_.events[0];
    EXPECT_EQ(e.type, "ddos.attack");
    EXPECT_EQ(e.ts, kT0 + 120 * kSecond);
    EXPECT_EQ(e.fields["victim"], "192.0.2.10");
    EXPECT_EQ(e.fields["vector"], "syn_flood");
    EXPECT_EQ(e.fields["evidence"], "backscatter");
    EXPECT_EQ(e.fields["start"], "2025-01-01T00:00:00.000000Z");
    EXPECT_EQ(e.fields["end"], "2025-01-01T00:02:00.000000Z");
    EXPECT_EQ(e.fields["duration_s"], 120.0);
    EXPECT_EQ(e.fields["packets"], 121);
    EXPECT_EQ(e.fields["peak_ppm"], 60);
    // 121/120 * 2^32/256 = 121/120 * 16777216 = 16917025.87 -> 16917026
    EXPECT_EQ(e.fields["est_pps"], 16'917'026);
    EXPECT_EQ(e.fields["ports"].dump(), R"([{"port":80,"packets":121}])");
    EXPECT_EQ(e.fields["port_count"], 1);
    EXPECT_EQ(e.fields["vectors"].dump(), R"({"syn_flood":121})");
    EXPECT_EQ(e.fields["darknet_addresses"], 121); // darknetAddress(n) wraps at 256
    EXPECT_EQ(e.fields["closed"], "end");
}

TEST_F(BackscatterTrackerTest, EstimatedRateScalesWithTheDarknetSize) {
    BackscatterTrackerOptions o;
    o.darknet_v4_size = 65536; // a /16
    reset(o);
    burst(kT0, 120 * kSecond, 121);
    ASSERT_EQ(attacksAfterClose(), 1U);
    // 121/120 * 65536 = 66082.13
    EXPECT_EQ(sink_.events[0].fields["est_pps"], 66'082);
}

TEST_F(BackscatterTrackerTest, VectorIsTheDominantOne) {
    reset();
    for (uint32_t i = 0; i < 40; ++i) {
        synAck(kT0 + i * 2 * kSecond);
        if (i % 2 == 0) {
            rst(kT0 + i * 2 * kSecond + 1);
        }
    }
    ASSERT_EQ(attacksAfterClose(), 1U);
    EXPECT_EQ(sink_.events[0].fields["vector"], "syn_flood");
    EXPECT_EQ(sink_.events[0].fields["vectors"].dump(), R"({"syn_flood":40,"tcp_flood":20})");
    EXPECT_EQ(sink_.events[0].fields["port_count"], 2);
    EXPECT_EQ(sink_.events[0].fields["ports"].dump(), R"([{"port":80,"packets":40},{"port":443,"packets":20}])");

    reset();
    for (uint32_t i = 0; i < 40; ++i) {
        rst(kT0 + i * 2 * kSecond);
        if (i % 4 == 0) {
            synAck(kT0 + i * 2 * kSecond + 1);
        }
    }
    ASSERT_EQ(attacksAfterClose(), 1U);
    EXPECT_EQ(sink_.events[0].fields["vector"], "tcp_flood");
}

TEST_F(BackscatterTrackerTest, Ipv6VictimHasNoRateEstimate) {
    reset();
    const IpAddress victim6 = ip("2001:db8:beef::10");
    for (uint32_t i = 0; i < 61; ++i) {
        synAck(kT0 + i * kSecond, victim6);
    }
    ASSERT_EQ(attacksAfterClose(), 1U);
    EXPECT_EQ(sink_.events[0].fields["victim"], "2001:db8:beef::10");
    EXPECT_TRUE(sink_.events[0].fields["est_pps"].is_null());
}

TEST_F(BackscatterTrackerTest, IdleTimeoutEndsAnAttackAndALaterBurstStartsANewOne) {
    BackscatterTrackerOptions o;
    o.idle_timeout = 300 * kSecond;
    reset(o);
    burst(kT0, 60 * kSecond, 40);
    const Timestamp end1 = kT0 + 60 * kSecond;
    tracker_->expire(end1 + 300 * kSecond); // exactly the timeout: still open
    EXPECT_EQ(tracker_->openVictims(), 1U);
    EXPECT_TRUE(sink_.events.empty());
    tracker_->expire(end1 + 300 * kSecond + 1);
    EXPECT_EQ(tracker_->openVictims(), 0U);
    ASSERT_EQ(sink_.events.size(), 1U);
    EXPECT_EQ(sink_.events[0].fields["closed"], "idle");
    EXPECT_EQ(sink_.events[0].fields["packets"], 40);

    const Timestamp start2 = kT0 + 3600 * kSecond;
    burst(start2, 90 * kSecond, 50);
    tracker_->closeAll();
    ASSERT_EQ(sink_.events.size(), 2U);
    EXPECT_EQ(sink_.events[1].fields["start"], formatRfc3339(start2));
    EXPECT_EQ(sink_.events[1].fields["packets"], 50);
    EXPECT_EQ(sink_.events[1].fields["closed"], "end");
    EXPECT_EQ(tracker_->attacks(), 2U);
}

TEST_F(BackscatterTrackerTest, QuietGapShorterThanTheTimeoutKeepsOneAttack) {
    reset();
    burst(kT0, 60 * kSecond, 40);
    tracker_->expire(kT0 + 200 * kSecond);
    burst(kT0 + 250 * kSecond, 60 * kSecond, 40);
    ASSERT_EQ(attacksAfterClose(), 1U);
    EXPECT_EQ(sink_.events[0].fields["packets"], 80);
}

TEST_F(BackscatterTrackerTest, VictimsAreSeparate) {
    reset();
    const IpAddress other = ip("192.0.2.20");
    for (uint32_t i = 0; i < 61; ++i) {
        synAck(kT0 + i * kSecond);
        if (i < 10) {
            synAck(kT0 + i * kSecond, other);
        }
    }
    EXPECT_EQ(tracker_->openVictims(), 2U);
    ASSERT_EQ(attacksAfterClose(), 1U);
    EXPECT_EQ(sink_.events[0].fields["victim"], "192.0.2.10");
    EXPECT_EQ(tracker_->belowThreshold(), 1U);
}

TEST_F(BackscatterTrackerTest, IsAttackChecksAllThreeThresholds) {
    reset();
    VictimRecord r;
    r.first_seen = kT0;
    r.last_seen = kT0 + 60 * kSecond;
    r.packets = 25;
    r.peak_ppm = 30;
    EXPECT_TRUE(tracker_->isAttack(r));
    r.packets = 24;
    EXPECT_FALSE(tracker_->isAttack(r));
    r.packets = 25;
    r.peak_ppm = 29;
    EXPECT_FALSE(tracker_->isAttack(r));
    r.peak_ppm = 30;
    r.last_seen -= 1;
    EXPECT_FALSE(tracker_->isAttack(r));
}

} // namespace
} // namespace kansoku::darknet
