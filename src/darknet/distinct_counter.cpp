#include "darknet/distinct_counter.h"

#include <cmath>
#include <cstring>

#include "common/ip_address.h"

namespace kansoku::darknet {

void DistinctCounter::insert(uint32_t value, uint32_t exact_limit) {
    if (registers_) {
        insertSketch(value);
        return;
    }
    if (insertExact(value) && size_ > exact_limit) {
        switchToSketch();
    }
}

bool DistinctCounter::insertExact(uint32_t value) {
    if (capacity_ == 0) {
        const uint32_t n = size_ < kInline ? size_ : kInline;
        for (uint32_t i = 0; i < n; ++i) {
            if (inline_[i] == value) {
                return false;
            }
        }
        if (size_ < kInline) {
            inline_[size_++] = value;
            return true;
        }
        growSet(); // moves the inline values into a hash set
    }
    if (value == 0) {
        if (has_zero_) {
            return false;
        }
        has_zero_ = true;
        ++size_;
        return true;
    }
    const uint32_t mask = capacity_ - 1;
    for (uint32_t i = static_cast<uint32_t>(mixHash(value)) & mask;; i = (i + 1) & mask) {
        if (set_[i] == value) {
            return false;
        }
        if (set_[i] == 0) {
            set_[i] = value;
            ++size_;
            if (size_ * 2 > capacity_) {
                growSet();
            }
            return true;
        }
    }
}

void DistinctCounter::growSet() {
    const uint32_t new_capacity = capacity_ == 0 ? 16 : capacity_ * 2;
    auto old = std::move(set_);
    const uint32_t old_capacity = capacity_;
    set_ = std::make_unique<uint32_t[]>(new_capacity);
    capacity_ = new_capacity;
    const uint32_t mask = capacity_ - 1;
    auto place = [&](uint32_t v) {
        uint32_t i = static_cast<uint32_t>(mixHash(v)) & mask;
        while (set_[i] != 0) {
            i = (i + 1) & mask;
        }
        set_[i] = v;
    };
    if (old_capacity == 0) {
        for (uint32_t i = 0; i < kInline; ++i) {
            if (inline_[i] == 0) {
                has_zero_ = true; // counted in size_ already
            } else {
                place(inline_[i]);
            }
        }
        return;
    }
    for (uint32_t i = 0; i < old_capacity; ++i) {
        if (old[i] != 0) {
            place(old[i]);
        }
    }
}

void DistinctCounter::switchToSketch() {
    registers_ = std::make_unique<uint8_t[]>(kRegisters);
    std::memset(registers_.get(), 0, kRegisters);
    if (has_zero_) {
        insertSketch(0);
    }
    if (capacity_ == 0) {
        for (uint32_t i = 0; i < size_ && i < kInline; ++i) {
            insertSketch(inline_[i]);
        }
    } else {
        for (uint32_t i = 0; i < capacity_; ++i) {
            if (set_[i] != 0) {
                insertSketch(set_[i]);
            }
        }
    }
    set_.reset();
    capacity_ = 0;
}

void DistinctCounter::insertSketch(uint32_t value) {
    const uint64_t h = mixHash(uint64_t{value} + 0x9e3779b97f4a7c15ULL);
    const uint32_t index = static_cast<uint32_t>(h >> (64 - kPrecision));
    const uint64_t rest = h << kPrecision;
    const uint8_t rank =
        rest == 0 ? static_cast<uint8_t>(64 - kPrecision + 1) : static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    if (rank > registers_[index]) {
        registers_[index] = rank;
    }
}

uint64_t DistinctCounter::count() const {
    if (!registers_) {
        return size_;
    }
    double sum = 0;
    uint32_t zeros = 0;
    for (uint32_t i = 0; i < kRegisters; ++i) {
        sum += std::ldexp(1.0, -registers_[i]);
        zeros += registers_[i] == 0 ? 1 : 0;
    }
    const double m = kRegisters;
    const double alpha = 0.7213 / (1.0 + 1.079 / m);
    double estimate = alpha * m * m / sum;
    if (estimate <= 2.5 * m && zeros != 0) {
        estimate = m * std::log(m / zeros); // linear counting for small cardinalities
    }
    return static_cast<uint64_t>(std::llround(estimate));
}

size_t DistinctCounter::heapBytes() const {
    return (registers_ ? kRegisters : 0) + size_t{capacity_} * sizeof(uint32_t);
}

} // namespace kansoku::darknet
