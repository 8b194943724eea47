#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "transport/event_subject.h"
#include "transport/stream_admission.h"

namespace kansoku::transport {
namespace {

constexpr std::string_view kPrefix = "kansoku.events";

std::variant<AdmittedEvent, Refusal> admit(std::string_view subject, std::string_view id, std::string_view body) {
    return admitStreamMessage(kPrefix, subject, id, body, 4096);
}

Refusal refusal(const std::variant<AdmittedEvent, Refusal>& v) {
    EXPECT_TRUE(std::holds_alternative<Refusal>(v));
    return std::holds_alternative<Refusal>(v) ? std::get<Refusal>(v) : Refusal::Malformed;
}

constexpr std::string_view kScan =
    R"({"type":"darknet.scan","ts":"2026-12-07T10:00:00.000001Z","sensor":"tokyo-1","v":1,"src":"198.51.100.7"})";

TEST(StreamAdmission, AcceptsAnEventWhoseSubjectIdAndSensorAgree) {
    auto v = admit("kansoku.events.tokyo-1.darknet.scan", "tokyo-1:42", kScan);
    ASSERT_TRUE(std::holds_alternative<AdmittedEvent>(v));
    const auto& a = std::get<AdmittedEvent>(v);
    EXPECT_EQ(a.sequence, 42u);
    EXPECT_EQ(a.event.type, "darknet.scan");
    EXPECT_EQ(a.event.sensor, "tokyo-1");
    EXPECT_EQ(a.event.toJsonLine(), kScan); // stored exactly as sent
}

TEST(StreamAdmission, RefusesAnotherSensorsIdentity) {
    // Published on its own subject, claiming to be another sensor in the event.
    EXPECT_EQ(refusal(admit("kansoku.events.osaka-2.darknet.scan", "osaka-2:1", kScan)), Refusal::SensorMismatch);
    // The message id names another sensor than the subject.
    EXPECT_EQ(refusal(admit("kansoku.events.tokyo-1.darknet.scan", "osaka-2:1", kScan)), Refusal::SensorMismatch);
}

TEST(StreamAdmission, RefusesBadInputWithAReason) {
    const auto subject = "kansoku.events.tokyo-1.darknet.scan";
    EXPECT_EQ(refusal(admitStreamMessage(kPrefix, subject, "tokyo-1:1", kScan, 10)), Refusal::Oversized);
    EXPECT_EQ(refusal(admit(subject, "", kScan)), Refusal::NoMessageId);
    EXPECT_EQ(refusal(admit(subject, "tokyo-1:x", kScan)), Refusal::NoMessageId);
    EXPECT_EQ(refusal(admit(subject, "tokyo-1:1", "{not json")), Refusal::Malformed);
    EXPECT_EQ(refusal(admit(subject, "tokyo-1:1", R"({"type":"darknet.scan","sensor":"tokyo-1","v":1})")),
              Refusal::Malformed);
    EXPECT_EQ(refusal(admit(subject, "tokyo-1:1", R"([1,2,3])")), Refusal::Malformed);
    EXPECT_EQ(refusal(admit("kansoku.events.tokyo-1.ddos.attack", "tokyo-1:1", kScan)), Refusal::Malformed);
    EXPECT_EQ(refusal(admit("kansoku.events.tokyo-1.made.up", "tokyo-1:1",
                            R"({"type":"made.up","ts":"2026-12-07T10:00:00Z","sensor":"tokyo-1","v":1})")),
              Refusal::UnknownType);
    EXPECT_EQ(refusal(admit(subject, "tokyo-1:1",
                            R"({"type":"darknet.scan","ts":"2026-12-07T10:00:00Z","sensor":"tokyo-1","v":9})")),
              Refusal::UnknownVersion);
}

TEST(StreamAdmission, KnowsEveryTypeWithASchema) {
    const std::filesystem::path schemas = std::filesystem::path(KANSOKU_SOURCE_DIR) / "schemas" / "events";
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(schemas)) {
        auto name = entry.path().filename().string();
        const std::string suffix = ".schema.json";
        ASSERT_TRUE(name.ends_with(suffix)) << name;
        EXPECT_TRUE(knownEventType(name.substr(0, name.size() - suffix.size()))) << name;
        ++count;
    }
    EXPECT_GT(count, 10u);
    EXPECT_FALSE(knownEventType("darknet"));
}

TEST(EventSubject, NamesAndParses) {
    EXPECT_EQ(eventSubject(kPrefix, "tokyo-1", "darknet.scan"), "kansoku.events.tokyo-1.darknet.scan");
    EXPECT_EQ(subjectSensor(kPrefix, "kansoku.events.tokyo-1.darknet.scan"), "tokyo-1");
    EXPECT_FALSE(subjectSensor(kPrefix, "kansoku.eventsx.tokyo-1.a"));
    EXPECT_FALSE(subjectSensor(kPrefix, "kansoku.events.tokyo-1"));
    EXPECT_TRUE(validSubjectSensor("tokyo-1"));
    EXPECT_FALSE(validSubjectSensor("tokyo.1"));
    EXPECT_FALSE(validSubjectSensor("a*"));
    EXPECT_FALSE(validSubjectSensor("a b"));
    EXPECT_FALSE(validSubjectSensor(""));
    const auto text = messageId("tokyo-1", 18446744073709551615ULL);
    const auto id = parseMessageId(text);
    ASSERT_TRUE(id);
    EXPECT_EQ(id->sensor, "tokyo-1");
    EXPECT_EQ(id->sequence, 18446744073709551615ULL);
}

} // namespace
} // namespace kansoku::transport
