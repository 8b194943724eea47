#include "darknet/distinct_counter.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/hyperloglog.h"
#include "common/ip_address.h"
#include "common/prefetch.h"

namespace kansoku::darknet {

uint32_t DistinctCounter::slotOf(uint32_t value, uint32_t mask) {
    return static_cast<uint32_t>((uint64_t{value} * 0x9e3779b97f4a7c15ULL) >> 32) & mask;
}

uint64_t DistinctCounter::sketchHash(uint32_t value) {
    return mixHash(uint64_t{value} + 0x9e3779b97f4a7c15ULL);
}

void DistinctCounter::prefetch(uint32_t value) const {
    switch (mode_) {
    case Mode::Set:
        prefetchLine(&data_[slotOf(value, capacity_ - 1)]);
        break;
    case Mode::Bitmap:
        prefetchLine(&data_[value >> 5]);
        break;
    case Mode::Sketch:
        prefetchLine(reinterpret_cast<const uint8_t*>(data_.get()) + (sketchHash(value) >> (64 - kPrecision)));
        break;
    case Mode::Inline:
    case Mode::InlineBitmap:
        break;
    }
}

ptrdiff_t DistinctCounter::insert(uint32_t value, const DistinctPolicy& policy) {
    ptrdiff_t delta = 0;
    switch (mode_) {
    case Mode::Inline:
        if (size_ == 0 && policy.universe != 0 && policy.universe <= kInlineBits) {
            mode_ = Mode::InlineBitmap;
            insertInlineBitmap(value);
            break;
        }
        insertInline(value, policy, delta);
        break;
    case Mode::InlineBitmap:
        insertInlineBitmap(value);
        break;
    case Mode::Bitmap:
        insertBitmap(value);
        break;
    case Mode::Set:
        if (insertSet(value) && size_ * 2 > capacity_) {
            delta = grow(policy);
        }
        break;
    case Mode::Sketch:
        insertSketch(value);
        break;
    }
    return delta;
}

bool DistinctCounter::insertInline(uint32_t value, const DistinctPolicy& policy, ptrdiff_t& delta) {
    for (uint32_t i = 0; i < size_; ++i) {
        if (inline_[i] == value) {
            return false;
        }
    }
    if (size_ < kInline) {
        inline_[size_++] = value;
        return true;
    }
    delta = grow(policy);
    switch (mode_) {
    case Mode::Bitmap:
        return insertBitmap(value);
    case Mode::Set:
        return insertSet(value);
    default:
        insertSketch(value);
        return true;
    }
}

bool DistinctCounter::insertSet(uint32_t value) {
    if (value == 0) {
        if (has_zero_) {
            return false;
        }
        has_zero_ = true;
        ++size_;
        return true;
    }
    const uint32_t mask = capacity_ - 1;
    for (uint32_t i = slotOf(value, mask);; i = (i + 1) & mask) {
        if (data_[i] == value) {
            return false;
        }
        if (data_[i] == 0) {
            data_[i] = value;
            ++size_;
            return true;
        }
    }
}

void DistinctCounter::insertInlineBitmap(uint32_t value) {
    uint32_t& word = inline_[(value >> 5) & (kInline - 1)];
    const uint32_t bit = 1U << (value & 31U);
    size_ += (word & bit) == 0 ? 1 : 0;
    word |= bit;
}

bool DistinctCounter::insertBitmap(uint32_t value) {
    uint32_t& word = data_[value >> 5];
    const uint32_t bit = 1U << (value & 31U);
    if ((word & bit) != 0) {
        return false;
    }
    word |= bit;
    ++size_;
    return true;
}

void DistinctCounter::insertSketch(uint32_t value) {
    auto* registers = reinterpret_cast<uint8_t*>(data_.get());
    const uint64_t h = sketchHash(value);
    const auto index = static_cast<uint32_t>(h >> (64 - kPrecision));
    const uint64_t rest = h << kPrecision;
    const auto rank = static_cast<uint8_t>(rest == 0 ? 64 - kPrecision + 1 : __builtin_clzll(rest) + 1);
    if (rank > registers[index]) {
        registers[index] = rank;
    }
}

template <typename Fn>
void DistinctCounter::forEachValue(Fn&& fn) const {
    switch (mode_) {
    case Mode::Inline:
        for (uint32_t i = 0; i < size_; ++i) {
            fn(inline_[i]);
        }
        break;
    case Mode::Set:
        if (has_zero_) {
            fn(0U);
        }
        for (uint32_t i = 0; i < capacity_; ++i) {
            if (data_[i] != 0) {
                fn(data_[i]);
            }
        }
        break;
    case Mode::Bitmap:
        for (uint32_t w = 0; w < capacity_; ++w) {
            for (uint32_t bits = data_[w]; bits != 0; bits &= bits - 1) {
                fn(w * 32 + static_cast<uint32_t>(__builtin_ctz(bits)));
            }
        }
        break;
    case Mode::InlineBitmap:
    case Mode::Sketch:
        break; // an inline bitmap never grows; a sketch has no values
    }
}

ptrdiff_t DistinctCounter::grow(const DistinctPolicy& policy) {
    const size_t before = heapBytes();
    // Sets grow four-fold (fewer allocations and re-inserts on the way to the limit), but not past
    // the capacity that holds `exact_limit` values at half load.
    uint32_t set_capacity = kFirstSetCapacity;
    if (mode_ == Mode::Set) {
        set_capacity = uint64_t{capacity_} * 4 <= uint64_t{policy.exact_limit} * 2 ? capacity_ * 4 : capacity_ * 2;
    }
    const uint64_t bitmap_words = (policy.universe + 31) / 32;
    Mode next = Mode::Set;
    uint32_t capacity = set_capacity;
    const bool at_limit = size_ >= policy.exact_limit;
    if (policy.universe != 0 && (bitmap_words <= set_capacity || (at_limit && bitmap_words <= kMaxBitmapWords))) {
        next = Mode::Bitmap;
        capacity = static_cast<uint32_t>(bitmap_words);
    } else if (at_limit) {
        next = Mode::Sketch;
        capacity = kRegisters / 4;
    }

    rebuild(next, capacity);
    return static_cast<ptrdiff_t>(heapBytes()) - static_cast<ptrdiff_t>(before);
}

void DistinctCounter::rebuild(Mode next, uint32_t capacity) {
    auto old = std::move(data_);
    const Mode old_mode = mode_;
    const uint32_t old_capacity = capacity_;
    data_ = allocatePooled<uint32_t>(capacity); // zeroed
    capacity_ = capacity;
    mode_ = next;
    const uint32_t old_size = size_;
    const bool old_has_zero = has_zero_;
    size_ = 0;
    has_zero_ = false;

    // Re-insert what was held before, reading it through a view of the old state.
    DistinctCounter view;
    view.mode_ = old_mode;
    view.capacity_ = old_capacity;
    view.size_ = old_size;
    view.has_zero_ = old_has_zero;
    std::memcpy(view.inline_, inline_, sizeof inline_);
    view.data_ = std::move(old);
    view.forEachValue([&](uint32_t v) {
        switch (next) {
        case Mode::Set:
            insertSet(v);
            break;
        case Mode::Bitmap:
            insertBitmap(v);
            break;
        default:
            insertSketch(v);
            break;
        }
    });
    if (next == Mode::Sketch) {
        size_ = 0;
    }
}

ptrdiff_t DistinctCounter::merge(const DistinctCounter& other, const DistinctPolicy& policy) {
    ptrdiff_t delta = 0;
    switch (other.mode_) {
    case Mode::InlineBitmap:
        for (uint32_t w = 0; w < kInline; ++w) {
            for (uint32_t bits = other.inline_[w]; bits != 0; bits &= bits - 1) {
                delta += insert(w * 32 + static_cast<uint32_t>(__builtin_ctz(bits)), policy);
            }
        }
        return delta;
    case Mode::Sketch: {
        // The union is past the exact limit too: a sketch, whose registers are the maxima of both.
        const size_t before = heapBytes();
        if (mode_ != Mode::Sketch) {
            rebuild(Mode::Sketch, kRegisters / 4);
        }
        auto* registers = reinterpret_cast<uint8_t*>(data_.get());
        const auto* theirs = reinterpret_cast<const uint8_t*>(other.data_.get());
        for (uint32_t i = 0; i < kRegisters; ++i) {
            registers[i] = std::max(registers[i], theirs[i]);
        }
        return static_cast<ptrdiff_t>(heapBytes()) - static_cast<ptrdiff_t>(before);
    }
    default:
        other.forEachValue([&](uint32_t v) { delta += insert(v, policy); });
        return delta;
    }
}

uint64_t DistinctCounter::count() const {
    if (mode_ != Mode::Sketch) {
        return size_;
    }
    // Ertl's improved raw estimator (common/hyperloglog): the sketch has the same register layout.
    const auto* registers = reinterpret_cast<const uint8_t*>(data_.get());
    return static_cast<uint64_t>(std::llround(ertlEstimate({registers, kRegisters})));
}

size_t DistinctCounter::heapBytes() const {
    return data_ ? size_t{capacity_} * sizeof(uint32_t) : 0;
}

ptrdiff_t DistinctCounter::clear() {
    const size_t before = heapBytes();
    if (mode_ == Mode::Set || mode_ == Mode::Bitmap) {
        std::memset(data_.get(), 0, size_t{capacity_} * sizeof(uint32_t));
    } else if (mode_ == Mode::InlineBitmap) {
        std::memset(inline_, 0, sizeof inline_);
    } else {
        data_.reset();
        capacity_ = 0;
        mode_ = Mode::Inline;
    }
    size_ = 0;
    has_zero_ = false;
    return static_cast<ptrdiff_t>(heapBytes()) - static_cast<ptrdiff_t>(before);
}

} // namespace kansoku::darknet
