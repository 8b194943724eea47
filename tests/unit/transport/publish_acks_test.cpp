#include <gtest/gtest.h>

#include "transport/publish_acks.h"

namespace kansoku::transport {
namespace {

TEST(PublishAcks, TheWatermarkFollowsContiguousAcknowledgements) {
    PublishAcks acks;
    acks.reset(10);
    acks.acknowledged(11, false);
    acks.acknowledged(13, false); // out of order: waits above the watermark
    EXPECT_EQ(acks.contiguous(), 11u);
    acks.acknowledged(12, true);
    EXPECT_EQ(acks.contiguous(), 13u);
    EXPECT_EQ(acks.duplicates(), 1u);
    acks.acknowledged(5, false); // already below
    EXPECT_EQ(acks.contiguous(), 13u);
}

TEST(PublishAcks, AFailureIsKeptUntilReset) {
    PublishAcks acks;
    acks.reset(0);
    acks.acknowledged(1, false);
    acks.failed();
    EXPECT_TRUE(acks.hasFailed());
    acks.waitPast(100, std::chrono::milliseconds(1000)); // returns at once: failed
    acks.reset(acks.contiguous());
    EXPECT_FALSE(acks.hasFailed());
    EXPECT_EQ(acks.contiguous(), 1u);
}

} // namespace
} // namespace kansoku::transport
