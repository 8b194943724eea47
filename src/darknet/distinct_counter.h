#pragma once

/// Counts distinct 32-bit values (IPv4 addresses, hashed IPv6 addresses) with bounded memory:
/// exact in a few inline slots, then exact in a hash set up to a limit, then a HyperLogLog sketch
/// (Flajolet et al. 2007, with Heule et al. 2013's small-range correction) of 2^12 registers
/// (about 1.6% standard error, 4 KiB). Most darknet sources touch one or two addresses, so the
/// common case allocates nothing.

#include <cstddef>
#include <cstdint>
#include <memory>

namespace kansoku::darknet {

class DistinctCounter {
public:
    static constexpr uint32_t kDefaultExactLimit = 4096;

    DistinctCounter() = default;
    DistinctCounter(DistinctCounter&&) noexcept = default;
    DistinctCounter& operator=(DistinctCounter&&) noexcept = default;

    /// Adds a value; `exact_limit` is how many distinct values are kept exactly before switching to
    /// the sketch (the same for every call on one counter).
    void insert(uint32_t value, uint32_t exact_limit = kDefaultExactLimit);
    uint64_t count() const;
    /// Heap bytes held (for the state memory cap).
    size_t heapBytes() const;
    bool isExact() const { return !registers_; }

private:
    static constexpr int kInline = 3;
    static constexpr int kPrecision = 12;
    static constexpr uint32_t kRegisters = 1U << kPrecision;

    bool insertExact(uint32_t value);
    void growSet();
    void switchToSketch();
    void insertSketch(uint32_t value);

    uint32_t inline_[kInline] = {};
    uint32_t size_ = 0;     ///< distinct values while exact
    uint32_t capacity_ = 0; ///< slots in set_ (power of two), 0 while inline
    bool has_zero_ = false; ///< value 0 marks empty slots, so it is tracked apart
    std::unique_ptr<uint32_t[]> set_;
    std::unique_ptr<uint8_t[]> registers_;
};

} // namespace kansoku::darknet
