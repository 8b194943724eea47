#include <gtest/gtest.h>

#include "intel/correlator.h"
#include "intel/event_body.h"
#include "support/correlation_events.h"

namespace kansoku::intel {
namespace {

using namespace kansoku::testing;

constexpr std::string_view kKeys[] = {"src", "tool", "dst_ports", "benign", "n"};

TEST(EventBody, KeepsOnlyTheWantedFields) {
    const auto fields = parseBodyFields(
        R"({"type":"darknet.scan","nested":{"src":"no","x":[1,{"y":"}]"}]},"src":"198.51.100.7", "tool" : "mi\"rai",)"
        R"("dst_ports":[{"port":23,"packets":5}],"benign":false,"n":-12.5e1,"tail":"\\"})",
        kKeys);
    ASSERT_TRUE(fields.is_object()) << fields.dump();
    EXPECT_EQ(
        fields.dump(),
        R"({"src":"198.51.100.7","tool":"mi\"rai","dst_ports":[{"port":23,"packets":5}],"benign":false,"n":-125.0})");
}

TEST(EventBody, BrokenBodiesAreDiscardedBrokenValuesLeftOut) {
    for (const char* body : {"", "[1,2]", "{\"src\":\"1.2.3.4\"", "{\"src\" \"x\"}", "{\"src\":[1,2}", "{src:1}",
                             "{\"src\":\"unterminated}"}) {
        EXPECT_TRUE(parseBodyFields(body, kKeys).is_discarded()) << body;
    }
    EXPECT_EQ(parseBodyFields("{}", kKeys).dump(), "{}");
    EXPECT_EQ(parseBodyFields(R"({"n":12x,"src":"a"})", kKeys).dump(), R"({"src":"a"})");
}

/// The stored path (bodies, selected fields) decides exactly as the live path (whole events).
TEST(EventBody, SelectedFieldsDecideAsTheWholeEvent) {
    const Timestamp t0 = 1'714'564'800'000'000;
    const std::string sha = std::string(64, 'a');
    const std::vector<Event> events = {
        sampleEvent(sha, {"mirai_table_xor22"}, t0),
        sandboxEvent(sha, {{{"192.0.2.10", 6667}}, {{"cnc.example.test", "198.51.100.250"}}, "unknown", {23, 2323}},
                     t0 + 1),
        attackEvent("192.0.2.80", "reflector", t0 + 2),
        scanEvent("198.51.100.1", "mirai", {23}, t0 + 3),
        scanEvent("198.51.100.2", "unknown", {23}, t0 + 3),
        scanEvent("198.51.100.3", "nmap", {23}, t0 + 3),
        loginEvent("00000000000000a1", "198.51.100.4", true, t0 + 4),
        commandEvent("00000000000000a1", "198.51.100.4", "wget x", {"wget"}, {}, t0 + 5),
        downloadEvent("00000000000000a1", "198.51.100.4", sha, t0 + 6),
    };
    Correlator live{CorrelationConfig{}};
    Correlator stored{CorrelationConfig{}};
    for (const Event& e : events) {
        live.observe(e);
        stored.observe(e.type, e.ts, e.sensor, parseBodyFields(e.toJsonLine(), inputFields(e.type)));
    }
    const auto a = live.takeUpdates();
    const auto b = stored.takeUpdates();
    ASSERT_EQ(a.hosts.size(), 3U);
    ASSERT_EQ(a.hosts.size(), b.hosts.size());
    for (size_t i = 0; i < a.hosts.size(); ++i) {
        EXPECT_EQ(a.hosts[i].ip, b.hosts[i].ip);
        EXPECT_EQ(a.hosts[i].family, b.hosts[i].family);
        EXPECT_EQ(a.hosts[i].confidence, b.hosts[i].confidence);
        EXPECT_EQ(a.hosts[i].reasons, b.hosts[i].reasons);
    }
    EXPECT_EQ(a.c2.size(), 2U);
    EXPECT_EQ(b.c2.size(), 2U);
    EXPECT_EQ(stored.counters().malformed, 0U);
}

} // namespace
} // namespace kansoku::intel
