#pragma once

/// The bounded in-memory table behind the darknet trackers: records keyed by address, closed
/// when idle (packet time), closed early — oldest first — when the table's memory budget is full,
/// and closed at end of input. Closed records are handed over sorted by (first_seen, key) so
/// output does not depend on hash order.
///
/// Record needs `Timestamp first_seen, last_seen`. Memory is the table's slots plus the heap its
/// records report through addHeapBytes(); the table never grows past the budget: it evicts.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "common/time.h"
#include "darknet/flat_table.h"

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

template <typename Key, typename Record, typename Hash>
class ExpiringTable {
public:
    using Entry = std::pair<Key, Record>;

    explicit ExpiringTable(size_t max_bytes) : max_bytes_(max_bytes) {}

    /// The record for `key`, created empty if absent (`inserted` tells which).
    Record& findOrInsert(const Key& key, uint64_t hash, bool& inserted) {
        return records_.findOrInsert(key, hash, inserted);
    }
    uint64_t hashOf(const Key& key) const { return records_.hashOf(key); }
    void prefetchTags(uint64_t hash) const { records_.prefetchTags(hash); }
    void prefetchSlot(uint64_t hash) const { records_.prefetchSlot(hash); }

    /// Makes room for `n` more records so that references from findOrInsert() stay valid while a
    /// batch is applied. Grows the table if the budget allows, else closes the oldest records.
    template <typename OnClose>
    void reserve(size_t n, OnClose&& on_close) {
        while (!records_.canInsertWithoutGrowing(n) && records_.size() > 0 &&
               records_.tableBytes() * 2 + heap_bytes_ > max_bytes_) {
            evictOldest(on_close);
        }
        records_.reserve(n);
    }

    /// Records a change in the records' heap use (sets and bitmaps they allocated or freed).
    void addHeapBytes(ptrdiff_t delta) {
        heap_bytes_ = static_cast<size_t>(static_cast<ptrdiff_t>(heap_bytes_) + delta);
    }

    size_t size() const { return records_.size(); }
    size_t bytes() const { return records_.tableBytes() + heap_bytes_; }
    uint64_t evicted() const { return evicted_; }

    /// Closes the oldest records while the table is over budget, shrinking the slot array as it
    /// empties (else its fixed size would keep it over budget until every record was gone).
    template <typename OnClose>
    void enforceBudget(OnClose&& on_close) {
        while (bytes() > max_bytes_ && records_.size() > 0) {
            evictOldest(on_close);
            records_.shrinkToFit();
        }
    }

    /// Closes every record idle since before `now - idle_timeout`. This touches every record.
    template <typename OnClose>
    void expire(Timestamp now, Timestamp idle_timeout, OnClose&& on_close) {
        closeIf([&](const Record& r) { return r.last_seen + idle_timeout < now; }, CloseReason::Idle, on_close);
    }

    /// Closes everything (end of input or shutdown).
    template <typename OnClose>
    void drain(OnClose&& on_close) {
        closeIf([](const Record&) { return true; }, CloseReason::End, on_close);
    }

    /// Visits every open record (for periodic summaries such as campaigns).
    template <typename Fn>
    void forEach(Fn&& fn) const {
        records_.forEach(fn);
    }

private:
    /// Closes the oldest eighth of the records (by last packet).
    template <typename OnClose>
    void evictOldest(OnClose& on_close) {
        std::vector<Timestamp> last_seen;
        last_seen.reserve(records_.size());
        records_.forEach([&](const Key&, const Record& r) { last_seen.push_back(r.last_seen); });
        const size_t cut = std::max<size_t>(1, last_seen.size() / 8);
        std::nth_element(last_seen.begin(), last_seen.begin() + static_cast<ptrdiff_t>(cut - 1), last_seen.end());
        const Timestamp threshold = last_seen[cut - 1];
        evicted_ += closeIf([&](const Record& r) { return r.last_seen <= threshold; }, CloseReason::Evicted, on_close);
    }

    template <typename Predicate, typename OnClose>
    size_t closeIf(Predicate&& predicate, CloseReason reason, OnClose& on_close) {
        std::vector<Key> keys;
        records_.forEach([&](const Key& k, const Record& r) {
            if (predicate(r)) {
                keys.push_back(k);
            }
        });
        std::vector<Entry> closed(keys.size());
        for (size_t i = 0; i < keys.size(); ++i) {
            closed[i].first = keys[i];
            records_.extract(keys[i], closed[i].second);
            heap_bytes_ -= closed[i].second.heapBytes();
        }
        std::sort(closed.begin(), closed.end(), [](const Entry& a, const Entry& b) {
            return a.second.first_seen != b.second.first_seen ? a.second.first_seen < b.second.first_seen
                                                              : a.first < b.first;
        });
        for (auto& entry : closed) {
            on_close(entry.first, std::move(entry.second), reason);
        }
        return closed.size();
    }

    FlatTable<Key, Record, Hash> records_;
    size_t max_bytes_;
    size_t heap_bytes_ = 0;
    uint64_t evicted_ = 0;
};

} // namespace kansoku::darknet
