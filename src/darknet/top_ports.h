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
            if (slots_[i].port == port) {
                ++slots_[i].count;
                return;
            }
        }
        if (used_ < kSlots) {
            slots_[used_++] = {port, 1, 0};
            return;
        }
        auto* smallest = std::min_element(slots_.begin(), slots_.end(),
                                          [](const Slot& a, const Slot& b) { return a.count < b.count; });
        smallest->port = port;
        smallest->inherited = smallest->count;
        ++smallest->count;
    }

    /// Up to `n` (port, count) pairs, highest count first, ties by lower port.
    std::vector<std::pair<uint16_t, uint32_t>> top(uint32_t n) const {
        std::vector<std::pair<uint16_t, uint32_t>> out;
        out.reserve(used_);
        for (uint32_t i = 0; i < used_; ++i) {
            out.emplace_back(slots_[i].port, slots_[i].count - slots_[i].inherited);
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
    struct Slot {
        uint16_t port;
        uint32_t count;
        uint32_t inherited; ///< Space-Saving's error bound for this slot
    };
    std::array<Slot, kSlots> slots_{};
    uint32_t used_ = 0;
};

} // namespace kansoku::darknet
