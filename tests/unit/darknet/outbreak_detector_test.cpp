#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "darknet/outbreak_detector.h"

namespace kansoku::darknet {
namespace {

constexpr uint8_t kTcp = 6;
constexpr uint8_t kUdp = 17;
/// 2025-01-01T00:00:00Z, aligned to every interval length used here.
constexpr Timestamp kT0 = 1'735'689'600LL * kMicrosPerSecond;
constexpr Timestamp kTen = 10 * kMicrosPerMinute;

using Port = std::pair<uint8_t, uint16_t>;
/// Source-minutes per port in one interval.
using IntervalCounts = std::map<Port, uint64_t>;

/// Feeds one 10-minute interval the way PortStatsTracker would: minute by minute, each minute's
/// rows for every port with probes, the port's total spread evenly over the minutes.
void feedInterval(OutbreakDetector& detector, int64_t index, const IntervalCounts& counts) {
    const Timestamp start = kT0 + index * kTen;
    for (uint64_t m = 0; m < 10; ++m) {
        for (const auto& [port, total] : counts) {
            const uint64_t sources = total / 10 + (m < total % 10 ? 1 : 0);
            if (sources != 0) {
                detector.addMinute(start + static_cast<Timestamp>(m) * kMicrosPerMinute, port.first, port.second,
                                   sources * 3, sources);
            }
        }
    }
}

/// Closes every interval before `index`.
void closeBefore(OutbreakDetector& detector, int64_t index) {
    detector.advance(kT0 + index * kTen);
}

/// Steady background: ports with Poisson sources per interval around their own level, the level
/// itself wobbling by a normal 10% (so the noise is a bit wider than Poisson).
class Background {
public:
    explicit Background(uint64_t seed) : rng_(seed) {}
    void add(Port port, double level) { levels_.emplace_back(port, level); }
    IntervalCounts next() {
        IntervalCounts counts;
        std::normal_distribution<double> wobble(1.0, 0.10);
        for (const auto& [port, level] : levels_) {
            std::poisson_distribution<uint64_t> poisson(std::max(0.1, level * wobble(rng_)));
            counts[port] = poisson(rng_);
        }
        return counts;
    }

private:
    std::mt19937_64 rng_;
    std::vector<std::pair<Port, double>> levels_;
};

Background typicalBackground(uint64_t seed) {
    Background b(seed);
    b.add({kTcp, 23}, 50);
    b.add({kTcp, 22}, 35);
    b.add({kTcp, 80}, 20);
    b.add({kTcp, 445}, 12);
    b.add({kTcp, 8080}, 8);
    b.add({kUdp, 53}, 5);
    b.add({kUdp, 123}, 5);
    b.add({kTcp, 3389}, 25);
    return b;
}

OutbreakDetectorOptions slash24() {
    OutbreakDetectorOptions o;
    o.sensor = "tokyo-1";
    o.darknet_v4_size = 256;
    return o;
}

TEST(OutbreakDetector, SteadyBackgroundNeverAlerts) {
    CollectingSink sink;
    OutbreakDetector detector(slash24(), sink);
    Background background = typicalBackground(20250101);
    constexpr int64_t kIntervals = 5000; // ~35 days of 10-minute intervals, 8 ports
    for (int64_t i = 0; i < kIntervals; ++i) {
        feedInterval(detector, i, background.next());
    }
    closeBefore(detector, kIntervals);
    EXPECT_EQ(detector.intervalsClosed(), static_cast<uint64_t>(kIntervals));
    EXPECT_EQ(detector.trackedPorts(), 8U);
    EXPECT_EQ(detector.alerts(), 0U);
    for (const Event& e : sink.events) {
        ADD_FAILURE() << "false alert: " << e.toJsonLine();
    }

    // The same traffic does alert with a hair trigger, so the zero above is the defaults' merit.
    CollectingSink touchy_sink;
    OutbreakDetectorOptions touchy = slash24();
    touchy.threshold_k = 1.5;
    touchy.min_sources = 0;
    touchy.min_ratio = 1.0;
    OutbreakDetector hair_trigger(touchy, touchy_sink);
    Background same = typicalBackground(20250101);
    for (int64_t i = 0; i < kIntervals; ++i) {
        feedInterval(hair_trigger, i, same.next());
    }
    closeBefore(hair_trigger, kIntervals);
    EXPECT_GT(hair_trigger.alerts(), 10U);
}

TEST(OutbreakDetector, RampAfterQuietBaselineAlertsOnceDuringTheRamp) {
    CollectingSink sink;
    OutbreakDetector detector(slash24(), sink);
    Background background = typicalBackground(7);
    background.add({kTcp, 37215}, 10);
    constexpr int64_t kRampStart = 200;
    constexpr int64_t kRampLength = 10;
    int64_t i = 0;
    for (; i < kRampStart; ++i) {
        feedInterval(detector, i, background.next());
    }
    ASSERT_EQ(detector.alerts(), 0U);
    // tcp/37215 ramps from ~10 to 100 source-minutes per interval, then stays there for a day.
    for (; i < kRampStart + kRampLength + 144; ++i) {
        IntervalCounts counts = background.next();
        const int64_t step = std::min<int64_t>(i - kRampStart + 1, kRampLength);
        counts[{kTcp, 37215}] = 10 + static_cast<uint64_t>(step) * 9;
        feedInterval(detector, i, counts);
    }
    closeBefore(detector, i);

    ASSERT_EQ(sink.events.size(), 1U);
    const Event& alert = sink.events[0];
    EXPECT_EQ(alert.type, "alert");
    EXPECT_EQ(alert.sensor, "tokyo-1");
    EXPECT_EQ(alert.fields["kind"], "darknet.outbreak");
    EXPECT_EQ(alert.fields["subject"], "tcp/37215");
    const auto& d = alert.fields["details"];
    EXPECT_EQ(d["proto"], "tcp");
    EXPECT_EQ(d["port"], 37215);
    EXPECT_EQ(d["interval_s"], 600);

    // Early: within the ramp, not after it peaked.
    const auto start = parseRfc3339(d["interval_start"].get<std::string>());
    const auto end = parseRfc3339(d["interval_end"].get<std::string>());
    ASSERT_TRUE(start && end);
    EXPECT_EQ(*end - *start, kTen);
    EXPECT_EQ(alert.ts, *end);
    const int64_t alert_index = (*start - kT0) / kTen;
    EXPECT_GE(alert_index, kRampStart);
    EXPECT_LT(alert_index, kRampStart + kRampLength);

    const double observed = d["source_minutes"].get<double>();
    const double mean = d["baseline_mean"].get<double>();
    const double scale = d["baseline_scale"].get<double>();
    EXPECT_EQ(observed, 10.0 + 9.0 * static_cast<double>(alert_index - kRampStart + 1));
    EXPECT_NEAR(mean, 10.0, 3.0); // the pre-ramp level, not dragged up by the ramp
    EXPECT_GE(scale, std::sqrt(mean) - 1e-3);
    EXPECT_GE(observed, d["threshold"].get<double>());
    EXPECT_GE(d["threshold"].get<double>(), mean + 6.0 * scale - 1e-2);
    EXPECT_EQ(d["rule"], "jump");
    EXPECT_NEAR(d["ratio"].get<double>(), observed / mean, 1e-2);
    EXPECT_NEAR(d["long_term_mean"].get<double>(), 10.0, 3.0);
    EXPECT_EQ(d["packets"], 3 * d["source_minutes"].get<uint64_t>());
    EXPECT_EQ(d["new_port"], false);
    EXPECT_EQ(alert.fields["severity"], d["ratio"].get<double>() >= 5.0 ? "high" : "medium");

    // A /24 watched for 600 s: 2^32 / (256 * 600) = 27,962.03 packets/s.
    EXPECT_EQ(d["darknet_v4_size"], 256);
    EXPECT_NEAR(d["min_detectable_pps"].get<double>(), 4294967296.0 / (256.0 * 600.0), 1e-3);
    EXPECT_NEAR(detector.minDetectableRate(), 27962.0266, 1e-3);
}

TEST(OutbreakDetector, NeverSeenPortWithManySourcesAlertsOnce) {
    CollectingSink sink;
    OutbreakDetector detector(slash24(), sink);
    Background background = typicalBackground(99);
    int64_t i = 0;
    for (; i < 50; ++i) {
        feedInterval(detector, i, background.next());
    }
    // A few sources on an unused port is noise; 60 source-minutes on one is a new campaign.
    IntervalCounts counts = background.next();
    counts[{kUdp, 5683}] = 4;
    feedInterval(detector, i++, counts);
    for (int64_t until = i + 5; i < until; ++i) {
        counts = background.next();
        counts[{kTcp, 60023}] = 60;
        feedInterval(detector, i, counts);
    }
    closeBefore(detector, i);

    ASSERT_EQ(sink.events.size(), 1U);
    const Event& alert = sink.events[0];
    EXPECT_EQ(alert.fields["subject"], "tcp/60023");
    EXPECT_EQ(alert.fields["severity"], "high");
    const auto& d = alert.fields["details"];
    EXPECT_EQ(d["new_port"], true);
    EXPECT_EQ(d["baseline_mean"], 0.0);
    EXPECT_EQ(d["source_minutes"], 60);
    EXPECT_EQ(d["ratio"], 60.0);
    EXPECT_EQ(d["threshold"], 20.0); // min_sources: the floor for a never-seen port
}

TEST(OutbreakDetector, OneAlertPerCampaignAndBaselineNotPoisoned) {
    CollectingSink sink;
    OutbreakDetector detector(slash24(), sink);
    Background background = typicalBackground(1234);
    background.add({kTcp, 5555}, 8);
    auto run = [&](int64_t& i, int64_t intervals, uint64_t outbreak) {
        for (const int64_t until = i + intervals; i < until; ++i) {
            IntervalCounts counts = background.next();
            if (outbreak != 0) {
                counts[{kTcp, 5555}] = outbreak;
            }
            feedInterval(detector, i, counts);
        }
        closeBefore(detector, i);
    };
    int64_t i = 0;
    run(i, 100, 0);
    EXPECT_EQ(sink.events.size(), 0U);
    run(i, 100, 120); // 100 intervals (~17 h) of outbreak: one alert, not one per interval
    EXPECT_EQ(sink.events.size(), 1U);
    run(i, 30, 0); // back to normal long enough to re-arm
    EXPECT_EQ(sink.events.size(), 1U);
    run(i, 10, 90); // a second, distinct campaign
    ASSERT_EQ(sink.events.size(), 2U);

    for (const Event& e : sink.events) {
        EXPECT_EQ(e.fields["subject"], "tcp/5555");
        // Both alerts compare against the background of ~8, not against the first outbreak.
        EXPECT_LT(e.fields["details"]["baseline_mean"].get<double>(), 12.0);
    }
    EXPECT_EQ(sink.events[0].fields["details"]["source_minutes"], 120);
    EXPECT_EQ(sink.events[1].fields["details"]["source_minutes"], 90);
}

TEST(OutbreakDetector, SlowRampAlertsOnceOnGrowth) {
    CollectingSink sink;
    OutbreakDetector detector(slash24(), sink);
    Background background(31);
    background.add({kTcp, 23}, 50);
    int64_t i = 0;
    for (; i < 150; ++i) {
        feedInterval(detector, i, background.next());
    }
    // tcp/23 grows tenfold over 15 hours (+5 per interval), then stays up for a day: the recent
    // baseline follows too closely for a jump, the long-term level does not.
    for (int64_t step = 1; step <= 90 + 144; ++step, ++i) {
        IntervalCounts counts = background.next();
        counts[{kTcp, 23}] += static_cast<uint64_t>(5 * std::min<int64_t>(step, 90));
        feedInterval(detector, i, counts);
    }
    closeBefore(detector, i);
    ASSERT_EQ(sink.events.size(), 1U);
    const auto& d = sink.events[0].fields["details"];
    EXPECT_EQ(sink.events[0].fields["subject"], "tcp/23");
    EXPECT_EQ(d["rule"], "growth");
    const double long_term = d["long_term_mean"].get<double>();
    EXPECT_LT(long_term, 100.0);
    EXPECT_GE(d["source_minutes"].get<double>(), 4.0 * long_term);
    EXPECT_NEAR(d["ratio"].get<double>(), d["source_minutes"].get<double>() / long_term, 1e-2);
    EXPECT_GT(d["baseline_mean"].get<double>(), long_term); // the recent baseline followed the ramp
}

TEST(OutbreakDetector, OutbreakThatNeverEndsBecomesTheNewBaseline) {
    CollectingSink sink;
    OutbreakDetectorOptions o = slash24();
    o.adopt_intervals = 20;
    OutbreakDetector detector(o, sink);
    int64_t i = 0;
    for (; i < 30; ++i) {
        feedInterval(detector, i, {{{kTcp, 23}, 10}});
    }
    for (; i < 130; ++i) {
        feedInterval(detector, i, {{{kTcp, 23}, 200}});
    }
    EXPECT_EQ(sink.events.size(), 1U);
    // 200 is normal now; another tenfold jump is news again.
    for (; i < 135; ++i) {
        feedInterval(detector, i, {{{kTcp, 23}, 2000}});
    }
    closeBefore(detector, i);
    ASSERT_EQ(sink.events.size(), 2U);
    EXPECT_NEAR(sink.events[1].fields["details"]["baseline_mean"].get<double>(), 200.0, 20.0);
}

TEST(OutbreakDetector, NothingAlertsDuringWarmUp) {
    CollectingSink sink;
    OutbreakDetector detector(slash24(), sink);
    // A busy port from the start, and one that jumps during warm-up: baselines, not alerts.
    int64_t i = 0;
    for (; i < 12; ++i) {
        feedInterval(detector, i, {{{kTcp, 23}, 500}, {{kTcp, 81}, i < 6 ? 10U : 400U}});
    }
    EXPECT_EQ(sink.events.size(), 0U);
    for (; i < 200; ++i) {
        feedInterval(detector, i, {{{kTcp, 23}, 500}, {{kTcp, 81}, 400}});
    }
    closeBefore(detector, i);
    EXPECT_EQ(sink.events.size(), 0U);
    // Right after warm-up a new port alerts.
    CollectingSink sink2;
    OutbreakDetector fresh(slash24(), sink2);
    for (i = 0; i < 13; ++i) {
        feedInterval(fresh, i, {{{kTcp, 23}, 500}, {{kTcp, 82}, i == 12 ? 100U : 0U}});
    }
    closeBefore(fresh, i);
    ASSERT_EQ(sink2.events.size(), 1U);
    EXPECT_EQ(sink2.events[0].fields["subject"], "tcp/82");
}

TEST(OutbreakDetector, IdleGapsAndLateRows) {
    CollectingSink sink;
    OutbreakDetector detector(slash24(), sink);
    for (int64_t i = 0; i < 20; ++i) {
        feedInterval(detector, i, {{{kTcp, 23}, 50}});
    }
    // Packet time moves on with no probes at all (a quiet live sensor): advance() closes intervals.
    detector.advance(kT0 + 30 * kTen + 5 * kMicrosPerMinute);
    EXPECT_EQ(detector.intervalsClosed(), 30U);
    // A row for a closed interval is late and ignored.
    detector.addMinute(kT0 + 3 * kTen, kTcp, 9999, 500, 500);
    EXPECT_EQ(detector.lateRows(), 1U);
    // After a gap of two months, the old levels have decayed away and tcp/23 at 50 is news again.
    const int64_t later = 30 + 60 * 144;
    feedInterval(detector, later, {{{kTcp, 23}, 50}});
    closeBefore(detector, later + 1);
    EXPECT_EQ(detector.intervalsClosed(), static_cast<uint64_t>(later + 1));
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["subject"], "tcp/23");
    EXPECT_EQ(sink.events[0].fields["details"]["new_port"], true);
}

TEST(OutbreakDetector, FlushEvaluatesThePartialInterval) {
    CollectingSink sink;
    OutbreakDetector detector(slash24(), sink);
    int64_t i = 0;
    for (; i < 20; ++i) {
        feedInterval(detector, i, {{{kTcp, 23}, 30}});
    }
    closeBefore(detector, i);
    // Input ends 3 minutes into an interval in which tcp/2323 took off.
    const Timestamp start = kT0 + i * kTen;
    for (Timestamp m = 0; m < 3; ++m) {
        detector.addMinute(start + m * kMicrosPerMinute, kTcp, 2323, 40, 20);
    }
    EXPECT_EQ(sink.events.size(), 0U);
    detector.flush();
    ASSERT_EQ(sink.events.size(), 1U);
    const auto& d = sink.events[0].fields["details"];
    EXPECT_EQ(sink.events[0].fields["subject"], "tcp/2323");
    EXPECT_EQ(d["partial"], true);
    EXPECT_EQ(d["source_minutes"], 60);
    EXPECT_EQ(d["interval_end"], formatRfc3339(start + 3 * kMicrosPerMinute));
    EXPECT_EQ(sink.events[0].ts, start + 3 * kMicrosPerMinute);
    detector.flush(); // nothing open
    EXPECT_EQ(sink.events.size(), 1U);
}

TEST(OutbreakDetector, TrackedPortsStayUnderTheCap) {
    CollectingSink sink;
    OutbreakDetectorOptions o = slash24();
    o.max_ports = 64;
    OutbreakDetector detector(o, sink);
    std::mt19937_64 rng(42);
    std::uniform_int_distribution<uint32_t> any_port(1, 65535);
    size_t max_seen = 0;
    size_t max_bytes = 0;
    for (int64_t i = 0; i < 200; ++i) {
        IntervalCounts counts;
        counts[{kTcp, 23}] = 40; // a busy port that must survive every eviction
        for (int n = 0; n < 300; ++n) {
            counts[{n % 2 == 0 ? kTcp : kUdp, static_cast<uint16_t>(any_port(rng))}] = 1 + n % 3;
        }
        feedInterval(detector, i, counts);
        max_seen = std::max(max_seen, detector.trackedPorts());
        max_bytes = std::max(max_bytes, detector.bytes());
    }
    closeBefore(detector, 200);
    EXPECT_LE(max_seen, 64U);
    EXPECT_GT(detector.evicted(), 0U);
    EXPECT_LT(max_bytes, 64U * 1024);
    // Sporadic ports with 1-3 source-minutes are noise, and tcp/23 kept its baseline: no alerts.
    EXPECT_EQ(sink.events.size(), 0U);
}

TEST(OutbreakDetector, MinimumDetectableRateFollowsDarknetSizeAndInterval) {
    CollectingSink sink;
    OutbreakDetectorOptions o;
    o.darknet_v4_size = 65536; // a /16
    o.interval = kMicrosPerMinute;
    EXPECT_NEAR(OutbreakDetector(o, sink).minDetectableRate(), 4294967296.0 / (65536.0 * 60.0), 1e-9);
    o.interval = 90 * kMicrosPerSecond; // rounded down to whole minutes
    EXPECT_EQ(OutbreakDetector(o, sink).options().interval, kMicrosPerMinute);
    o.darknet_v4_size = 0; // IPv6-only darknet: no such rate
    EXPECT_EQ(OutbreakDetector(o, sink).minDetectableRate(), 0.0);
}

} // namespace
} // namespace kansoku::darknet
