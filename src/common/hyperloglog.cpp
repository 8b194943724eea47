#include "common/hyperloglog.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

namespace kansoku {
namespace {

double ertlSigma(double x) {
    if (x == 1.0) {
        return std::numeric_limits<double>::infinity();
    }
    double y = 1.0;
    double z = x;
    for (;;) {
        x *= x;
        const double previous = z;
        z += x * y;
        y += y;
        if (z == previous) {
            return z;
        }
    }
}

double ertlTau(double x) {
    if (x == 0.0 || x == 1.0) {
        return 0.0;
    }
    double y = 1.0;
    double z = 1.0 - x;
    for (;;) {
        x = std::sqrt(x);
        const double previous = z;
        y *= 0.5;
        z -= (1.0 - x) * (1.0 - x) * y;
        if (z == previous) {
            return z / 3.0;
        }
    }
}

} // namespace

double ertlEstimate(std::span<const uint8_t> registers) {
    const size_t m_registers = registers.size();
    const int p = std::countr_zero(m_registers);
    const int q = 64 - p; // registers hold 0 .. q + 1
    std::vector<uint32_t> histogram(static_cast<size_t>(q) + 2, 0);
    for (const uint8_t r : registers) {
        ++histogram[std::min<size_t>(r, static_cast<size_t>(q) + 1)];
    }
    const double m = static_cast<double>(m_registers);
    double z = m * ertlTau(1.0 - histogram[static_cast<size_t>(q) + 1] / m);
    for (int k = q; k >= 1; --k) {
        z = 0.5 * (z + histogram[static_cast<size_t>(k)]);
    }
    z += m * ertlSigma(histogram[0] / m);
    const double alpha_infinity = 1.0 / (2.0 * std::log(2.0));
    return alpha_infinity * m * m / z;
}

void HyperLogLog::add(uint64_t hash) {
    const auto index = static_cast<size_t>(hash >> (64 - kPrecision));
    const uint64_t rest = hash << kPrecision;
    const auto rank = static_cast<uint8_t>(rest == 0 ? 64 - kPrecision + 1 : std::countl_zero(rest) + 1);
    registers_[index] = std::max(registers_[index], rank);
    empty_ = false;
}

void HyperLogLog::merge(const HyperLogLog& other) {
    if (other.empty_) {
        return;
    }
    for (size_t i = 0; i < kRegisters; ++i) {
        registers_[i] = std::max(registers_[i], other.registers_[i]);
    }
    empty_ = false;
}

bool HyperLogLog::merge(std::string_view bytes) {
    if (bytes.size() != kRegisters) {
        return false;
    }
    constexpr auto kMaxRank = static_cast<uint8_t>(64 - kPrecision + 1);
    if (std::any_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<uint8_t>(c) > kMaxRank; })) {
        return false;
    }
    for (size_t i = 0; i < kRegisters; ++i) {
        registers_[i] = std::max(registers_[i], static_cast<uint8_t>(bytes[i]));
        empty_ = empty_ && registers_[i] == 0;
    }
    return true;
}

uint64_t HyperLogLog::estimate() const {
    return empty_ ? 0 : static_cast<uint64_t>(std::llround(ertlEstimate(registers_)));
}

uint64_t HyperLogLog::hashKey(std::string_view key) {
    // FNV-1a over the bytes, then the SplitMix64 finaliser so the high bits (the register index) and
    // the rank bits are both well mixed even for keys differing in their last byte.
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char c : key) {
        h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ULL;
    }
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebULL;
    h ^= h >> 31;
    return h;
}

} // namespace kansoku
