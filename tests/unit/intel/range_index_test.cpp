#include <map>
#include <random>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "intel/range_index.h"

namespace kansoku::intel {
namespace {

constexpr uint32_t kNone = Ipv4RangeIndex::kNoValue;

Ipv4RangeIndex build(std::initializer_list<std::tuple<uint32_t, uint32_t, uint32_t>> ranges,
                     std::size_t* overlaps = nullptr) {
    Ipv4RangeIndex::Builder builder;
    for (const auto& [first, last, value] : ranges) {
        builder.add(first, last, value);
    }
    if (overlaps != nullptr) {
        *overlaps = builder.overlaps();
    }
    return builder.build();
}

std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> rangesOf(const Ipv4RangeIndex& index) {
    std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> out;
    index.forEachRange([&out](uint32_t first, uint32_t last, uint32_t value) { out.emplace_back(first, last, value); });
    return out;
}

TEST(RangeIndex, EmptyFindsNothing) {
    const Ipv4RangeIndex empty;
    EXPECT_EQ(empty.find(0), kNone);
    EXPECT_EQ(empty.find(0xffffffff), kNone);
    EXPECT_EQ(Ipv4RangeIndex::Builder().build().entryCount(), 0U);
    EXPECT_EQ(Ipv6RangeIndex().find(~Uint128{0}), kNone);
}

TEST(RangeIndex, GapsAndEdges) {
    const auto index = build({{10, 19, 1}, {20, 29, 2}, {40, 40, 3}, {0xfffffff0, 0xffffffff, 4}});
    EXPECT_EQ(index.find(0), kNone);
    EXPECT_EQ(index.find(9), kNone);
    EXPECT_EQ(index.find(10), 1U);
    EXPECT_EQ(index.find(19), 1U);
    EXPECT_EQ(index.find(20), 2U);
    EXPECT_EQ(index.find(29), 2U);
    EXPECT_EQ(index.find(30), kNone);
    EXPECT_EQ(index.find(40), 3U);
    EXPECT_EQ(index.find(41), kNone);
    EXPECT_EQ(index.find(0xffffffef), kNone);
    EXPECT_EQ(index.find(0xfffffff0), 4U);
    EXPECT_EQ(index.find(0xffffffff), 4U);
    EXPECT_EQ(index.rangeCount(), 4U);
}

TEST(RangeIndex, AdjacentRangesWithOneValueMerge) {
    const auto index = build({{0, 9, 7}, {10, 19, 7}, {20, 29, 8}});
    EXPECT_EQ(index.rangeCount(), 2U);
    EXPECT_EQ(rangesOf(index), (std::vector<std::tuple<uint32_t, uint32_t, uint32_t>>{{0, 19, 7}, {20, 29, 8}}));
}

TEST(RangeIndex, WholeSpaceInOneRange) {
    const auto index = build({{0, 0xffffffff, 5}});
    EXPECT_EQ(index.entryCount(), 1U);
    EXPECT_EQ(index.find(0), 5U);
    EXPECT_EQ(index.find(0x80000000), 5U);
    EXPECT_EQ(index.find(0xffffffff), 5U);
}

TEST(RangeIndex, LaterRangeWinsWhereRangesOverlap) {
    std::size_t overlaps = 0;
    // Partial overlap, as in the published IPv4 file (214.95.0.0-215.0.255.255 then 215.0.0.0-...).
    auto index = build({{100, 200, 1}, {150, 250, 2}}, &overlaps);
    EXPECT_EQ(overlaps, 1U);
    EXPECT_EQ(rangesOf(index), (std::vector<std::tuple<uint32_t, uint32_t, uint32_t>>{{100, 149, 1}, {150, 250, 2}}));

    // A nested range splits the outer one; the outer keeps both sides.
    index = build({{100, 200, 1}, {120, 130, 2}, {140, 150, 3}}, &overlaps);
    EXPECT_EQ(overlaps, 2U);
    EXPECT_EQ(rangesOf(index), (std::vector<std::tuple<uint32_t, uint32_t, uint32_t>>{
                                   {100, 119, 1}, {120, 130, 2}, {131, 139, 1}, {140, 150, 3}, {151, 200, 1}}));

    // Nested two deep, then a range that starts inside the innermost and runs past all of them.
    index = build({{0, 1000, 1}, {100, 900, 2}, {200, 300, 3}, {250, 950, 4}}, &overlaps);
    EXPECT_EQ(rangesOf(index), (std::vector<std::tuple<uint32_t, uint32_t, uint32_t>>{
                                   {0, 99, 1}, {100, 199, 2}, {200, 249, 3}, {250, 950, 4}, {951, 1000, 1}}));

    // Same start: the later row replaces the earlier over its length.
    index = build({{10, 20, 1}, {10, 15, 2}});
    EXPECT_EQ(rangesOf(index), (std::vector<std::tuple<uint32_t, uint32_t, uint32_t>>{{10, 15, 2}, {16, 20, 1}}));
}

template <typename Key>
using Ranges = std::vector<std::tuple<Key, Key, uint32_t>>;

/// Builds an index from `ranges` (sorted here by first address, stable) and compares it with a
/// plain model, the last added range covering an address wins, at every probe and at each range's
/// edges and the addresses just outside them.
template <typename Key>
void expectMatchesModel(Ranges<Key> ranges, const std::vector<Key>& probes) {
    std::stable_sort(ranges.begin(), ranges.end(),
                     [](const auto& a, const auto& b) { return std::get<0>(a) < std::get<0>(b); });
    typename RangeIndex<Key>::Builder builder;
    for (const auto& [first, last, value] : ranges) {
        builder.add(first, last, value);
    }
    const auto index = builder.build();
    auto model = [&ranges](Key address) {
        uint32_t value = kNone;
        for (const auto& [first, last, v] : ranges) {
            if (first <= address && address <= last) {
                value = v;
            }
        }
        return value;
    };
    std::vector<Key> addresses = probes;
    for (const auto& [first, last, value] : ranges) {
        addresses.insert(addresses.end(), {first - 1, first, last, last + 1});
    }
    for (const Key address : addresses) {
        ASSERT_EQ(index.find(address), model(address)) << "address " << static_cast<uint64_t>(address);
    }
}

TEST(RangeIndex, MatchesAModelOnRandomRanges) {
    std::mt19937 rng(11);
    for (int round = 0; round < 200; ++round) {
        // Addresses from a narrow window, spread over several /16 buckets so bucket edges are crossed.
        Ranges<uint32_t> ranges;
        const int n = 1 + static_cast<int>(rng() % 40);
        for (int i = 0; i < n; ++i) {
            const uint32_t first = 0x0a000000 + rng() % 0x40000;
            const uint32_t length = rng() % 4 == 0 ? rng() % 0x30000 : rng() % 64;
            ranges.emplace_back(first, first + length, static_cast<uint32_t>(i % 5));
        }
        std::vector<uint32_t> probes;
        for (int probe = 0; probe < 300; ++probe) {
            probes.push_back(0x09fff000 + rng() % 0x80000);
        }
        SCOPED_TRACE(round);
        expectMatchesModel(ranges, probes);
    }
}

TEST(RangeIndex, Ipv6WithManyEntriesAcrossFences) {
    // 1,000 /48s with gaps between them: more than one fence block, every block edge probed.
    Ipv6RangeIndex::Builder builder;
    const Uint128 base = Uint128{0x20010db8} << 96;
    const Uint128 slash48 = Uint128{1} << 80;
    for (uint32_t i = 0; i < 1000; ++i) {
        builder.add(base + 2 * i * slash48, base + (2 * i + 1) * slash48 - 1, i);
    }
    const auto index = builder.build();
    EXPECT_EQ(index.rangeCount(), 1000U);
    EXPECT_EQ(index.find(0), kNone);
    EXPECT_EQ(index.find(base - 1), kNone);
    for (uint32_t i = 0; i < 1000; ++i) {
        const Uint128 first = base + 2 * i * slash48;
        ASSERT_EQ(index.find(first), i);
        ASSERT_EQ(index.find(first + slash48 - 1), i);
        ASSERT_EQ(index.find(first + slash48), kNone);
    }
    EXPECT_EQ(index.find(~Uint128{0}), kNone);
}

// IPv6 ranges that share /64s, so the tree over the high halves is not enough on its own.
TEST(RangeIndex, Ipv6RangesInsideOneSlash64MatchTheModel) {
    std::mt19937_64 rng(64);
    const Uint128 base = Uint128{0x20010db8} << 96;
    for (int round = 0; round < 100; ++round) {
        Ranges<Uint128> ranges;
        const int n = 10 + static_cast<int>(rng() % 60);
        for (int i = 0; i < n; ++i) {
            const Uint128 first = base + (Uint128{rng() % 8} << 64) + rng() % 4096;
            const Uint128 length = rng() % 3 == 0 ? (Uint128{rng() % 3} << 64) + rng() : rng() % 512;
            ranges.emplace_back(first, first + length, static_cast<uint32_t>(i % 7));
        }
        std::vector<Uint128> probes;
        for (int probe = 0; probe < 300; ++probe) {
            probes.push_back(base + (Uint128{rng() % 10} << 64) + rng() % 8192);
        }
        SCOPED_TRACE(round);
        expectMatchesModel(ranges, probes);
    }
}

TEST(RangeIndex, AddressKeyIsBigEndian) {
    EXPECT_EQ(addressKey(*IpAddress::parse("::1")), Uint128{1});
    EXPECT_EQ(addressKey(*IpAddress::parse("8000::")), Uint128{1} << 127);
    EXPECT_EQ(addressKey(*IpAddress::parse("1.2.3.4")), (Uint128{0xffff} << 32) | 0x01020304);
}

} // namespace
} // namespace kansoku::intel
