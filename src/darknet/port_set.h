#pragma once

/// The exact set of ports a source probed: a few inline, then a 65536-bit bitmap (8 KiB) for the
/// rare vertical scanner. Exact because analysts compare it with the port list of a tool run.

#include <cstddef>
#include <cstdint>
#include <memory>

namespace kansoku::darknet {

class PortSet {
public:
    PortSet() = default;
    PortSet(PortSet&&) noexcept = default;
    PortSet& operator=(PortSet&&) noexcept = default;

    /// Adds a port; returns the change in heap bytes (8 KiB once, when the bitmap is made).
    ptrdiff_t insert(uint16_t port) {
        if (bitmap_) {
            uint64_t& word = bitmap_[port >> 6];
            const uint64_t bit = uint64_t{1} << (port & 63U);
            count_ += (word & bit) == 0 ? 1 : 0;
            word |= bit;
            return 0;
        }
        for (uint32_t i = 0; i < count_; ++i) {
            if (inline_[i] == port) {
                return 0;
            }
        }
        if (count_ < kInline) {
            inline_[count_++] = port;
            return 0;
        }
        bitmap_ = std::make_unique<uint64_t[]>(kWords);
        for (uint32_t i = 0; i < kInline; ++i) {
            bitmap_[inline_[i] >> 6] |= uint64_t{1} << (inline_[i] & 63U);
        }
        bitmap_[port >> 6] |= uint64_t{1} << (port & 63U);
        ++count_;
        return static_cast<ptrdiff_t>(heapBytes());
    }

    uint32_t count() const { return count_; }
    size_t heapBytes() const { return bitmap_ ? kWords * sizeof(uint64_t) : 0; }

private:
    static constexpr uint32_t kInline = 4;
    static constexpr uint32_t kWords = 65536 / 64;
    uint16_t inline_[kInline] = {};
    uint32_t count_ = 0;
    std::unique_ptr<uint64_t[]> bitmap_;
};

} // namespace kansoku::darknet
