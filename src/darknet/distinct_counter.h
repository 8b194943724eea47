#pragma once

/// Counts distinct 32-bit values (darknet address indexes, hashed IPv6 addresses, sources) with
/// bounded memory, exactly below a threshold and as an estimate of documented error above it:
///   - a bitmap inline when the values come from a universe of at most 256 (a /24 darknet's
///     addresses), so counting a source's destinations costs no memory access of its own;
///   - else up to eight values inline (most darknet sources touch one or two addresses);
///   - then an open-addressing hash set, exact up to `exact_limit` values (default 512: 4 KiB,
///     the size of the sketch), or a heap bitmap as soon as one is no larger than the set;
///   - past the limit, a heap bitmap when the universe has at most 2^17 values (a /16 darknet:
///     8 KiB, exact for every address), else a HyperLogLog sketch (Flajolet et al. 2007) of 2^12
///     one-byte registers read with Ertl's estimator: 4 KiB, 1.04/sqrt(4096) = 1.6% standard
///     error (tests/unit/darknet/distinct_counter_test.cpp measures it; docs/darknet.md).
/// So one counter never holds more than 16 KiB, and the structure a value lands in can be
/// prefetched (prefetch()) before the insert, as the analyzer does for a batch of packets.

#include <cstddef>
#include <cstdint>
#include <memory>

#include "darknet/block_pool.h"

namespace kansoku::darknet {

/// How a counter may grow. The same policy must be passed on every insert into one counter.
struct DistinctPolicy {
    uint32_t exact_limit = 512; ///< distinct values kept exactly in a hash set before sketching
    uint64_t universe = 0;      ///< values are < universe (enables the bitmap); 0: any 32-bit value
};

class DistinctCounter {
public:
    DistinctCounter() = default;
    DistinctCounter(DistinctCounter&&) noexcept = default;
    DistinctCounter& operator=(DistinctCounter&&) noexcept = default;

    /// Adds a value; returns the change in heap bytes (almost always 0).
    ptrdiff_t insert(uint32_t value, const DistinctPolicy& policy);
    /// Loads the cache line an insert of `value` will touch (nothing while the values are inline).
    void prefetch(uint32_t value) const;
    uint64_t count() const;
    size_t heapBytes() const;
    bool isExact() const { return mode_ != Mode::Sketch; }
    /// Forgets every value. A hash set keeps its memory for reuse; returns the change in heap bytes.
    ptrdiff_t clear();
    /// Adds every value `other` counted (the union), leaving this counter as if those values had
    /// been inserted here: the form depends only on the set of values, so merging the counters of
    /// disjoint streams gives what counting their union would. Returns the change in heap bytes.
    ptrdiff_t merge(const DistinctCounter& other, const DistinctPolicy& policy);

private:
    enum class Mode : uint8_t { Inline, InlineBitmap, Set, Bitmap, Sketch };
    static constexpr uint32_t kInline = 8;
    static constexpr uint32_t kInlineBits = kInline * 32;
    static constexpr int kPrecision = 12;
    static constexpr uint32_t kRegisters = 1U << kPrecision;
    static constexpr uint32_t kFirstSetCapacity = 16;

    /// Past the exact limit, a universe this small (2^17 values, 16 KiB: a /16 darknet, or a /16
    /// and a few smaller prefixes) stays exact in a bitmap.
    static constexpr uint64_t kMaxBitmapWords = (uint64_t{1} << 17) / 32;

    static uint32_t slotOf(uint32_t value, uint32_t mask);
    static uint64_t sketchHash(uint32_t value);
    bool insertInline(uint32_t value, const DistinctPolicy& policy, ptrdiff_t& delta);
    bool insertSet(uint32_t value);
    bool insertBitmap(uint32_t value);
    void insertInlineBitmap(uint32_t value);
    void insertSketch(uint32_t value);
    /// Leaves inline mode or grows the set: picks bitmap, a bigger set, or the sketch.
    ptrdiff_t grow(const DistinctPolicy& policy);
    /// Moves the values held into a new form of `capacity` words.
    void rebuild(Mode next, uint32_t capacity);
    template <typename Fn>
    void forEachValue(Fn&& fn) const;

    uint32_t inline_[kInline] = {};
    uint32_t size_ = 0;     ///< distinct values while exact
    uint32_t capacity_ = 0; ///< set slots, bitmap words or sketch registers (as 32-bit words)
    Mode mode_ = Mode::Inline;
    bool has_zero_ = false; ///< in Set mode, 0 marks empty slots, so the value 0 is tracked apart
    PooledArray<uint32_t> data_;
};

} // namespace kansoku::darknet
