#pragma once

/// A HyperLogLog sketch (Flajolet et al. 2007) of 2^12 one-byte registers, read with Ertl's
/// improved raw estimator (arXiv:1702.01284, section 4): 4 KiB, 1.04/sqrt(4096) = 1.6% standard
/// error, unbiased from one value to billions without bias tables. Sketches merge by taking each
/// register's maximum, so per-hour sketches of distinct sources add up to any range of hours.
/// `ertlEstimate` reads any register array of this layout (the darknet's counters use it too).

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

namespace kansoku {

/// The cardinality estimate of `registers` (2^p one-byte registers for 64-bit hashes, p = log2 of
/// the size; each register the largest rank seen: 0 .. 64 - p + 1).
double ertlEstimate(std::span<const uint8_t> registers);

class HyperLogLog {
public:
    static constexpr int kPrecision = 12;
    static constexpr size_t kRegisters = size_t{1} << kPrecision;

    /// Adds a value by its 64-bit hash (well mixed: use hashKey for strings).
    void add(uint64_t hash);
    /// Adds every value `other` saw.
    void merge(const HyperLogLog& other);
    /// Adds the sketch kept as `bytes` (registers()); false, and nothing added, when it is not one.
    bool merge(std::string_view bytes);
    /// The estimated number of distinct values added.
    uint64_t estimate() const;
    bool empty() const { return empty_; }

    /// The registers as bytes, to be kept and merged later.
    std::string_view registers() const { return {reinterpret_cast<const char*>(registers_.data()), registers_.size()}; }

    /// A 64-bit hash of a key for add().
    static uint64_t hashKey(std::string_view key);

private:
    std::array<uint8_t, kRegisters> registers_{};
    bool empty_ = true;
};

} // namespace kansoku
