#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <tuple>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "misp_test_store.h"
#include "share/misp/misp_feed_directory.h"
#include "share/misp/misp_feed_producer.h"
#include "share/misp/misp_feed_reader.h"

namespace kansoku::share::misp {
namespace {

using namespace testing;
using Files = std::map<std::string, std::string, std::less<>>;
using Record = store::PartnerIndicatorRecord;
namespace fs = std::filesystem;

MispFeedReader::Fetch fromMap(const Files& files) {
    return [&files](std::string_view path) -> Result<std::string> {
        const auto it = files.find(path);
        if (it == files.end()) {
            return fail("404 {}", path);
        }
        return it->second;
    };
}

struct Read {
    std::vector<Record> records;
    MispFeedReadReport report;
};

Read read(const MispFeedReader::Fetch& fetch, MispFeedReadOptions options = {}) {
    Read out;
    options.feed = options.feed.empty() ? "partner" : options.feed;
    MispFeedReader reader(options);
    auto report = reader.read(fetch, [&out](Record&& r) -> Result<void> {
        out.records.push_back(std::move(r));
        return {};
    });
    EXPECT_TRUE(report) << report.error().message;
    if (report) {
        out.report = std::move(*report);
    }
    return out;
}

std::string eventText(const std::string& uuid, nlohmann::json attributes, nlohmann::json extra = {}) {
    nlohmann::json event = {
        {"uuid", uuid}, {"info", "partner event"}, {"timestamp", "1796000000"}, {"Attribute", std::move(attributes)}};
    for (auto& [k, v] : extra.items()) {
        event[k] = v;
    }
    return nlohmann::json({{"Event", event}}).dump();
}

nlohmann::json attr(std::string type, std::string value, bool to_ids = true, std::string uuid = "") {
    static int n = 0;
    if (uuid.empty()) {
        char text[40];
        std::snprintf(text, sizeof text, "5a0b0c0d-0000-4000-8000-%012d", ++n);
        uuid = text;
    }
    return {{"uuid", uuid}, {"type", type}, {"value", value}, {"to_ids", to_ids}, {"timestamp", "1796000000"}};
}

const std::string kE1 = "11111111-1111-4111-8111-111111111111";
const std::string kE2 = "22222222-2222-4222-8222-222222222222";

Files oneEvent(const std::string& text, int64_t ts = 1796000000, std::string tags = "[]") {
    return {{"manifest.json", "{\"" + kE1 + "\":{\"timestamp\":" + std::to_string(ts) + ",\"Tag\":" + tags + "}}"},
            {kE1 + ".json", text}};
}

class MispRoundTripTest : public MispStoreTest {};

TEST_F(MispRoundTripTest, TheFeedKansokuWritesReadsBackAsTheSameIndicators) {
    MispFeedProducer producer(*store_, {});
    MispScope scope;
    scope.ceiling = stix::Tlp::Amber;
    scope.subscribers = stix::SubscriberPolicy::Aggregate24;
    auto events = producer.produce(scope);
    ASSERT_TRUE(events);
    // What the reader should give: every to_ids attribute kansoku can match, by attribute uuid.
    std::set<std::tuple<std::string, std::string, std::string, std::string>> expected;
    for (const MispEvent& e : *events) {
        for (const MispAttribute& a : e.attributes) {
            if (!a.to_ids) {
                continue;
            }
            const std::string value = a.value.substr(0, a.value.find('|'));
            if (a.type == "sha256") {
                expected.insert({a.uuid, "sha256", value, "green"});
            } else if (a.type == "domain") {
                expected.insert({a.uuid, "domain", value, "green"});
            } else if (a.type.starts_with("ip-") && value.find(':') == std::string::npos) {
                expected.insert({a.uuid, "ipv4", value, "green"});
            }
        }
    }
    ASSERT_EQ(expected.size(), 5u); // sha256 ×2, 203.0.113.66 on two ports, the domain
    const fs::path out = dir_.path() / "feed";
    ASSERT_TRUE(writeMispFeedDirectory(out, std::move(*events), producer.org()));
    const auto fetch = [&out](std::string_view path) -> Result<std::string> {
        std::ifstream file(out / std::string(path), std::ios::binary);
        if (!file) {
            return fail("no {}", path);
        }
        return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    };
    const Read got = read(fetch);
    std::set<std::tuple<std::string, std::string, std::string, std::string>> seen;
    for (const Record& r : got.records) {
        seen.insert({r.indicator_id, r.kind, r.value, r.tlp});
        EXPECT_EQ(r.feed, "partner");
        EXPECT_NE(r.name.find("kansoku:"), std::string::npos);
        EXPECT_GT(r.modified, 0);
    }
    EXPECT_EQ(seen, expected);
    EXPECT_EQ(got.report.events_refused, 0u);
    EXPECT_GT(got.report.skipped.at("not to_ids"), 0u); // the hosts' /24s, the outbreak
    EXPECT_EQ(got.report.skipped.at("ipv6 not matched"), 1u);

    // Incremental: nothing newer than what was read.
    MispFeedReadOptions options;
    options.since = got.report.next_since;
    const Read again = read(fetch, options);
    EXPECT_TRUE(again.records.empty());
    EXPECT_EQ(again.report.events_old, again.report.events_listed);
}

TEST(MispFeedReader, MapsEachTypeAndNormalises) {
    const auto files =
        oneEvent(eventText(kE1, {attr("ip-src", "198.51.100.7"), attr("ip-dst|port", "203.0.113.5|8080"),
                                 attr("ip-dst", "198.51.100.9/24"), attr("ip-dst", "203.0.113.0/32"),
                                 attr("hostname", "CnC.Example.TEST."), attr("domain|ip", "a.example.com|192.0.2.1"),
                                 attr("filename|sha256", "x.bin|" + std::string(64, 'A')),
                                 attr("url", "http://x.example/"), attr("ip-dst", "2001:db8::1")}));
    const Read got = read(fromMap(files));
    std::set<std::pair<std::string, std::string>> values;
    for (const Record& r : got.records) {
        values.insert({r.kind, r.value});
    }
    EXPECT_EQ(values, (std::set<std::pair<std::string, std::string>>{{"ipv4", "198.51.100.7"},
                                                                     {"ipv4", "203.0.113.5"},
                                                                     {"ipv4-net", "198.51.100.0/24"},
                                                                     {"ipv4", "203.0.113.0"},
                                                                     {"domain", "cnc.example.test"},
                                                                     {"domain", "a.example.com"},
                                                                     {"ipv4", "192.0.2.1"},
                                                                     {"sha256", std::string(64, 'a')}}));
    EXPECT_EQ(got.report.skipped.at("type not matched"), 1u);
    EXPECT_EQ(got.report.skipped.at("ipv6 not matched"), 1u);
    EXPECT_EQ(got.report.indicators, 8u);
}

TEST(MispFeedReader, TlpFromAttributeThenEventThenManifestThenDefault) {
    nlohmann::json tagged = attr("ip-dst", "192.0.2.10");
    tagged["Tag"] = {{{"name", "tlp:amber"}}};
    const nlohmann::json plain = attr("ip-dst", "192.0.2.11");
    auto files =
        oneEvent(eventText(kE1, {tagged, plain}, {{"Tag", {{{"name", "tlp:green"}}, {{"name", "TLP:WHITE"}}}}}));
    Read got = read(fromMap(files));
    ASSERT_EQ(got.records.size(), 2u);
    EXPECT_EQ(got.records[0].tlp, "amber");
    EXPECT_EQ(got.records[1].tlp, "green"); // the stricter of green and white

    files = oneEvent(eventText(kE1, {plain}), 1796000000, "[{\"name\":\"tlp:amber+strict\"}]");
    got = read(fromMap(files));
    ASSERT_EQ(got.records.size(), 1u);
    EXPECT_EQ(got.records[0].tlp, "amber+strict");

    MispFeedReadOptions options;
    options.default_tlp = stix::Tlp::Clear;
    got = read(fromMap(oneEvent(eventText(kE1, {plain}))), options);
    ASSERT_EQ(got.records.size(), 1u);
    EXPECT_EQ(got.records[0].tlp, "clear");
}

TEST(MispFeedReader, OnlyEventsNewerThanSinceAndNextSinceStopsBeforeAFailedFetch) {
    Files files = {{"manifest.json", "{\"" + kE1 + "\":{\"timestamp\":100},\"" + kE2 + "\":{\"timestamp\":\"200\"}}"},
                   {kE1 + ".json", eventText(kE1, {attr("ip-dst", "192.0.2.1")})},
                   {kE2 + ".json", eventText(kE2, {attr("ip-dst", "192.0.2.2")})}};
    MispFeedReadOptions options;
    options.since = 150 * kMicrosPerSecond;
    Read got = read(fromMap(files), options);
    ASSERT_EQ(got.records.size(), 1u);
    EXPECT_EQ(got.records[0].value, "192.0.2.2");
    EXPECT_EQ(got.report.next_since, 200 * kMicrosPerSecond);

    files.erase(kE1 + ".json");
    got = read(fromMap(files));
    EXPECT_EQ(got.report.skipped.at("event fetch failed"), 1u);
    EXPECT_EQ(got.records.size(), 1u);
    EXPECT_LT(got.report.next_since, 100 * kMicrosPerSecond); // the failed event is fetched again next time
}

TEST(MispFeedReader, HostileInputIsCountedAndSkippedNeverACrash) {
    nlohmann::json bad_attributes = {
        "not an object",
        {{"uuid", "5a0b0c0d-0000-4000-8000-000000000001"}, {"type", 7}, {"value", "192.0.2.1"}, {"to_ids", true}},
        {{"uuid", "not-a-uuid"}, {"type", "ip-dst"}, {"value", "192.0.2.1"}, {"to_ids", true}},
        attr("ip-dst", "192.0.2.300"),
        attr("ip-dst", "192.0.2.1/33"),
        attr("ip-dst|port", "192.0.2.1"),
        attr("domain", "-bad-.example..test"),
        attr("sha256", std::string(63, 'a')),
        attr("ip-dst", "192.0.2.2", false),
    };
    nlohmann::json huge = attr("ip-dst", "192.0.2.3");
    huge["timestamp"] = 1e300;
    bad_attributes.push_back(huge);
    nlohmann::json deleted = attr("ip-dst", "192.0.2.4");
    deleted["deleted"] = true;
    bad_attributes.push_back(deleted);
    Read got = read(fromMap(oneEvent(eventText(kE1, bad_attributes))));
    EXPECT_TRUE(got.records.empty());
    EXPECT_EQ(got.report.attributes, bad_attributes.size());
    uint64_t skipped = 0;
    for (const auto& [reason, n] : got.report.skipped) {
        skipped += n;
    }
    EXPECT_EQ(skipped, bad_attributes.size());

    const std::vector<std::pair<Files, std::string>> events = {
        {oneEvent("not json"), "event not JSON"},
        {oneEvent("[1,2]"), "no Event object"},
        {oneEvent(eventText(kE2, {})), "event uuid not the manifest's"},
        {oneEvent(std::string(40, '[') + std::string(40, ']')), "event nested too deep"},
        {{{"manifest.json", "{\"../../etc/passwd\":{\"timestamp\":1}}"}}, "bad event uuid"},
        {{{"manifest.json", "{\"" + kE1 + "\":{\"timestamp\":99999999999999999999}}"}}, "bad manifest timestamp"},
        {{{"manifest.json", "{\"" + kE1 + "\":{\"timestamp\":-5}}"}}, "bad manifest timestamp"},
        {{{"manifest.json", "{\"" + kE1 + "\":[]}"}}, "bad manifest timestamp"},
    };
    for (const auto& [files, reason] : events) {
        got = read(fromMap(files));
        EXPECT_TRUE(got.records.empty()) << reason;
        EXPECT_EQ(got.report.events_refused, 1u) << reason;
        EXPECT_EQ(got.report.skipped[reason], 1u) << reason;
    }
    for (const std::string& manifest : std::vector<std::string>{"", "[]", "\"x\"", "{", std::string(100, '{')}) {
        MispFeedReader reader({});
        const auto report =
            reader.read(fromMap({{"manifest.json", manifest}}), [](Record&&) -> Result<void> { return {}; });
        ASSERT_FALSE(report) << manifest;
        EXPECT_EQ(report.error().message.find('\n'), std::string::npos);
    }
}

TEST(MispFeedReader, LimitsBoundTheWork) {
    nlohmann::json many = nlohmann::json::array();
    for (int i = 0; i < 10; ++i) {
        many.push_back(attr("ip-dst", "192.0.2." + std::to_string(i)));
    }
    MispFeedReadOptions options;
    options.limits.max_attributes = 4;
    Read got = read(fromMap(oneEvent(eventText(kE1, many))), options);
    EXPECT_EQ(got.records.size(), 4u);
    EXPECT_EQ(got.report.skipped.at("attribute limit"), 6u);

    options.limits.max_event_bytes = 100;
    got = read(fromMap(oneEvent(eventText(kE1, many))), options);
    EXPECT_EQ(got.report.skipped.at("event too large"), 1u);

    Files two = {{"manifest.json", "{\"" + kE1 + "\":{\"timestamp\":100},\"" + kE2 + "\":{\"timestamp\":200}}"},
                 {kE1 + ".json", eventText(kE1, {attr("ip-dst", "192.0.2.1")})},
                 {kE2 + ".json", eventText(kE2, {attr("ip-dst", "192.0.2.2")})}};
    options = {};
    options.limits.max_events = 1;
    got = read(fromMap(two), options);
    ASSERT_EQ(got.records.size(), 1u);
    EXPECT_EQ(got.records[0].value, "192.0.2.1"); // the oldest first; the other waits for the next pull
    EXPECT_EQ(got.report.next_since, 100 * kMicrosPerSecond);

    options.limits.max_manifest_bytes = 10;
    MispFeedReader reader(options);
    EXPECT_FALSE(reader.read(fromMap(two), [](Record&&) -> Result<void> { return {}; }));
}

TEST(MispFeedReader, ObjectAttributesCountAndASinkErrorStopsTheRead) {
    nlohmann::json object = {{"name", "file"}, {"Attribute", {attr("sha256", std::string(64, 'b'))}}};
    const auto files = oneEvent(eventText(kE1, {attr("ip-dst", "192.0.2.1")}, {{"Object", {object}}}));
    Read got = read(fromMap(files));
    ASSERT_EQ(got.records.size(), 2u);
    EXPECT_EQ(got.records[1].kind, "sha256");
    MispFeedReader reader({});
    const auto failed = reader.read(fromMap(files), [](Record&&) -> Result<void> { return fail("store full"); });
    ASSERT_FALSE(failed);
    EXPECT_EQ(failed.error().message, "store full");
}

} // namespace
} // namespace kansoku::share::misp
