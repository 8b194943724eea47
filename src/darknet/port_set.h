#pragma once

/// The exact set of ports a source probed: a few inline, then up to 32 in one heap cache line
/// (Mirai variants and most bots probe a dozen or so), then a 65536-bit bitmap (8 KiB) for the
/// rare vertical scanner. Exact because analysts compare it with the port list of a tool run.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "common/prefetch.h"
#include "darknet/block_pool.h"

namespace kansoku::darknet {

class PortSet {
public:
    PortSet() = default;
    PortSet(PortSet&&) noexcept = default;
    PortSet& operator=(PortSet&&) noexcept = default;

    /// Adds a port; returns the change in heap bytes.
    ptrdiff_t insert(uint16_t port) {
        if (count_ > kSmall) {
            uint64_t& word = heap_[port >> 6];
            const uint64_t bit = uint64_t{1} << (port & 63U);
            count_ += (word & bit) == 0 ? 1 : 0;
            word |= bit;
            return 0;
        }
        const uint16_t* ports = count_ <= kInline ? inline_ : reinterpret_cast<const uint16_t*>(heap_.get());
        for (uint32_t i = 0; i < count_; ++i) {
            if (ports[i] == port) {
                return 0;
            }
        }
        if (count_ < kInline) {
            inline_[count_++] = port;
            return 0;
        }
        const size_t before = heapBytes();
        if (count_ == kInline) {
            heap_ = allocatePooled<uint64_t>(kSmallWords);
            std::memcpy(heap_.get(), inline_, sizeof inline_);
        } else if (count_ == kSmall) {
            auto small = std::move(heap_);
            heap_ = allocatePooled<uint64_t>(kWords);
            const auto* old = reinterpret_cast<const uint16_t*>(small.get());
            for (uint32_t i = 0; i < kSmall; ++i) {
                heap_[old[i] >> 6] |= uint64_t{1} << (old[i] & 63U);
            }
            heap_[port >> 6] |= uint64_t{1} << (port & 63U);
            ++count_;
            return static_cast<ptrdiff_t>(heapBytes()) - static_cast<ptrdiff_t>(before);
        }
        reinterpret_cast<uint16_t*>(heap_.get())[count_++] = port;
        return static_cast<ptrdiff_t>(heapBytes()) - static_cast<ptrdiff_t>(before);
    }

    /// Loads the cache line an insert of `port` will touch (nothing while the ports are inline).
    void prefetch(uint16_t port) const {
        if (count_ > kSmall) {
            prefetchLine(&heap_[port >> 6]);
        } else if (heap_) {
            prefetchLine(heap_.get());
        }
    }

    uint32_t count() const { return count_; }
    size_t heapBytes() const {
        if (count_ <= kInline) {
            return 0;
        }
        return (count_ <= kSmall ? kSmallWords : kWords) * sizeof(uint64_t);
    }

private:
    static constexpr uint32_t kInline = 4;
    static constexpr uint32_t kSmall = 32;                  ///< ports in the one-line heap array
    static constexpr uint32_t kSmallWords = kSmall * 2 / 8; ///< 64 bytes
    static constexpr uint32_t kWords = 65536 / 64;
    uint16_t inline_[kInline] = {};
    uint32_t count_ = 0;
    PooledArray<uint64_t> heap_; ///< the small array (count_ <= kSmall) or the bitmap
};

} // namespace kansoku::darknet
