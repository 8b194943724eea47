#include <vector>

#include <gtest/gtest.h>

#include "common/event.h"
#include "common/event_sink.h"
#include "common/event_version.h"

namespace kansoku {
namespace {

constexpr Timestamp kNoon = 1'714'564'800LL * kMicrosPerSecond;

Event scanEvent() {
    Event e;
    e.type = "darknet.scan";
    e.ts = kNoon + 42;
    e.sensor = "tokyo-1";
    // Inserted deliberately out of alphabetical order: insertion order must survive.
    e.fields["src"] = "198.51.100.7";
    e.fields["proto"] = "tcp";
    e.fields["dst_count"] = 256;
    e.fields["alpha"] = true;
    return e;
}

std::vector<std::string> keysOf(const nlohmann::ordered_json& object) {
    std::vector<std::string> keys;
    for (const auto& [key, value] : object.items()) {
        keys.push_back(key);
    }
    return keys;
}

TEST(Event, ToJsonPutsTypeTsSensorFirstThenFieldsInOrder) {
    const auto json = scanEvent().toJson();
    EXPECT_EQ(keysOf(json),
              (std::vector<std::string>{"type", "ts", "sensor", "v", "src", "proto", "dst_count", "alpha"}));
    EXPECT_EQ(json["type"], "darknet.scan");
    EXPECT_EQ(json["ts"], "2024-05-01T12:00:00.000042Z");
    EXPECT_EQ(json["sensor"], "tokyo-1");
    EXPECT_EQ(json["v"], kEventSchemaVersion);
    EXPECT_EQ(json["dst_count"], 256);
}

TEST(Event, ToJsonLineIsCompactAndOneLine) {
    EXPECT_EQ(scanEvent().toJsonLine(), R"({"type":"darknet.scan","ts":"2024-05-01T12:00:00.000042Z",)"
                                        R"("sensor":"tokyo-1","v":1,"src":"198.51.100.7","proto":"tcp",)"
                                        R"("dst_count":256,"alpha":true})");
    Event multi;
    multi.type = "honeypot.command";
    multi.fields["input"] = "echo a\nwget b";
    EXPECT_EQ(multi.toJsonLine().find('\n'), std::string::npos);
}

// toJsonLine() writes the line without building toJson()'s object; the two must agree byte for byte.
TEST(Event, ToJsonLineIsToJsonDumped) {
    const auto dumped = [](const Event& e) {
        return e.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    Event empty;
    empty.type = "alert";
    Event sender_version = scanEvent(); // read back from a store row of a sensor one version apart
    sender_version.fields["v"] = 2;
    Event odd = scanEvent();
    odd.sensor = std::string("s\"\\\xff");
    odd.fields["nested"] = {{"list", {1, "two", nullptr}}};
    for (const Event& e : {scanEvent(), empty, sender_version, odd}) {
        EXPECT_EQ(e.toJsonLine(), dumped(e));
    }
}

TEST(Event, InvalidUtf8IsReplacedNotThrown) {
    Event e;
    e.type = "honeypot.command";
    e.fields["input"] = std::string("ok\xff\xfe");
    std::string line;
    ASSERT_NO_THROW(line = e.toJsonLine());
    EXPECT_NE(line.find("ok\xEF\xBF\xBD"), std::string::npos) << line; // U+FFFD
}

/// A whole darknet.port_stats (schemas/events/): what reaches a sink is checked against its schema.
Event portStatsEvent() {
    Event e;
    e.type = "darknet.port_stats";
    e.ts = kNoon;
    e.sensor = "tokyo-1";
    e.add("proto", "tcp");
    e.add("port", 23);
    e.add("minute", formatRfc3339(kNoon));
    e.add("packets", 12);
    e.add("sources", 3);
    return e;
}

TEST(EventSink, FanoutPublishesToEverySinkInOrder) {
    CollectingSink a;
    CollectingSink b;
    FanoutSink fanout;
    fanout.add(&a);
    fanout.add(&b);
    fanout.publish(portStatsEvent());
    EXPECT_TRUE(fanout.flush());
    ASSERT_EQ(a.events.size(), 1U);
    ASSERT_EQ(b.events.size(), 1U);
    EXPECT_EQ(b.events[0].toJsonLine(), portStatsEvent().toJsonLine());
}

} // namespace
} // namespace kansoku
