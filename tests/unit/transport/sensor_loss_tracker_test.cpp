#include <gtest/gtest.h>

#include "transport/sensor_loss_tracker.h"

namespace kansoku::transport {
namespace {

constexpr Timestamp kSecond = 1'000'000;

Event event(const std::string& sensor, Timestamp ts, const std::string& type = "darknet.scan") {
    return Event{type, ts, sensor};
}

SensorLossTracker tracker() {
    return SensorLossTracker(Duration::fromSeconds(60), Duration::fromSeconds(5), "center");
}

TEST(SensorLossTracker, InOrderSequencesHaveNoGapAndRepeatsAreRedeliveries) {
    auto t = tracker();
    for (uint64_t seq = 1; seq <= 100; ++seq) {
        EXPECT_TRUE(t.observe(event("s1", 0), seq, kSecond));
    }
    EXPECT_FALSE(t.observe(event("s1", 0), 50, kSecond));
    EXPECT_TRUE(t.check(100 * kSecond / 10).empty());
    const auto s = t.snapshot().at(0);
    EXPECT_EQ(s.events, 100u);
    EXPECT_EQ(s.redeliveries, 1u);
    EXPECT_EQ(s.highest_sequence, 100u);
    EXPECT_EQ(s.missing, 0u);
}

TEST(SensorLossTracker, NumbersBeforeTheFirstSeenAreNotMissing) {
    auto t = tracker();
    t.observe(event("s1", 0), 5000, 0);
    t.observe(event("s1", 0), 5001, 0);
    EXPECT_TRUE(t.check(60 * kSecond / 2).empty());
    EXPECT_EQ(t.snapshot().at(0).missing, 0u);
}

TEST(SensorLossTracker, OutOfOrderWithinGapAfterIsNoGap) {
    auto t = tracker();
    t.observe(event("s1", 0), 1, 0);
    t.observe(event("s1", 0), 3, 0);
    EXPECT_TRUE(t.check(2 * kSecond).empty());
    t.observe(event("s1", 0), 2, 3 * kSecond);
    EXPECT_TRUE(t.check(10 * kSecond).empty());
    EXPECT_EQ(t.snapshot().at(0).missing, 0u);
}

TEST(SensorLossTracker, AMissingRangeBecomesAGapAlertOnce) {
    auto t = tracker();
    for (uint64_t seq : {1, 2, 3, 8, 9}) {
        t.observe(event("s1", 0), seq, 0);
    }
    EXPECT_TRUE(t.check(4 * kSecond).empty());
    const auto alerts = t.check(6 * kSecond);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].type, "alert");
    EXPECT_EQ(alerts[0].sensor, "center");
    EXPECT_EQ(alerts[0].fields["kind"], "sensor.sequence_gap");
    EXPECT_EQ(alerts[0].fields["subject"], "s1");
    EXPECT_EQ(alerts[0].fields["details"]["first"], 4);
    EXPECT_EQ(alerts[0].fields["details"]["last"], 7);
    EXPECT_TRUE(t.check(20 * kSecond).empty());
    auto s = t.snapshot().at(0);
    EXPECT_EQ(s.missing, 4u);
    ASSERT_EQ(s.gaps.size(), 1u);
    // A late arrival is taken, and no longer missing.
    EXPECT_TRUE(t.observe(event("s1", 0), 5, 21 * kSecond));
    EXPECT_EQ(t.snapshot().at(0).missing, 3u);
}

TEST(SensorLossTracker, ASilentSensorRaisesOneAlertUntilHeardAgain) {
    auto t = tracker();
    t.observe(event("s1", 0), 1, 0);
    EXPECT_TRUE(t.check(59 * kSecond).empty());
    auto alerts = t.check(61 * kSecond);
    ASSERT_EQ(alerts.size(), 1u);
    EXPECT_EQ(alerts[0].fields["kind"], "sensor.silent");
    EXPECT_TRUE(t.check(120 * kSecond).empty());
    EXPECT_TRUE(t.snapshot().at(0).silent);
    t.observe(event("s1", 0), 2, 121 * kSecond);
    EXPECT_FALSE(t.snapshot().at(0).silent);
    EXPECT_EQ(t.check(190 * kSecond).size(), 1u);
}

TEST(SensorLossTracker, KeepsTheLatestHeartbeatAndTheLag) {
    auto t = tracker();
    auto heartbeat = makeHeartbeat("s1", 10 * kSecond, 10, SensorLossCounters{41, 1000, 7, 42, 0, 3, 42, 41, 0, 1, 2});
    t.observe(heartbeat, 42, 12 * kSecond);
    const auto s = t.snapshot().at(0);
    ASSERT_TRUE(s.has_heartbeat);
    EXPECT_EQ(s.heartbeat.sequence, 41u);
    EXPECT_EQ(s.heartbeat.captured, 1000u);
    EXPECT_EQ(s.heartbeat.dropped_kernel, 7u);
    EXPECT_EQ(s.heartbeat.spool_dropped, 3u);
    EXPECT_DOUBLE_EQ(s.lag_seconds, 2.0);
}

} // namespace
} // namespace kansoku::transport
