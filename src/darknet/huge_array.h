#pragma once

/// A fixed-size array of default-constructed T for the trackers' large tables: from 1 MiB up it
/// is mapped on its own, aligned to 2 MiB and marked for transparent huge pages, so building a
/// table of millions of records costs a page fault per 2 MiB instead of per 4 KiB, and lookups
/// spread over it miss the TLB far less (block_pool.h says why that matters under
/// virtualisation). Smaller arrays come from operator new.

#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace kansoku::darknet {

namespace detail {
/// Maps `bytes` (rounded up to 2 MiB) with THP advice; throws std::bad_alloc when it cannot.
void* mapHuge(size_t bytes);
void unmapHuge(void* memory, size_t bytes);
} // namespace detail

template <typename T>
class HugeArray {
public:
    static constexpr size_t kMapThreshold = size_t{1} << 20;

    HugeArray() = default;
    explicit HugeArray(size_t n) : size_(n) {
        if (bytes() >= kMapThreshold) {
            data_ = static_cast<T*>(detail::mapHuge(bytes()));
        } else {
            data_ = static_cast<T*>(::operator new (bytes(), std::align_val_t{alignof(T) < 64 ? 64 : alignof(T)}));
        }
        std::uninitialized_value_construct_n(data_, n);
    }
    HugeArray(HugeArray&& other) noexcept
        : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
    HugeArray& operator=(HugeArray&& other) noexcept {
        if (this != &other) {
            release();
            data_ = std::exchange(other.data_, nullptr);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }
    HugeArray(const HugeArray&) = delete;
    HugeArray& operator=(const HugeArray&) = delete;
    ~HugeArray() { release(); }

    T& operator[](size_t i) { return data_[i]; }
    const T& operator[](size_t i) const { return data_[i]; }
    T* get() const { return data_; }

private:
    size_t bytes() const { return size_ * sizeof(T); }
    void release() {
        if (data_ == nullptr) {
            return;
        }
        std::destroy_n(data_, size_);
        if (bytes() >= kMapThreshold) {
            detail::unmapHuge(data_, bytes());
        } else {
            ::operator delete (data_, std::align_val_t{alignof(T) < 64 ? 64 : alignof(T)});
        }
        data_ = nullptr;
        size_ = 0;
    }

    T* data_ = nullptr;
    size_t size_ = 0;
};

} // namespace kansoku::darknet
