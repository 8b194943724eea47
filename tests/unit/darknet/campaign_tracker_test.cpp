// Campaigns: grouping by (protocol, main port, fingerprint), the size threshold, new sources and
// growth from one window to the next.

#include <gtest/gtest.h>

#include "darknet/campaign_tracker.h"
#include "test_packets.h"

namespace kansoku::darknet {
namespace {

using testing::kT0;

constexpr Timestamp kWindow = 600 * kMicrosPerSecond;
constexpr uint8_t kTcp = 6;

IpAddress bot(uint32_t i) {
    return IpAddress::fromV4(0xC6336400U + i);
} // 198.51.100.i

std::vector<Event> campaigns(const CollectingSink& sink) {
    std::vector<Event> out;
    for (const auto& e : sink.events) {
        if (e.type == "darknet.campaign") {
            out.push_back(e);
        }
    }
    return out;
}

TEST(CampaignTracker, GroupsByPortAndToolAboveMinimumSize) {
    CollectingSink sink;
    CampaignTracker tracker({}, sink);
    for (uint32_t i = 1; i <= 5; ++i) {
        tracker.observe({kTcp, 23, ScannerTool::Mirai}, bot(i), true, 10);
    }
    tracker.observe({kTcp, 23, ScannerTool::Unknown}, bot(9), true, 10); // another fingerprint
    tracker.observe({kTcp, 443, ScannerTool::Zmap}, bot(7), true, 256);  // a group of one
    tracker.observe({kTcp, 443, ScannerTool::Zmap}, bot(8), true, 256);  // ... and two: below 3
    tracker.endWindow(kT0, kT0 + kWindow);
    const auto found = campaigns(sink);
    ASSERT_EQ(found.size(), 1U);
    EXPECT_EQ(found[0].fields["campaign"], "tcp/23/mirai");
    EXPECT_EQ(found[0].fields["sources"], 5);
    EXPECT_EQ(found[0].fields["new_sources"], 5);
    EXPECT_EQ(found[0].fields["packets"], 50);
    EXPECT_TRUE(found[0].fields["growth"].is_null());
    EXPECT_EQ(found[0].fields["sample_sources"].size(), 5U);
    EXPECT_EQ(found[0].fields["sample_sources"][0], "198.51.100.1");
}

TEST(CampaignTracker, GrowthAgainstThePreviousWindow) {
    CollectingSink sink;
    CampaignTracker tracker({}, sink);
    for (uint32_t i = 1; i <= 4; ++i) {
        tracker.observe({kTcp, 23, ScannerTool::Mirai}, bot(i), true, 1);
    }
    tracker.endWindow(kT0, kT0 + kWindow);
    for (uint32_t i = 1; i <= 10; ++i) {
        tracker.observe({kTcp, 23, ScannerTool::Mirai}, bot(i), i > 4, 1);
    }
    tracker.endWindow(kT0 + kWindow, kT0 + 2 * kWindow);
    const auto found = campaigns(sink);
    ASSERT_EQ(found.size(), 2U);
    EXPECT_EQ(found[1].fields["sources"], 10);
    EXPECT_EQ(found[1].fields["new_sources"], 6);
    EXPECT_EQ(found[1].fields["previous_sources"], 4);
    EXPECT_DOUBLE_EQ(found[1].fields["growth"].get<double>(), 2.5);
}

TEST(CampaignTracker, SampleIsTheLowestAddressesWhateverTheOrder) {
    CollectingSink sink;
    CampaignTracker tracker({}, sink);
    for (const uint32_t i : {9U, 3U, 7U, 1U, 8U, 2U, 6U}) {
        tracker.observe({kTcp, 80, ScannerTool::Masscan}, bot(i), true, 1);
    }
    tracker.endWindow(kT0, kT0 + kWindow);
    const auto found = campaigns(sink);
    ASSERT_EQ(found.size(), 1U);
    const auto& sample = found[0].fields["sample_sources"];
    ASSERT_EQ(sample.size(), 5U);
    EXPECT_EQ(sample[0], "198.51.100.1");
    EXPECT_EQ(sample[4], "198.51.100.7");
}

TEST(CampaignTracker, GroupLimitCountsWhatItDrops) {
    CollectingSink sink;
    CampaignTrackerOptions options;
    options.max_groups = 2;
    CampaignTracker tracker(options, sink);
    tracker.observe({kTcp, 1, ScannerTool::Unknown}, bot(1), true, 1);
    tracker.observe({kTcp, 2, ScannerTool::Unknown}, bot(2), true, 1);
    tracker.observe({kTcp, 3, ScannerTool::Unknown}, bot(3), true, 1);
    EXPECT_EQ(tracker.droppedSources(), 1U);
}

} // namespace
} // namespace kansoku::darknet
