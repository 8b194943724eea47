#include <gtest/gtest.h>

#include "host_fixture.h"
#include "share/isp/isp_reporter.h"
#include "store/sqlite_store.h"
#include "support/temp_store.h"

namespace kansoku::share::isp {
namespace {

using testing::infectedHost;
using testing::kHour;
using testing::kT0;

store::IspRecord isp(std::string name, std::vector<std::string> prefixes, std::vector<uint32_t> asns = {}) {
    store::IspRecord r;
    r.name = std::move(name);
    r.key_hash = r.name + "-hash";
    r.abuse = "abuse@" + r.name + ".example";
    for (const auto& p : prefixes) {
        r.scope.prefixes.push_back(*Prefix::parse(p));
    }
    r.scope.asns = std::move(asns);
    return r;
}

class ReportBuilderTest : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = kansoku::testing::openTempStore(dir_);
        ASSERT_NE(store_, nullptr);
        // ISP A: 192.0.2.0/25 and AS64500; ISP B: 192.0.2.128/25.
        for (const auto& [ip, seen, asn] : std::vector<std::tuple<std::string, Timestamp, std::optional<uint32_t>>>{
                 {"192.0.2.1", kT0, std::nullopt},
                 {"192.0.2.2", kT0 - 48 * kHour, std::nullopt}, // seen before the period
                 {"198.51.100.7", kT0, 64500},                  // A's by its AS
                 {"192.0.2.200", kT0, std::nullopt},            // B's
                 {"203.0.113.5", kT0, 64999}}) {                // nobody's
            ASSERT_TRUE(store_->upsertInfectedHost(infectedHost(ip, seen, asn), seen));
        }
        // Seen again: still one host, one row.
        ASSERT_TRUE(store_->upsertInfectedHost(infectedHost("192.0.2.1", kT0 + kHour), kT0 + kHour));
    }
    std::vector<std::string> ips(const std::vector<store::InfectedHostRecord>& hosts) {
        std::vector<std::string> out;
        for (const auto& h : hosts) {
            out.push_back(h.ip.toString());
        }
        return out;
    }
    kansoku::testing::TempDir dir_;
    std::unique_ptr<store::SqliteStore> store_;
    const store::IspRecord a_ = isp("isp-a", {"192.0.2.0/25"}, {64500});
    const store::IspRecord b_ = isp("isp-b", {"192.0.2.128/25"});
    const ReportPeriod day_{kT0 - 24 * kHour, kT0 + 2 * kHour};
};

TEST_F(ReportBuilderTest, TakesOnlyTheIspsHostsSeenInThePeriodOncePerHost) {
    auto a = hostsInScope(*store_, a_, day_);
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(ips(*a), (std::vector<std::string>{"192.0.2.1", "198.51.100.7"}));
    auto b = hostsInScope(*store_, b_, day_);
    ASSERT_TRUE(b);
    EXPECT_EQ(ips(*b), (std::vector<std::string>{"192.0.2.200"}));
    EXPECT_TRUE(hostsInScope(*store_, isp("empty", {}), day_)->empty());
}

TEST_F(ReportBuilderTest, StoresOneReportPerFormatAndTheCsvHoldsOneRowPerHost) {
    IspReporter reporter(*store_, *store_, NotifyConfig{});
    auto run = reporter.run(a_, day_, {"csv", "xarf"}, nullptr, kT0 + 2 * kHour);
    ASSERT_TRUE(run) << run.error().message;
    ASSERT_EQ(run->reports.size(), 2u);
    EXPECT_FALSE(run->delivery.has_value());
    const auto& csv = run->reports[0];
    EXPECT_EQ(csv.record.format, "csv");
    EXPECT_EQ(csv.record.hosts, 2);
    EXPECT_EQ(csv.record.name, "kansoku-isp-a-20240501T140000Z.csv");
    size_t lines = 0;
    for (size_t at = csv.record.body.find("\r\n"); at != std::string::npos; at = csv.record.body.find("\r\n", at + 1)) {
        ++lines;
    }
    EXPECT_EQ(lines, 3u); // header + 2 hosts
    EXPECT_NE(csv.record.body.find("192.0.2.1,"), std::string::npos);
    EXPECT_EQ(csv.record.body.find("192.0.2.200"), std::string::npos);
    EXPECT_EQ(csv.record.body.find("203.0.113.5"), std::string::npos);
    const auto& xarf = run->reports[1];
    EXPECT_EQ(xarf.record.format, "xarf");
    EXPECT_EQ(xarf.files.size(), 2u);
    EXPECT_EQ(nlohmann::json::parse(xarf.record.body).size(), 2u);

    const auto stored = store_->report(csv.record.id);
    ASSERT_TRUE(stored && stored->has_value());
    EXPECT_EQ((*stored)->body, csv.record.body);
    EXPECT_EQ((*stored)->since, day_.since);
    EXPECT_EQ(store_->lastReportUntil("isp-a")->value_or(0), day_.until);
    EXPECT_FALSE(reporter.run(a_, day_, {"pdf"}, nullptr, kT0));

    // A stored report gives back the same files (a failed mailing is sent again from the store).
    for (const auto& built : run->reports) {
        const auto again = rebuiltReport(**store_->report(built.record.id));
        ASSERT_EQ(again.files.size(), built.files.size());
        for (size_t i = 0; i < built.files.size(); ++i) {
            EXPECT_EQ(again.files[i].filename, built.files[i].filename);
            EXPECT_EQ(again.files[i].content_type, built.files[i].content_type);
            EXPECT_EQ(again.files[i].content, built.files[i].content);
        }
    }
}

} // namespace
} // namespace kansoku::share::isp
