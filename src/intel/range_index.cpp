#include "intel/range_index.h"

#include <algorithm>
#include <cassert>
#include <utility>

namespace kansoku::intel {

// The builder keeps ranges that a later range may still cut in `pending_`, a stack whose top has
// the lowest first address: a range is pushed after the parts of older ranges it covers were cut
// away, so what remains of them lies above it. A new range [first, last] first moves everything
// below `first` to `done_` (splitting a range that straddles it), then drops or trims the pending
// parts it covers. Each range is pushed once and popped at most once, so building is linear
// however the input nests.

template <typename Key>
void RangeIndex<Key>::Builder::flushBefore(Key first) {
    while (!pending_.empty() && pending_.back().first < first) {
        Range& top = pending_.back();
        if (top.last < first) {
            done_.push_back(top);
            pending_.pop_back();
        } else {
            done_.push_back({top.first, first - 1, top.value});
            top.first = first; // the rest is covered by the new range or lies above it
            break;
        }
    }
}

template <typename Key>
void RangeIndex<Key>::Builder::add(Key first, Key last, uint32_t value) {
    assert(first <= last && value != kNoValue);
    flushBefore(first);
    while (!pending_.empty() && pending_.back().first <= last) {
        ++overlaps_;
        Range& top = pending_.back();
        if (top.last <= last) {
            pending_.pop_back();
        } else {
            top.first = last + 1;
            break;
        }
    }
    pending_.push_back({first, last, value});
}

template <typename Key>
RangeIndex<Key> RangeIndex<Key>::Builder::build() {
    while (!pending_.empty()) {
        done_.push_back(pending_.back());
        pending_.pop_back();
    }
    RangeIndex index;
    if (done_.empty()) {
        return index;
    }
    auto append = [&index](Key start, uint32_t value) {
        if (!index.values_.empty() && index.values_.back() == value) {
            return; // continues the previous entry
        }
        index.starts_.push_back(start);
        index.values_.push_back(value);
        index.range_count_ += value != kNoValue ? 1 : 0;
    };
    index.starts_.reserve(done_.size() * 5 / 4 + 1);
    index.values_.reserve(done_.size() * 5 / 4 + 1);
    Key next = 0;         // first address not yet covered by an entry
    bool wrapped = false; // the last range ended at the top of the key space
    for (const Range& range : done_) {
        if (range.first > next) {
            append(next, kNoValue);
        }
        append(range.first, range.value);
        wrapped = range.last == ~Key{0};
        next = range.last + 1;
    }
    if (!wrapped) {
        append(next, kNoValue);
    }
    done_.clear();
    done_.shrink_to_fit();
    index.starts_.shrink_to_fit();
    index.values_.shrink_to_fit();

    constexpr std::size_t kBuckets = std::size_t{1} << kBucketBits;
    index.buckets_.resize(kBuckets + 1);
    std::size_t entry = 0;
    for (std::size_t bucket = 0; bucket < kBuckets; ++bucket) {
        const Key bucket_start = static_cast<Key>(bucket) << kBucketShift;
        while (entry + 1 < index.starts_.size() && index.starts_[entry + 1] <= bucket_start) {
            ++entry;
        }
        index.buckets_[bucket] = static_cast<uint32_t>(entry);
    }
    index.buckets_[kBuckets] = static_cast<uint32_t>(index.starts_.size() - 1);
    if constexpr (sizeof(Key) > 4) {
        index.high_.reserve(index.starts_.size());
        for (const Key start : index.starts_) {
            index.high_.push_back(static_cast<uint64_t>(start >> 64));
        }
        while (true) {
            const std::vector<uint64_t>& below = index.fences_.empty() ? index.high_ : index.fences_.back();
            if (below.size() <= kFanout) {
                break;
            }
            std::vector<uint64_t> level;
            level.reserve(below.size() / kFanout + 1);
            for (std::size_t i = 0; i < below.size(); i += kFanout) {
                level.push_back(below[i]);
            }
            index.fences_.push_back(std::move(level)); // `below` may move: taken again above
        }
    }
    return index;
}

template class RangeIndex<uint32_t>;
template class RangeIndex<Uint128>;

} // namespace kansoku::intel
