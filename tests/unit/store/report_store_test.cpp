#include <gtest/gtest.h>

#include "support/test_database.h"

namespace kansoku::store {
namespace {

constexpr Timestamp kT0 = 1'714'564'800'000'000; // 2024-05-01T12:00:00Z
constexpr Timestamp kDay = 86'400'000'000;

ReportRecord report(std::string isp, Timestamp since, Timestamp until, std::string format = "csv") {
    ReportRecord r;
    r.isp = std::move(isp);
    r.created = until;
    r.since = since;
    r.until = until;
    r.format = std::move(format);
    r.name = r.isp + "." + r.format;
    r.body = std::string("ip,family\r\n192.0.2.1,mirai\r\n\0binary-safe", 40);
    r.hosts = 1;
    return r;
}

class ReportStoreTest : public kansoku::testing::StoreEngineTest {
protected:
};

TEST_P(ReportStoreTest, KeepsTheBodyByteForByteAndListsWithoutIt) {
    const ReportRecord added = report("isp-a", kT0, kT0 + kDay);
    const auto id = store_->addReport(added);
    ASSERT_TRUE(id) << id.error().message;
    const auto found = store_->report(*id);
    ASSERT_TRUE(found && found->has_value());
    EXPECT_EQ((*found)->body, added.body);
    EXPECT_EQ((*found)->isp, "isp-a");
    EXPECT_EQ((*found)->since, kT0);
    EXPECT_EQ((*found)->until, kT0 + kDay);
    EXPECT_EQ((*found)->format, "csv");
    EXPECT_EQ((*found)->hosts, 1);
    const auto listed = store_->reports({});
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->size(), 1u);
    EXPECT_TRUE(listed->front().body.empty());
    EXPECT_EQ(listed->front().id, *id);
    EXPECT_FALSE(store_->report(*id + 100)->has_value());
}

TEST_P(ReportStoreTest, ListsOneIspNewestFirst) {
    const auto a1 = *store_->addReport(report("isp-a", kT0, kT0 + kDay));
    const auto b1 = *store_->addReport(report("isp-b", kT0, kT0 + kDay));
    const auto a2 = *store_->addReport(report("isp-a", kT0 + kDay, kT0 + 2 * kDay, "xarf"));
    const auto a = store_->reports({std::string("isp-a"), 0});
    ASSERT_TRUE(a);
    ASSERT_EQ(a->size(), 2u);
    EXPECT_EQ((*a)[0].id, a2);
    EXPECT_EQ((*a)[1].id, a1);
    EXPECT_EQ(store_->reports({})->size(), 3u);
    EXPECT_EQ(store_->reports({std::nullopt, 1})->front().id, a2);
    EXPECT_NE(b1, a1);
    EXPECT_TRUE(store_->reports({std::string("nobody"), 0})->empty());
}

TEST_P(ReportStoreTest, LastReportUntilIsWhereTheNextPeriodStarts) {
    EXPECT_FALSE(store_->lastReportUntil("isp-a")->has_value());
    store_->addReport(report("isp-a", kT0, kT0 + 2 * kDay));
    store_->addReport(report("isp-a", kT0, kT0 + kDay)); // an on-demand report over an older period
    store_->addReport(report("isp-b", kT0, kT0 + 5 * kDay));
    EXPECT_EQ(store_->lastReportUntil("isp-a")->value_or(0), kT0 + 2 * kDay);
}

TEST_P(ReportStoreTest, NumbersDeliveryAttemptsPerReport) {
    const auto r1 = *store_->addReport(report("isp-a", kT0, kT0 + kDay));
    const auto r2 = *store_->addReport(report("isp-a", kT0 + kDay, kT0 + 2 * kDay));
    EXPECT_EQ(store_->addDelivery({r1, 0, kT0, "abuse@a.example", "failed", "connect timeout"}).value_or(-1), 1);
    EXPECT_EQ(store_->addDelivery({r2, 0, kT0, "abuse@a.example", "sent", "250 ok"}).value_or(-1), 1);
    EXPECT_EQ(store_->addDelivery({r1, 0, kT0 + 5, "abuse@a.example", "sent", "250 ok"}).value_or(-1), 2);
    const auto d = store_->deliveries(r1);
    ASSERT_TRUE(d);
    ASSERT_EQ(d->size(), 2u);
    EXPECT_EQ((*d)[0].attempt, 1);
    EXPECT_EQ((*d)[0].outcome, "failed");
    EXPECT_EQ((*d)[0].detail, "connect timeout");
    EXPECT_EQ((*d)[1].attempt, 2);
    EXPECT_EQ((*d)[1].ts, kT0 + 5);
    EXPECT_EQ((*d)[1].recipient, "abuse@a.example");
}

TEST_P(ReportStoreTest, RefusesADeliveryOfAnUnknownReport) {
    EXPECT_FALSE(store_->addDelivery({12345, 0, kT0, "abuse@a.example", "sent", ""}));
}

INSTANTIATE_TEST_SUITE_P(Engines, ReportStoreTest, kansoku::testing::kStoreEngines, kansoku::testing::engineName);

} // namespace
} // namespace kansoku::store
