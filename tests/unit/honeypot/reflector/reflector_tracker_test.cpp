#include <gtest/gtest.h>

#include "honeypot/reflector/reflector_tracker.h"

namespace kansoku::honeypot::reflector {
namespace {

constexpr Timestamp kT0 = 1'714'564'800LL * kMicrosPerSecond;

IpAddress ip(const char* text) {
    return *IpAddress::parse(text);
}

TrackerOptions options() {
    TrackerOptions o;
    o.sensor = "test";
    return o;
}

TEST(ReflectorTracker, ThreeAnswersThenSilenceUntilNextWindow) {
    CollectingSink sink;
    ReflectorTracker tracker(options(), sink);
    const auto src = ip("198.51.100.7");
    int answered = 0;
    for (int i = 0; i < 10; ++i) {
        answered += tracker.onRequest(src, 5353, Service::Dns, 53, 29, kT0 + i * kMicrosPerSecond) ? 1 : 0;
    }
    EXPECT_EQ(answered, 3);
    EXPECT_EQ(tracker.counters().suppressed, 7U);
    // A new window (60 s after the window started) allows 3 more.
    EXPECT_TRUE(tracker.onRequest(src, 5353, Service::Dns, 53, 29, kT0 + 61 * kMicrosPerSecond));
    // Other services are separate flows.
    EXPECT_TRUE(tracker.onRequest(src, 5353, Service::Ntp, 123, 48, kT0 + 61 * kMicrosPerSecond));
    EXPECT_EQ(tracker.openFlows(), 2U);
    EXPECT_TRUE(sink.events.empty());
}

TEST(ReflectorTracker, BurstIsOneAttackScannerIsOneSession) {
    CollectingSink sink;
    ReflectorTracker tracker(options(), sink);
    const auto victim = ip("192.0.2.80");
    const auto scanner = ip("198.51.100.9");
    int answered = 0;
    // 500 requests over 50 s from two source ports (10 per second).
    for (int i = 0; i < 500; ++i) {
        const uint16_t port = i % 5 == 0 ? 80 : 443;
        answered += tracker.onRequest(victim, port, Service::Ntp, 123, 8, kT0 + i * kMicrosPerSecond / 10) ? 1 : 0;
    }
    for (int i = 0; i < 3; ++i) {
        EXPECT_TRUE(tracker.onRequest(scanner, 40000 + i, Service::Ntp, 123, 48, kT0 + i * kMicrosPerSecond));
        tracker.onReplySent(scanner, Service::Ntp, 48);
    }
    EXPECT_EQ(answered, 3);
    EXPECT_TRUE(sink.events.empty());              // nothing before the flows end
    tracker.expire(kT0 + 3000 * kMicrosPerSecond); // under an hour: still open
    EXPECT_TRUE(sink.events.empty());
    tracker.expire(kT0 + 3700 * kMicrosPerSecond);
    ASSERT_EQ(sink.events.size(), 2U);
    EXPECT_EQ(tracker.openFlows(), 0U);

    const Event* attack = nullptr;
    const Event* session = nullptr;
    for (const auto& e : sink.events) {
        (e.type == "ddos.attack" ? attack : session) = &e;
    }
    ASSERT_NE(attack, nullptr);
    ASSERT_NE(session, nullptr);
    const auto& a = attack->fields;
    EXPECT_EQ(a["victim"], "192.0.2.80");
    EXPECT_EQ(a["vector"], "ntp");
    EXPECT_EQ(a["evidence"], "reflector");
    EXPECT_EQ(a["packets"], 500);
    EXPECT_EQ(a["answered"], 3);
    EXPECT_EQ(a["start"], formatRfc3339(kT0));
    EXPECT_EQ(a["end"], formatRfc3339(kT0 + 499 * kMicrosPerSecond / 10));
    EXPECT_EQ(a["est_pps"], 10); // 500 / 49.9 s
    EXPECT_EQ(a["closed"], "idle");
    ASSERT_EQ(a["ports"].size(), 2U);
    EXPECT_EQ(a["ports"][0]["port"], 443);
    EXPECT_EQ(a["ports"][0]["packets"], 400);
    EXPECT_EQ(a["ports"][1]["port"], 80);
    EXPECT_EQ(attack->sensor, "test");

    const auto& s = session->fields;
    EXPECT_EQ(s["protocol"], "ntp");
    EXPECT_EQ(s["transport"], "udp");
    EXPECT_EQ(s["src"], "198.51.100.9");
    EXPECT_EQ(s["src_port"], 40000);
    EXPECT_EQ(s["dst_port"], 123);
    EXPECT_EQ(s["requests"], 3);
    EXPECT_EQ(s["answered"], 3);
    EXPECT_EQ(s["bytes_out"], 144);
    EXPECT_EQ(s["session"].get<std::string>().size(), 16U);
    EXPECT_EQ(tracker.counters().attacks, 1U);
    EXPECT_EQ(tracker.counters().sessions, 1U);
}

TEST(ReflectorTracker, ThresholdIsInclusiveAndVictimStaysSilent) {
    CollectingSink sink;
    auto o = options();
    o.attack_min_requests = 100;
    o.window = kMicrosPerSecond;
    ReflectorTracker tracker(o, sink);
    const auto src = ip("192.0.2.5");
    int answered = 0;
    for (int i = 0; i < 99; ++i) { // one request per window: all answered below the threshold
        answered += tracker.onRequest(src, 1, Service::Dns, 53, 30, kT0 + i * 2 * kMicrosPerSecond) ? 1 : 0;
    }
    EXPECT_EQ(answered, 99);
    EXPECT_FALSE(tracker.onRequest(src, 1, Service::Dns, 53, 30, kT0 + 300 * kMicrosPerSecond));
    EXPECT_FALSE(tracker.onRequest(src, 1, Service::Dns, 53, 30, kT0 + 400 * kMicrosPerSecond));
    tracker.flush();
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].type, "ddos.attack");
    EXPECT_EQ(sink.events[0].fields["packets"], 101);
    EXPECT_EQ(sink.events[0].fields["closed"], "end");
}

TEST(ReflectorTracker, RequestAfterIdleTimeoutStartsNewFlow) {
    CollectingSink sink;
    ReflectorTracker tracker(options(), sink);
    const auto src = ip("198.51.100.20");
    EXPECT_TRUE(tracker.onRequest(src, 1, Service::Ssdp, 1900, 90, kT0));
    EXPECT_TRUE(tracker.onRequest(src, 1, Service::Ssdp, 1900, 90, kT0 + 3601 * kMicrosPerSecond));
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["requests"], 1);
    EXPECT_EQ(sink.events[0].fields["close_reason"], "idle");
}

TEST(ReflectorTracker, FullTableEvictsLeastRecentlyActive) {
    CollectingSink sink;
    auto o = options();
    o.max_flows = 2;
    ReflectorTracker tracker(o, sink);
    tracker.onRequest(ip("198.51.100.1"), 1, Service::Chargen, 19, 1, kT0);
    tracker.onRequest(ip("198.51.100.2"), 1, Service::Chargen, 19, 1, kT0 + 1);
    tracker.onRequest(ip("198.51.100.1"), 1, Service::Chargen, 19, 1, kT0 + 2); // .1 is now the most recent
    tracker.onRequest(ip("198.51.100.3"), 1, Service::Chargen, 19, 1, kT0 + 3);
    EXPECT_EQ(tracker.openFlows(), 2U);
    EXPECT_EQ(tracker.counters().evicted, 1U);
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(sink.events[0].fields["src"], "198.51.100.2");
    EXPECT_EQ(sink.events[0].fields["close_reason"], "evicted");
    tracker.flush();
    EXPECT_EQ(sink.events.size(), 3U);
    EXPECT_EQ(tracker.openFlows(), 0U);
}

TEST(ReflectorTracker, SourcePortsAreBounded) {
    CollectingSink sink;
    auto o = options();
    o.max_ports_per_flow = 4;
    ReflectorTracker tracker(o, sink);
    for (uint16_t port = 1; port <= 10; ++port) {
        tracker.onRequest(ip("192.0.2.9"), port, Service::Memcached, 11211, 15, kT0 + port);
    }
    tracker.flush();
    ASSERT_EQ(sink.events.size(), 1U);
    EXPECT_EQ(tracker.counters().ports_dropped, 6U);
}

} // namespace
} // namespace kansoku::honeypot::reflector
