#pragma once

/// A darknet worker's closed records, from when its tracker closes them on the worker's thread
/// until the analyzer publishes every worker's merged (forEachMerged()), in the order one tracker
/// holding all the records would have closed them (ExpiringTable hands closed records over sorted
/// by first packet, then key). Records wait rather than their events: an event's JSON fields take
/// several times a record's memory, and the records were counted in the budget a moment before.
/// They are freed by clear() on the worker's thread, whose block pool their heap blocks came from.

#include <algorithm>
#include <cstdint>
#include <vector>

#include "common/ip_address.h"
#include "common/time.h"
#include "darknet/expiring_table.h"

namespace kansoku::darknet {

/// A closed record's sort key: first packet, then the record's key (address, then protocol: the
/// order of ScanKey; a victim's protocol is 0).
struct CloseOrder {
    Timestamp first_seen = 0;
    IpAddress address;
    uint8_t protocol = 0;

    friend auto operator<=>(const CloseOrder&, const CloseOrder&) = default;
    friend bool operator==(const CloseOrder&, const CloseOrder&) = default;
};

template <typename Key, typename Record>
class ClosedRecords {
public:
    struct Entry {
        CloseOrder order;
        Key key;
        Record record;
        CloseReason reason;
    };

    void keep(const CloseOrder& order, const Key& key, Record&& record, CloseReason reason) {
        entries_.push_back(Entry{order, key, std::move(record), reason});
    }
    const std::vector<Entry>& entries() const { return entries_; }
    /// Frees the records and the room they took.
    void clear() { std::vector<Entry>().swap(entries_); }

private:
    std::vector<Entry> entries_;
};

/// Calls `emit(part, entry)` for the entries of every part (records of disjoint keys), merged by
/// close order; one part's entries with equal orders (a key closed twice) keep their sequence.
template <typename Key, typename Record, typename Emit>
void forEachMerged(const std::vector<const ClosedRecords<Key, Record>*>& parts, Emit&& emit) {
    using Entry = typename ClosedRecords<Key, Record>::Entry;
    struct Ref {
        const Entry* entry;
        size_t part;
    };
    std::vector<Ref> merged;
    for (size_t part = 0; part < parts.size(); ++part) {
        for (const Entry& entry : parts[part]->entries()) {
            merged.push_back({&entry, part});
        }
    }
    std::stable_sort(merged.begin(), merged.end(),
                     [](const Ref& a, const Ref& b) { return a.entry->order < b.entry->order; });
    for (const Ref& ref : merged) {
        emit(ref.part, *ref.entry);
    }
}

} // namespace kansoku::darknet
