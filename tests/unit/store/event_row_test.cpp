#include <gtest/gtest.h>

#include "common/event_version.h"
#include "store/event_row.h"

namespace kansoku::store {
namespace {

Event eventWith(nlohmann::ordered_json fields) {
    return Event{"test.event", 1'714'564'800'000'000, "sensor-a", std::move(fields)};
}

TEST(EventSubject, PrefersSrcThenVictimThenIp) {
    EXPECT_EQ(eventSubject(eventWith({{"ip", "192.0.2.3"}, {"victim", "192.0.2.2"}, {"src", "198.51.100.1"}})),
              "198.51.100.1");
    EXPECT_EQ(eventSubject(eventWith({{"ip", "192.0.2.3"}, {"victim", "192.0.2.2"}})), "192.0.2.2");
    EXPECT_EQ(eventSubject(eventWith({{"ip", "192.0.2.3"}})), "192.0.2.3");
}

TEST(EventSubject, SkipsFieldsThatAreNotStrings) {
    EXPECT_EQ(eventSubject(eventWith({{"src", 42}, {"ip", "192.0.2.3"}})), "192.0.2.3");
    EXPECT_EQ(eventSubject(eventWith({{"src", nullptr}})), std::nullopt);
    EXPECT_EQ(eventSubject(eventWith(nlohmann::ordered_json::object())), std::nullopt);
}

TEST(EventRow, HoldsColumnsAndTheWholeEventAsBody) {
    const Event event = eventWith({{"victim", "192.0.2.2"}, {"packets", 10}});
    const EventRow row = toEventRow(event);
    EXPECT_EQ(row.type, "test.event");
    EXPECT_EQ(row.ts, event.ts);
    EXPECT_EQ(row.sensor, "sensor-a");
    EXPECT_EQ(row.subject, "192.0.2.2");
    EXPECT_EQ(row.body, event.toJsonLine());
}

TEST(EventRow, RebuildsEventWithFieldsInStoredOrder) {
    const Event event = eventWith({{"zeta", 1}, {"alpha", "a"}, {"mid", {1, 2}}});
    const auto rebuilt = eventFromRow(event.type, event.ts, event.sensor, toEventRow(event).body);
    ASSERT_TRUE(rebuilt) << rebuilt.error().message;
    EXPECT_EQ(rebuilt->toJsonLine(), event.toJsonLine());
    std::vector<std::string> keys;
    for (const auto& item : rebuilt->fields.items()) {
        keys.push_back(item.key());
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"zeta", "alpha", "mid"}));
}

TEST(EventRow, ColumnsWinOverBody) {
    const auto rebuilt =
        eventFromRow("from.column", 7, "column-sensor", R"({"type":"x","ts":"y","sensor":"z","src":"192.0.2.1"})");
    ASSERT_TRUE(rebuilt) << rebuilt.error().message;
    EXPECT_EQ(rebuilt->type, "from.column");
    EXPECT_EQ(rebuilt->ts, 7);
    EXPECT_EQ(rebuilt->sensor, "column-sensor");
    EXPECT_EQ(rebuilt->fields.dump(), R"({"src":"192.0.2.1"})");
}

TEST(EventRow, KeepsTheSendersSchemaVersion) {
    const auto rebuilt = eventFromRow("darknet.scan", 7, "s", R"({"type":"darknet.scan","v":2,"src":"192.0.2.1"})");
    ASSERT_TRUE(rebuilt) << rebuilt.error().message;
    EXPECT_EQ(rebuilt->toJson()["v"], 2);
    EXPECT_EQ(rebuilt->toJsonLine(), R"({"type":"darknet.scan","ts":"1970-01-01T00:00:00.000007Z","sensor":"s",)"
                                     R"("v":2,"src":"192.0.2.1"})");
    const auto current = eventFromRow("darknet.scan", 7, "s", R"({"type":"darknet.scan","v":1,"src":"192.0.2.1"})");
    ASSERT_TRUE(current);
    EXPECT_EQ(current->fields.dump(), R"({"src":"192.0.2.1"})");
    EXPECT_EQ(current->toJson()["v"], kEventSchemaVersion);
}

TEST(EventRow, RejectsBodyThatIsNotAJsonObject) {
    for (const char* body : {"", "not json", "[1,2]", "{\"truncated\":"}) {
        const auto rebuilt = eventFromRow("t", 0, "s", body);
        ASSERT_FALSE(rebuilt) << body;
        EXPECT_EQ(rebuilt.error().message, "body is not a JSON object");
    }
}

} // namespace
} // namespace kansoku::store
