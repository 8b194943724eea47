#pragma once

/// A darknet worker's closed-record events, kept with their close order until the analyzer
/// collects every worker's and publishes them merged (mergeClosed()), in the order one tracker
/// holding all the records would have closed them.

#include <utility>
#include <vector>

#include "darknet/closed_record_sink.h"

namespace kansoku::darknet {

class ClosedRecords final : public EventSink, public ClosedRecordSink {
public:
    using Entry = std::pair<CloseOrder, Event>;

    void publishClosed(Event&& event, const CloseOrder& order) override {
        entries_.emplace_back(order, std::move(event));
    }
    /// Events without an order (none today) keep their place after the ordered ones so far.
    void publish(const Event& event) override {
        entries_.emplace_back(entries_.empty() ? CloseOrder{} : entries_.back().first, event);
    }

    std::vector<Entry>& entries() { return entries_; }

private:
    std::vector<Entry> entries_;
};

/// Publishes the events of every worker's `records` to `sink` and empties them. One worker's are
/// published as they came; several workers' (disjoint record keys) are merged by close order.
void publishMerged(std::vector<ClosedRecords*> const& records, EventSink& sink);

} // namespace kansoku::darknet
