// HyperLogLog: estimates within the documented error (1.6% standard error for 4,096 registers) from
// one value to a million, merging is the union, and kept registers that are not a sketch are refused.

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "common/hyperloglog.h"

namespace kansoku {
namespace {

HyperLogLog sketchOf(int first, int count) {
    HyperLogLog h;
    for (int i = first; i < first + count; ++i) {
        h.add(HyperLogLog::hashKey("198.51." + std::to_string(i / 256) + "." + std::to_string(i % 256)));
    }
    return h;
}

TEST(HyperLogLog, EmptyIsZeroAndSmallCountsAreNearlyExact) {
    EXPECT_EQ(HyperLogLog().estimate(), 0u);
    EXPECT_TRUE(HyperLogLog().empty());
    EXPECT_EQ(sketchOf(0, 1).estimate(), 1u);
    EXPECT_NEAR(static_cast<double>(sketchOf(0, 100).estimate()), 100.0, 2.0);
}

TEST(HyperLogLog, ErrorStaysWithinFourStandardErrors) {
    for (const int n : {1000, 10'000, 100'000, 1'000'000}) {
        const double estimate = static_cast<double>(sketchOf(0, n).estimate());
        EXPECT_LT(std::abs(estimate - n) / n, 4 * 0.0163) << n << " estimated as " << estimate;
    }
}

TEST(HyperLogLog, MergeIsTheUnion) {
    HyperLogLog a = sketchOf(0, 30'000);
    const HyperLogLog b = sketchOf(20'000, 30'000); // overlaps a by 10,000
    const HyperLogLog both = sketchOf(0, 50'000);
    HyperLogLog kept;
    ASSERT_TRUE(kept.merge(b.registers()));
    a.merge(kept);
    EXPECT_EQ(a.registers(), both.registers());
    EXPECT_EQ(a.estimate(), both.estimate());
}

TEST(HyperLogLog, RefusesRegistersThatAreNotASketch) {
    HyperLogLog h = sketchOf(0, 10);
    const std::string before(h.registers());
    EXPECT_FALSE(h.merge(std::string(10, '\0')));
    EXPECT_FALSE(h.merge(std::string(HyperLogLog::kRegisters, static_cast<char>(200)))); // ranks beyond 53
    EXPECT_EQ(std::string(h.registers()), before);
    EXPECT_TRUE(h.merge(std::string(HyperLogLog::kRegisters, '\0')));
    EXPECT_EQ(std::string(h.registers()), before);
}

} // namespace
} // namespace kansoku
