#pragma once

/// The bounded in-memory table behind every darknet tracker: records keyed by address, closed
/// when idle (packet time), closed early — oldest first — when the table's memory budget is full,
/// and closed at end of input. Closed records are handed over sorted by (first_seen, key) so
/// output does not depend on hash order.
///
/// Record needs `Timestamp first_seen, last_seen` and `size_t heapBytes() const`.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <absl/container/flat_hash_map.h>

#include "common/time.h"

namespace kansoku::darknet {

enum class CloseReason : uint8_t { Idle, Evicted, End };

inline const char* closeReasonName(CloseReason r) {
    switch (r) {
    case CloseReason::Idle:
        return "idle";
    case CloseReason::Evicted:
        return "evicted";
    case CloseReason::End:
        return "end";
    }
    return "invalid";
}

template <typename Key, typename Record>
class ExpiringTable {
public:
    using Entry = std::pair<Key, Record>;

    /// `max_bytes` bounds the table (slots at worst-case load plus each record's heap).
    explicit ExpiringTable(size_t max_bytes) : max_bytes_(max_bytes) {}

    /// The record for `key`, created empty if absent (`inserted` tells which).
    Record& findOrInsert(const Key& key, bool& inserted) {
        auto [it, was_inserted] = records_.try_emplace(key);
        inserted = was_inserted;
        return it->second;
    }

    /// Starts loading the slot for `key` into cache (the analyzer prefetches a batch ahead).
    void prefetch(const Key& key) const { records_.prefetch(key); }

    /// Records a change in a record's heap use (after inserting into its sets).
    void addHeapBytes(ptrdiff_t delta) {
        heap_bytes_ = static_cast<size_t>(static_cast<ptrdiff_t>(heap_bytes_) + delta);
    }

    size_t size() const { return records_.size(); }
    size_t bytes() const { return records_.size() * kSlotBytes + heap_bytes_; }
    bool overBudget() const { return bytes() > max_bytes_; }
    uint64_t evicted() const { return evicted_; }

    /// Closes every record idle since before `now - idle_timeout`.
    template <typename OnClose>
    void expire(Timestamp now, Timestamp idle_timeout, OnClose&& on_close) {
        closeIf([&](const Record& r) { return r.last_seen + idle_timeout < now; }, CloseReason::Idle, on_close);
    }

    /// When over budget, closes the oldest eighth of the records (by last packet).
    template <typename OnClose>
    void evictIfOverBudget(OnClose&& on_close) {
        if (!overBudget() || records_.empty()) {
            return;
        }
        std::vector<Timestamp> last_seen;
        last_seen.reserve(records_.size());
        for (const auto& [key, record] : records_) {
            last_seen.push_back(record.last_seen);
        }
        const size_t cut = std::max<size_t>(1, last_seen.size() / 8);
        std::nth_element(last_seen.begin(), last_seen.begin() + static_cast<ptrdiff_t>(cut - 1), last_seen.end());
        const Timestamp threshold = last_seen[cut - 1];
        const size_t before = records_.size();
        closeIf([&](const Record& r) { return r.last_seen <= threshold; }, CloseReason::Evicted, on_close);
        evicted_ += before - records_.size();
    }

    /// Closes everything (end of input or shutdown).
    template <typename OnClose>
    void drain(OnClose&& on_close) {
        closeIf([](const Record&) { return true; }, CloseReason::End, on_close);
    }

    template <typename Fn>
    void forEach(Fn&& fn) const {
        for (const auto& [key, record] : records_) {
            fn(key, record);
        }
    }

private:
    /// Upper bound of a slot's cost: absl's table keeps load <= 7/8 and doubles, so a live record
    /// can cost up to ~2.3 slots of (entry + 1 control byte).
    static constexpr size_t kSlotBytes = (sizeof(Entry) + 1) * 7 / 3;

    template <typename Predicate, typename OnClose>
    void closeIf(Predicate&& predicate, CloseReason reason, OnClose& on_close) {
        std::vector<Entry> closed;
        for (auto it = records_.begin(); it != records_.end();) {
            if (predicate(it->second)) {
                heap_bytes_ -= it->second.heapBytes();
                closed.emplace_back(it->first, std::move(it->second));
                records_.erase(it++);
            } else {
                ++it;
            }
        }
        std::sort(closed.begin(), closed.end(), [](const Entry& a, const Entry& b) {
            return a.second.first_seen != b.second.first_seen ? a.second.first_seen < b.second.first_seen
                                                              : a.first < b.first;
        });
        for (auto& entry : closed) {
            on_close(entry.first, std::move(entry.second), reason);
        }
    }

    absl::flat_hash_map<Key, Record> records_;
    size_t max_bytes_;
    size_t heap_bytes_ = 0;
    uint64_t evicted_ = 0;
};

} // namespace kansoku::darknet
