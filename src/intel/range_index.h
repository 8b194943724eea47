#pragma once

/// An immutable map from address ranges to 32-bit values (an AS record, a country code) that
/// answers "which value covers this address?" with a first-level index and a short branch-free
/// search, for IPv4 (uint32 keys) and IPv6 (128-bit keys, most significant bit first).
///
/// The ranges are stored as a partition of the whole key space: every gap between two ranges is
/// an entry of its own with the value kNoValue, and adjacent ranges with the same value are
/// merged, so a lookup is "the last entry whose start is <= the address" and never needs the end.
/// Locating that entry: a dense table over the top 16 bits of the address gives the entries that
/// can cover any address of that /16, and a branch-free binary search over those finishes.
/// - IPv4: on the ip-location-db data a /16 holds 3 entries at the median and at most 256: two
///   dependent cache misses instead of the ~19 steps of a plain binary search over 470,000 starts.
/// - IPv6: almost everything is in a few dozen /16s of 2000::/3 (up to 28,000 entries in one), so
///   a /16 with more than 8 entries is searched through a static search tree of fanout 8 over the
///   high 64 bits of the starts instead (allocations are /64 or shorter, so the high half almost
///   always decides): every 8th high half is copied into a fence level, every 8th fence into the
///   level above, up to a level of at most 8. A node is 64 bytes, one cache line, and costs three
///   dependent compares; the upper levels stay in cache. Every other /16 (most of the address
///   space, unallocated) is answered from the table and at most 8 starts, as for IPv4.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/ip_address.h"

namespace kansoku::intel {

__extension__ typedef unsigned __int128 Uint128;

/// The big-endian 128-bit value of an address (an IPv4 address as its IPv4-mapped IPv6 form),
/// the key of an Ipv6RangeIndex.
inline Uint128 addressKey(const IpAddress& address) {
    if constexpr (std::endian::native == std::endian::little) {
        return (Uint128{__builtin_bswap64(address.hi())} << 64) | __builtin_bswap64(address.lo());
    } else {
        return (Uint128{address.hi()} << 64) | address.lo();
    }
}

template <typename Key>
class RangeIndex {
public:
    /// The value of addresses no range covers.
    static constexpr uint32_t kNoValue = 0xffffffffU;

    /// Collects ranges in ascending order of their first address and flattens them.
    class Builder {
    public:
        /// Adds [first, last] -> value. `first` must not be below the previous range's first
        /// (callers check and report unsorted input); `first <= last`. Where ranges overlap, the
        /// later one wins over the part it covers and the earlier one keeps the rest (counted in
        /// overlaps()). `value` must not be kNoValue.
        void add(Key first, Key last, uint32_t value);
        /// Ranges that were cut or hidden by a later one.
        std::size_t overlaps() const { return overlaps_; }
        RangeIndex build();

    private:
        struct Range {
            Key first;
            Key last;
            uint32_t value;
        };
        void flushBefore(Key first);

        std::vector<Range> done_;    ///< final, ascending, disjoint
        std::vector<Range> pending_; ///< may still be cut; back() has the lowest first
        std::size_t overlaps_ = 0;
    };

    RangeIndex() = default; ///< covers nothing

    /// The value of the range that covers `address`, or kNoValue.
    uint32_t find(Key address) const {
        if (starts_.empty()) {
            return kNoValue;
        }
        const auto bucket = static_cast<std::size_t>(address >> kBucketShift);
        const std::size_t begin = buckets_[bucket];
        const std::size_t count = buckets_[bucket + 1] - begin + 1;
        if constexpr (sizeof(Key) > 4) {
            if (count > kFanout) {
                return values_[findInTree(address)];
            }
        }
        return values_[begin + lastAtMost(starts_.data() + begin, count, address)];
    }

    /// Ranges with a value, after merging adjacent equal ones.
    std::size_t rangeCount() const { return range_count_; }
    /// Entries including the gaps (what a lookup searches).
    std::size_t entryCount() const { return starts_.size(); }
    /// Bytes held by the index (starts, values, first level).
    std::size_t memoryBytes() const {
        std::size_t bytes = starts_.capacity() * sizeof(Key) + values_.capacity() * sizeof(uint32_t) +
                            buckets_.capacity() * sizeof(uint32_t) + high_.capacity() * sizeof(uint64_t);
        for (const auto& level : fences_) {
            bytes += level.capacity() * sizeof(uint64_t);
        }
        return bytes;
    }

    /// Entry `i` (0 <= i < entryCount(), ascending): its first and last address and its value
    /// (kNoValue for a gap).
    Key entryFirst(std::size_t i) const { return starts_[i]; }
    Key entryLast(std::size_t i) const { return i + 1 < starts_.size() ? starts_[i + 1] - 1 : ~Key{0}; }
    uint32_t entryValue(std::size_t i) const { return values_[i]; }

    /// Calls `visit(first, last, value)` for every range with a value, in ascending order.
    template <typename Visit>
    void forEachRange(Visit&& visit) const {
        for (std::size_t i = 0; i < starts_.size(); ++i) {
            if (values_[i] != kNoValue) {
                visit(starts_[i], entryLast(i), values_[i]);
            }
        }
    }

private:
    static constexpr unsigned kBucketBits = 16;                             ///< the first level: 65,536 buckets
    static constexpr unsigned kBucketShift = sizeof(Key) * 8 - kBucketBits; ///< one per /16
    static constexpr std::size_t kFanout = 16; ///< IPv6: one fence per 16 entries of the level below

    /// Offset of the last of `count` ascending keys at `base` that is <= `address`, given that
    /// base[0] <= address: a binary search without branches on the keys.
    template <typename K>
    static std::size_t lastAtMost(const K* base, std::size_t count, K address) {
        const K* at = base;
        while (count > 1) {
            const std::size_t half = count / 2;
            at = at[half] <= address ? at + half : at; // cmov (cmp + sbb + cmov for 128-bit keys)
            count -= half;
        }
        return static_cast<std::size_t>(at - base);
    }

    /// IPv6: the entry covering `address`, down the fence levels over the starts' high 64 bits (top
    /// level first, at most kFanout entries; each level narrows the search to one block of kFanout
    /// entries, one cache line, of the level below). That finds the last start whose high half is
    /// <= the address's; only when that start shares the address's /64 and begins after it does
    /// the low half matter, and then a plain search over the full keys decides.
    std::size_t findInTree(Key address) const {
        const auto high = static_cast<uint64_t>(address >> (sizeof(Key) > 8 ? 64 : 0)); // 64: IPv6, its only user
        std::size_t block = 0;
        for (auto level = fences_.rbegin(); level != fences_.rend(); ++level) {
            const std::size_t first = block * kFanout;
            block = first + lastAtMost(level->data() + first, std::min(kFanout, level->size() - first), high);
        }
        const std::size_t first = block * kFanout;
        const std::size_t entry =
            first + lastAtMost(high_.data() + first, std::min(kFanout, high_.size() - first), high);
        if (high_[entry] == high && starts_[entry] > address) {
            return lastAtMost(starts_.data(), starts_.size(), address);
        }
        return entry;
    }

    std::vector<Key> starts_;                   ///< ascending; starts_[0] == 0 when not empty
    std::vector<uint32_t> values_;              ///< parallel to starts_
    std::vector<uint32_t> buckets_;             ///< entry covering bucket << kBucketShift, 65,536 + 1 buckets
    std::vector<uint64_t> high_;                ///< IPv6: the high 64 bits of each start
    std::vector<std::vector<uint64_t>> fences_; ///< IPv6: [0] every kFanout-th of high_, [k + 1] of [k]
    std::size_t range_count_ = 0;
};

extern template class RangeIndex<uint32_t>;
extern template class RangeIndex<Uint128>;

using Ipv4RangeIndex = RangeIndex<uint32_t>;
using Ipv6RangeIndex = RangeIndex<Uint128>;

} // namespace kansoku::intel
