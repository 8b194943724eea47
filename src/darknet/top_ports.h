#pragma once

/// The most-probed ports of one source or victim, by the Space-Saving algorithm (Metwally,
/// Agrawal, El Abbadi, "Efficient Computation of Frequent and Top-k Elements in Data Streams",
/// ICDT 2005): exact while at most kSlots ports are seen; past that, each slot also keeps the count
/// it inherited when it took over a port, and the reported count is the guaranteed one
/// (count - inherited), so a uniform vertical scan never shows inflated per-port counts.

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>
#include <vector>

namespace kansoku::darknet {

class TopPorts {
public:
    static constexpr uint32_t kSlots = 8;

    void add(uint16_t port) {
        for (uint32_t i = 0; i < used_; ++i) {
            if (ports_[i] == port) {
                ++counts_[i];
                return;
            }
        }
        if (used_ < kSlots) {
            ports_[used_] = port;
            counts_[used_] = 1;
            inherited_[used_] = 0;
            ++used_;
            return;
        }
        const auto smallest = static_cast<size_t>(std::min_element(counts_.begin(), counts_.end()) - counts_.begin());
        ports_[smallest] = port;
        inherited_[smallest] = counts_[smallest];
        ++counts_[smallest];
    }

    /// Up to `n` (port, count) pairs, highest count first, ties by lower port.
    std::vector<std::pair<uint16_t, uint32_t>> top(uint32_t n) const {
        std::vector<std::pair<uint16_t, uint32_t>> out;
        out.reserve(used_);
        for (uint32_t i = 0; i < used_; ++i) {
            out.emplace_back(ports_[i], counts_[i] - inherited_[i]);
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            return a.second != b.second ? a.second > b.second : a.first < b.first;
        });
        if (out.size() > n) {
            out.resize(n);
        }
        return out;
    }

private:
    // Parallel arrays: the port search touches one cache line.
    std::array<uint16_t, kSlots> ports_{};
    std::array<uint32_t, kSlots> counts_{};
    std::array<uint32_t, kSlots> inherited_{}; ///< Space-Saving's error bound per slot
    uint8_t used_ = 0;
};

} // namespace kansoku::darknet
