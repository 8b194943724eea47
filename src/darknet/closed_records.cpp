#include "darknet/closed_records.h"

#include <algorithm>

namespace kansoku::darknet {

void publishMerged(std::vector<ClosedRecords*> const& records, EventSink& sink) {
    if (records.size() == 1) {
        for (auto& [order, event] : records.front()->entries()) {
            sink.publish(event);
        }
        records.front()->entries().clear();
        return;
    }
    std::vector<ClosedRecords::Entry*> merged;
    for (ClosedRecords* r : records) {
        for (auto& entry : r->entries()) {
            merged.push_back(&entry);
        }
    }
    // Stable: one worker's entries with equal orders (a key closed twice) keep their sequence.
    std::stable_sort(merged.begin(), merged.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    for (const auto* entry : merged) {
        sink.publish(entry->second);
    }
    for (ClosedRecords* r : records) {
        r->entries().clear();
    }
}

} // namespace kansoku::darknet
