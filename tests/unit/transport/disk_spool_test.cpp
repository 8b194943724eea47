#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "transport/disk_spool.h"

namespace kansoku::transport {
namespace {

class DiskSpoolTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ =
            std::filesystem::temp_directory_path() / ("kansoku-spool-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::unique_ptr<DiskSpool> open(uint64_t max_bytes = 1 << 20, uint64_t segment_bytes = 4096) {
        auto spool = DiskSpool::open({dir_.string(), max_bytes, segment_bytes, std::chrono::milliseconds(0)});
        EXPECT_TRUE(spool) << spool.error().message;
        return std::move(*spool);
    }

    std::filesystem::path dir_;
};

TEST_F(DiskSpoolTest, HandsOutSequencesInOrderAndReadsThemBack) {
    auto spool = open(1 << 20, 1024);
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(spool->append("darknet.scan", "event " + std::to_string(i)), static_cast<uint64_t>(i + 1));
    }
    auto records = spool->read(60, std::chrono::milliseconds(0));
    ASSERT_EQ(records.size(), 60u);
    EXPECT_EQ(records.front().sequence, 1u);
    EXPECT_EQ(records.front().topic, "darknet.scan");
    EXPECT_EQ(records.back().body, "event 59");
    records = spool->read(100, std::chrono::milliseconds(0));
    ASSERT_EQ(records.size(), 40u);
    EXPECT_EQ(records.back().sequence, 100u);
    EXPECT_GT(spool->counters().segments, 1u); // 1 KiB segments
}

TEST_F(DiskSpoolTest, RewindSendsAgainFromTheFirstUnacknowledged) {
    auto spool = open();
    for (int i = 0; i < 50; ++i) {
        spool->append("t", std::string(100, 'x'));
    }
    auto first = spool->read(20, std::chrono::milliseconds(0));
    ASSERT_TRUE(spool->acknowledge(first.back().sequence));
    (void)spool->read(20, std::chrono::milliseconds(0)); // 21..40 sent, not acknowledged
    spool->rewind();
    auto again = spool->read(100, std::chrono::milliseconds(0));
    ASSERT_EQ(again.size(), 30u);
    EXPECT_EQ(again.front().sequence, 21u);
    EXPECT_EQ(again.back().sequence, 50u);
}

TEST_F(DiskSpoolTest, ResumesAfterReopenWithoutLosingOrRepeating) {
    {
        auto spool = open();
        for (int i = 0; i < 200; ++i) {
            spool->append("t", "e" + std::to_string(i));
        }
        auto sent = spool->read(150, std::chrono::milliseconds(0));
        ASSERT_TRUE(spool->acknowledge(sent.back().sequence));
        ASSERT_TRUE(spool->sync());
    }
    auto spool = open();
    EXPECT_EQ(spool->counters().acknowledged, 150u);
    EXPECT_EQ(spool->counters().pending, 50u);
    auto rest = spool->read(1000, std::chrono::milliseconds(0));
    ASSERT_EQ(rest.size(), 50u);
    EXPECT_EQ(rest.front().sequence, 151u);
    EXPECT_EQ(rest.front().body, "e150");
    // New events continue the numbering.
    EXPECT_EQ(spool->append("t", "next"), 201u);
}

TEST_F(DiskSpoolTest, CutsATornRecordAtOpen) {
    {
        auto spool = open(1 << 20, 1 << 20);
        for (int i = 0; i < 10; ++i) {
            spool->append("t", "e" + std::to_string(i));
        }
        ASSERT_TRUE(spool->sync());
    }
    // A crash in the middle of a write: the last record's tail is missing.
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
        if (entry.path().extension() == ".seg" && entry.file_size() > 0) {
            std::filesystem::resize_file(entry.path(), entry.file_size() - 3);
        }
    }
    auto spool = open(1 << 20, 1 << 20);
    EXPECT_EQ(spool->counters().torn_bytes, 21u - 3u); // what was left of the last record (8 + 10 + 1 + 2 bytes)
    auto records = spool->read(100, std::chrono::milliseconds(0));
    ASSERT_EQ(records.size(), 9u);
    EXPECT_EQ(spool->append("t", "after"), 10u);
}

TEST_F(DiskSpoolTest, AFullSpoolDropsTheNewestAndCountsThem) {
    auto spool = open(/*max_bytes=*/2048, /*segment_bytes=*/1024);
    uint64_t accepted = 0;
    for (int i = 0; i < 100; ++i) {
        if (spool->append("t", std::string(100, 'x'))) {
            ++accepted;
        }
    }
    EXPECT_LT(accepted, 100u);
    EXPECT_EQ(spool->counters().dropped_full, 100u - accepted);
    // The oldest are kept, in order, and acknowledging them makes room again.
    auto records = spool->read(1000, std::chrono::milliseconds(0));
    ASSERT_EQ(records.size(), accepted);
    EXPECT_EQ(records.front().sequence, 1u);
    ASSERT_TRUE(spool->acknowledge(records.back().sequence));
    EXPECT_TRUE(spool->append("t", std::string(100, 'x')));
}

TEST_F(DiskSpoolTest, DeletesSegmentsOnceAcknowledged) {
    auto spool = open(1 << 20, 1024);
    for (int i = 0; i < 100; ++i) {
        spool->append("t", std::string(100, 'x'));
    }
    auto records = spool->read(1000, std::chrono::milliseconds(0));
    ASSERT_TRUE(spool->acknowledge(records.back().sequence));
    ASSERT_TRUE(spool->sync());
    size_t segments = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
        segments += entry.path().extension() == ".seg" ? 1 : 0;
    }
    EXPECT_LE(segments, 2u);
    EXPECT_EQ(spool->counters().pending, 0u);
}

} // namespace
} // namespace kansoku::transport
