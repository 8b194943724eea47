#include <gtest/gtest.h>

#include "intel/correlation_consumer.h"
#include "store/sqlite_store.h"
#include "support/correlation_events.h"
#include "temp_dir.h"

namespace kansoku::intel {
namespace {

using namespace kansoku::testing;

constexpr Timestamp kT0 = 1'714'564'800'000'000; // 2024-05-01T12:00:00Z

TEST(CorrelationConsumer, FlushWritesRowsAndAnnouncesChanges) {
    TempDir dir;
    auto db = store::SqliteStore::open((dir.path() / "k.db").string(), store::OpenMode::ReadWriteCreate);
    ASSERT_TRUE(db) << db.error().message;
    CollectingSink bus; // validated against the schemas by the event tap
    CorrelationConsumer consumer(std::make_unique<Correlator>(CorrelationConfig{}), db->get(), bus, "center-1");

    consumer.publish(scanEvent("198.51.100.7", "mirai", {23, 2323}, kT0));
    consumer.publish(scanEvent("198.51.100.8", "nmap", {23}, kT0));
    consumer.publish(sampleEvent(std::string(64, 'a'), {"mirai_table_xor22"}, kT0));
    consumer.publish(
        sandboxEvent(std::string(64, 'a'), {{{"192.0.2.10", 6667}}, {{"cnc.example.test", ""}}, "", {}}, kT0 + 1));
    consumer.publish(makeEvent("intel.infected_host", kT0)); // its own kind of event: ignored
    ASSERT_TRUE(consumer.flush());

    ASSERT_EQ(bus.events.size(), 3U);
    const Event& host = bus.events[0];
    EXPECT_EQ(host.type, "intel.infected_host");
    EXPECT_EQ(host.sensor, "center-1");
    EXPECT_EQ(host.ts, kT0);
    EXPECT_EQ(host.fields["ip"], "198.51.100.7");
    EXPECT_EQ(host.fields["family"], "mirai");
    EXPECT_EQ(host.fields["confidence"], 60);
    EXPECT_TRUE(host.fields["asn"].is_null());
    EXPECT_EQ(host.fields["evidence"][0]["type"], "darknet.scan");
    EXPECT_EQ(bus.events[1].type, "intel.c2");
    EXPECT_EQ(bus.events[1].fields["indicator"], "192.0.2.10");
    EXPECT_EQ(bus.events[2].fields["kind"], "domain");

    auto row = (*db)->infectedHost(*IpAddress::parse("198.51.100.7"));
    ASSERT_TRUE(row && *row);
    EXPECT_EQ((*row)->family, "mirai");
    EXPECT_EQ((*row)->confidence, 60);
    EXPECT_EQ((*row)->evidence.size(), 1U);
    auto absent = (*db)->infectedHost(*IpAddress::parse("198.51.100.8"));
    ASSERT_TRUE(absent);
    EXPECT_FALSE(*absent);
    auto c2 = (*db)->c2Records(std::nullopt);
    ASSERT_TRUE(c2);
    EXPECT_EQ(c2->size(), 2U);

    // Nothing changed: nothing announced, nothing written.
    ASSERT_TRUE(consumer.flush());
    EXPECT_EQ(bus.events.size(), 3U);
    EXPECT_EQ(consumer.announced(), 3U);
}

TEST(CorrelationConsumer, WithoutADatabaseOnlyAnnounces) {
    CollectingSink bus;
    CorrelationConsumer consumer(std::make_unique<Correlator>(CorrelationConfig{}), nullptr, bus, "center-1");
    consumer.publish(scanEvent("198.51.100.7", "mirai", {23}, kT0));
    ASSERT_TRUE(consumer.flush());
    EXPECT_EQ(bus.events.size(), 1U);
}

} // namespace
} // namespace kansoku::intel
