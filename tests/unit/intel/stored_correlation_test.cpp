#include <gtest/gtest.h>

#include "intel/stored_correlation.h"
#include "store/sqlite_store.h"
#include "support/correlation_events.h"
#include "temp_dir.h"

namespace kansoku::intel {
namespace {

using namespace kansoku::testing;

constexpr Timestamp kT0 = 1'714'564'800'000'000; // 2024-05-01T12:00:00Z
constexpr Timestamp kSecond = kMicrosPerSecond;
const std::string kSha = std::string(64, 'b');

class StoredCorrelationTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = store::SqliteStore::open((dir_.path() / "k.db").string(), store::OpenMode::ReadWriteCreate);
        ASSERT_TRUE(opened) << opened.error().message;
        db_ = std::move(*opened);
    }
    void store(const std::vector<Event>& events) {
        ASSERT_TRUE(db_->begin());
        for (const Event& e : events) {
            ASSERT_TRUE(db_->append(e));
        }
        ASSERT_TRUE(db_->commit());
    }
    std::optional<store::InfectedHostRecord> row(std::string_view ip) {
        auto found = db_->infectedHost(*IpAddress::parse(ip));
        EXPECT_TRUE(found);
        return found ? *found : std::nullopt;
    }

    TempDir dir_;
    std::unique_ptr<store::SqliteStore> db_;
};

TEST_F(StoredCorrelationTest, StoredEventsBecomeRows) {
    // Stored in arrival order: the scan comes before the sandbox report that explains it, the
    // honeypot session's events are interleaved with others.
    store({
        scanEvent("198.51.100.1", "unknown", {23}, kT0),
        scanEvent("198.51.100.2", "nmap", {23}, kT0),
        scanEvent("198.51.100.3", "mirai", {23, 2323}, kT0),
        loginEvent("00000000000000a1", "198.51.100.4", true, kT0 + kSecond),
        scanEvent("198.51.100.5", "zmap", {80}, kT0 + kSecond),
        downloadEvent("00000000000000a1", "198.51.100.4", kSha, kT0 + 2 * kSecond),
        sampleEvent(kSha, {"gafgyt_commands"}, kT0 + 3 * kSecond),
        sandboxEvent(kSha, {{{"192.0.2.10", 6667}}, {}, "unknown", {23, 2323}}, kT0 + 4 * kSecond),
        attackEvent("192.0.2.99", "reflector", kT0 + 5 * kSecond),
    });
    Correlator correlator{CorrelationConfig{}};
    uint64_t last_done = 0;
    uint64_t total = 0;
    StoredCorrelationOptions options;
    options.progress = [&](uint64_t done, uint64_t all) {
        last_done = done;
        total = all;
    };
    auto summary = correlateStored(*db_, correlator, options);
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(summary->events, 9U);
    EXPECT_EQ(total, 9U);
    EXPECT_EQ(last_done, 9U);
    EXPECT_EQ(summary->hosts, 3U);
    EXPECT_EQ(summary->c2, 1U);

    EXPECT_EQ(row("198.51.100.1")->family, "gafgyt"); // macro-micro
    EXPECT_EQ(row("198.51.100.3")->family, "mirai");  // fingerprint
    const auto loader = row("198.51.100.4");
    ASSERT_TRUE(loader);
    EXPECT_EQ(loader->family, "gafgyt");
    EXPECT_EQ(loader->confidence, 95);
    EXPECT_FALSE(row("198.51.100.2")); // nmap
    EXPECT_FALSE(row("198.51.100.5")); // zmap
    EXPECT_FALSE(row("192.0.2.99"));   // a victim
    auto c2 = db_->c2Records(std::nullopt);
    ASSERT_TRUE(c2);
    ASSERT_EQ(c2->size(), 1U);
    EXPECT_EQ((*c2)[0].family, "gafgyt");
}

TEST_F(StoredCorrelationTest, SinceLimitsTheEventsRead) {
    store({scanEvent("198.51.100.3", "mirai", {23}, kT0), scanEvent("198.51.100.6", "mirai", {23}, kT0 + kSecond)});
    Correlator correlator{CorrelationConfig{}};
    StoredCorrelationOptions options;
    options.since = kT0 + kSecond;
    auto summary = correlateStored(*db_, correlator, options);
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->events, 1U);
    EXPECT_FALSE(row("198.51.100.3"));
    EXPECT_TRUE(row("198.51.100.6"));
}

TEST_F(StoredCorrelationTest, MalformedStoredEventsAreCounted) {
    Event wrong = makeEvent("honeypot.login", kT0); // valid JSON of the wrong shape
    wrong.fields = Json{{"session", 5}};
    store({scanEvent("198.51.100.3", "mirai", {23}, kT0), wrong});
    Correlator correlator{CorrelationConfig{}};
    auto summary = correlateStored(*db_, correlator, {});
    ASSERT_TRUE(summary);
    EXPECT_EQ(summary->events, 2U);
    EXPECT_EQ(summary->counters.malformed, 1U);
    EXPECT_EQ(summary->hosts, 1U);
}

} // namespace
} // namespace kansoku::intel
