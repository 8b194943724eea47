#include <gtest/gtest.h>

#include "host_fixture.h"
#include "share/isp/report_scheduler.h"

namespace kansoku::share::isp {
namespace {

using testing::kHour;
using testing::kT0; // 2024-05-01T12:00:00Z

TEST(NextReport, IsDueAnIntervalAfterTheLastReportEnded) {
    NotifyConfig c;
    c.report_interval = Duration::fromHours(24);
    const auto first = nextReport(c, std::nullopt, kT0); // a new ISP: due now, over the day before
    EXPECT_EQ(first.since, kT0 - 24 * kHour);
    EXPECT_EQ(first.due, kT0);
    const auto next = nextReport(c, kT0 + 30 * kHour, kT0);
    EXPECT_EQ(next.since, kT0 + 30 * kHour); // the period starts where the stored one ended
    EXPECT_EQ(next.due, kT0 + 54 * kHour);
}

TEST(NextReport, IsDueAtTheReportTimeAfterTheLastReportEnded) {
    NotifyConfig c;
    c.report_time = "06:00";
    const auto before = nextReport(c, kT0, 0); // ended at 12:00: due tomorrow 06:00
    EXPECT_EQ(before.due, kT0 + 18 * kHour);
    EXPECT_EQ(before.since, kT0);
    const auto same_day = nextReport(c, kT0 - 8 * kHour, 0); // ended 04:00: due 06:00 that day
    EXPECT_EQ(same_day.due, kT0 - 6 * kHour);
    const auto exact = nextReport(c, kT0 - 6 * kHour, 0); // ended exactly at 06:00: the next day's
    EXPECT_EQ(exact.due, kT0 + 18 * kHour);
    const auto first = nextReport(c, std::nullopt, kT0); // a new ISP: the next 06:00, over the day before
    EXPECT_EQ(first.due, kT0 + 18 * kHour);
    EXPECT_EQ(first.since, kT0 - 24 * kHour);
}

TEST(NextReport, ParsesReportTimes) {
    EXPECT_EQ(parseReportTime("00:00"), 0);
    EXPECT_EQ(parseReportTime("23:59"), 23 * 60 + 59);
    EXPECT_EQ(parseReportTime("24:00"), -1);
    EXPECT_EQ(parseReportTime("6:00"), -1);
    EXPECT_EQ(parseReportTime("06-00"), -1);
}

} // namespace
} // namespace kansoku::share::isp

namespace kansoku::share::isp {
namespace {

store::DeliveryRecord delivery(std::string_view outcome, Timestamp ts) {
    return {1, 0, ts, "abuse@isp-a.example", std::string(outcome), ""};
}

TEST(ShouldResend, OnlyAFailedMailingAfterTheBackoffWithinThePeriod) {
    NotifyConfig c;
    c.max_backoff = Duration::fromMinutes(30);
    c.report_interval = Duration::fromHours(24);
    const Timestamp until = kT0;
    const std::vector<store::DeliveryRecord> failed = {delivery("failed", kT0), delivery("failed", kT0 + 1)};
    EXPECT_TRUE(shouldResend(c, failed, until, kT0 + kHour));
    EXPECT_FALSE(shouldResend(c, failed, until, kT0 + 10 * kMicrosPerMinute)); // too soon after the last attempt
    EXPECT_FALSE(shouldResend(c, failed, until, kT0 + 24 * kHour));            // the next report carries on
    EXPECT_FALSE(shouldResend(c, {}, until, kT0 + kHour));                     // never mailed (no --send)
    EXPECT_FALSE(shouldResend(c, {delivery("failed", kT0), delivery("sent", kT0 + 1)}, until, kT0 + kHour));
    EXPECT_FALSE(shouldResend(c, {delivery("suppressed", kT0)}, until, kT0 + kHour));
}

} // namespace
} // namespace kansoku::share::isp
