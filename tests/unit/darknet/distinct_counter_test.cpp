#include <gtest/gtest.h>

#include "common/ip_address.h"
#include "darknet/distinct_counter.h"

namespace kansoku::darknet {
namespace {

/// A counter that checks, on every insert, that the reported heap deltas add up to heapBytes().
class Counter {
public:
    explicit Counter(DistinctPolicy policy = {}) : policy_(policy) {}
    void insert(uint32_t value) {
        heap_ += counter_.insert(value, policy_);
        EXPECT_EQ(static_cast<ptrdiff_t>(counter_.heapBytes()), heap_);
    }
    uint64_t count() const { return counter_.count(); }
    size_t heapBytes() const { return counter_.heapBytes(); }
    bool isExact() const { return counter_.isExact(); }
    DistinctCounter& raw() { return counter_; }

private:
    DistinctPolicy policy_;
    DistinctCounter counter_;
    ptrdiff_t heap_ = 0;
};

TEST(DistinctCounter, StartsEmpty) {
    DistinctCounter c;
    EXPECT_EQ(c.count(), 0U);
    EXPECT_TRUE(c.isExact());
    EXPECT_EQ(c.heapBytes(), 0U);
}

TEST(DistinctCounter, InlineValuesAllocateNothing) {
    Counter c;
    for (const uint32_t v : {10U, 20U, 10U, 30U, 20U, 0xffffffffU, 10U}) {
        c.insert(v);
    }
    EXPECT_EQ(c.count(), 4U);
    EXPECT_EQ(c.heapBytes(), 0U);
    EXPECT_TRUE(c.isExact());
}

TEST(DistinctCounter, SetGrowsAndStaysExact) {
    Counter c;
    size_t last_heap = 0;
    int growths = 0;
    for (uint32_t v = 1; v <= 4096; ++v) {
        c.insert(v * 2654435761U);
        c.insert(v * 2654435761U); // duplicate
        ASSERT_EQ(c.count(), v);
        if (c.heapBytes() != last_heap) {
            EXPECT_GT(c.heapBytes(), last_heap);
            last_heap = c.heapBytes();
            ++growths;
        }
    }
    EXPECT_TRUE(c.isExact());
    EXPECT_GE(last_heap, 4096 * sizeof(uint32_t));
    EXPECT_GE(growths, 5);
}

TEST(DistinctCounter, ZeroIsAValue) {
    Counter inline_zero;
    inline_zero.insert(0);
    inline_zero.insert(0);
    EXPECT_EQ(inline_zero.count(), 1U);
    for (uint32_t v = 1; v <= 20; ++v) {
        inline_zero.insert(v); // past the inline slots into the set, zero included
    }
    inline_zero.insert(0);
    EXPECT_EQ(inline_zero.count(), 21U);
    EXPECT_GT(inline_zero.heapBytes(), 0U);

    Counter set_zero;
    for (uint32_t v = 1; v <= 20; ++v) {
        set_zero.insert(v);
    }
    set_zero.insert(0);
    set_zero.insert(0);
    EXPECT_EQ(set_zero.count(), 21U);
    for (uint32_t v = 21; v <= 200; ++v) {
        set_zero.insert(v); // the set grows with zero kept apart
    }
    set_zero.insert(0);
    EXPECT_EQ(set_zero.count(), 201U);

    // Zero survives the switch to the sketch too (a sketch of 0..N-1 is near N, not N - 1).
    Counter sketch_zero(DistinctPolicy{4, 0});
    for (uint32_t v = 0; v < 20; ++v) {
        sketch_zero.insert(v);
    }
    EXPECT_FALSE(sketch_zero.isExact());
    EXPECT_EQ(sketch_zero.count(), 20U);
}

TEST(DistinctCounter, SwitchesToSketchPastTheExactLimit) {
    Counter c(DistinctPolicy{128, 0});
    for (uint32_t v = 1; v <= 128; ++v) {
        c.insert(v);
    }
    EXPECT_TRUE(c.isExact());
    EXPECT_EQ(c.count(), 128U);
    c.insert(128); // a duplicate does not switch
    EXPECT_TRUE(c.isExact());
    c.insert(129);
    EXPECT_FALSE(c.isExact());
    EXPECT_EQ(c.heapBytes(), 4096U); // 2^12 one-byte registers, the set released
    // Small counts in the sketch are still close.
    EXPECT_NEAR(static_cast<double>(c.count()), 129, 3);
    c.insert(50);
    EXPECT_NEAR(static_cast<double>(c.count()), 129, 3);
}

TEST(DistinctCounter, DefaultLimitIsExactTo4096) {
    Counter c;
    for (uint32_t v = 1; v <= 4096; ++v) {
        c.insert(0xC6120000U + v);
    }
    EXPECT_TRUE(c.isExact());
    EXPECT_EQ(c.count(), 4096U);
    c.insert(0xC6120000U);
    EXPECT_FALSE(c.isExact());
}

TEST(DistinctCounter, SmallUniverseIsCountedExactlyInABitmap) {
    // A /24 darknet: values 0..255 fit inline as a bitmap, with no heap at all.
    Counter slash24(DistinctPolicy{4096, 256});
    for (uint32_t v = 0; v < 256; ++v) {
        slash24.insert(v);
        slash24.insert(v);
    }
    EXPECT_EQ(slash24.count(), 256U);
    EXPECT_EQ(slash24.heapBytes(), 0U);

    // A /16: a heap bitmap, exact for every address, far past the hash set's limit.
    Counter slash16(DistinctPolicy{4096, 65536});
    for (uint32_t v = 0; v < 65536; v += 1) {
        slash16.insert(v);
    }
    EXPECT_TRUE(slash16.isExact());
    EXPECT_EQ(slash16.count(), 65536U);
    EXPECT_EQ(slash16.heapBytes(), 8192U);
}

TEST(DistinctCounter, ClearForgetsEverything) {
    Counter c;
    for (uint32_t v = 1; v <= 100; ++v) {
        c.insert(v);
    }
    const ptrdiff_t delta = c.raw().clear();
    EXPECT_LE(delta, 0);
    EXPECT_EQ(c.raw().count(), 0U);
    c.raw().insert(7, DistinctPolicy{});
    EXPECT_EQ(c.raw().count(), 1U);
}

uint64_t countOf(uint32_t n, uint32_t stride) {
    DistinctCounter c;
    const DistinctPolicy policy;
    for (uint32_t i = 0; i < n; ++i) {
        c.insert(0xC6120000U + i * stride, policy);
    }
    // Inserting values again changes nothing.
    const uint64_t once = c.count();
    for (uint32_t i = 0; i < n; i += 7) {
        c.insert(0xC6120000U + i * stride, policy);
    }
    EXPECT_EQ(c.count(), once);
    EXPECT_EQ(c.heapBytes(), 4096U);
    return once;
}

TEST(DistinctCounter, SketchIsWithinThreePercent) {
    for (const uint32_t n : {5'000U, 20'000U, 100'000U, 1'000'000U}) {
        for (const uint32_t stride : {1U, 256U, 2654435761U}) {
            const auto estimate = static_cast<double>(countOf(n, stride));
            EXPECT_NEAR(estimate, n, n * 0.03) << "n=" << n << " stride=" << stride;
        }
    }
}

TEST(DistinctCounter, NoBiasWhereTheSketchLeavesLinearCounting) {
    // Around 2.5 * 2^12 registers the estimate must not jump: averaged over 32 disjoint value sets
    // (standard error of the mean about 0.3%), the relative error stays within 1%.
    for (const uint32_t n : {8'000U, 10'500U, 12'000U}) {
        double sum = 0;
        constexpr int kSets = 32;
        for (int set = 0; set < kSets; ++set) {
            DistinctCounter c;
            for (uint32_t i = 0; i < n; ++i) {
                c.insert(static_cast<uint32_t>(mixHash((uint64_t(set) << 32) | i)), DistinctPolicy{});
            }
            sum += (static_cast<double>(c.count()) - n) / n;
        }
        EXPECT_NEAR(sum / kSets, 0.0, 0.01) << "n=" << n;
    }
}

TEST(DistinctCounter, MovesKeepTheCount) {
    DistinctCounter a;
    for (uint32_t v = 1; v <= 50; ++v) {
        a.insert(v, DistinctPolicy{});
    }
    DistinctCounter b = std::move(a);
    EXPECT_EQ(b.count(), 50U);
    b.insert(51, DistinctPolicy{});
    EXPECT_EQ(b.count(), 51U);
}

} // namespace
} // namespace kansoku::darknet
