#include "darknet/port_stats_tracker.h"

#include <algorithm>
#include <vector>

#include "darknet/event_fields.h"

namespace kansoku::darknet {

PortStatsTracker::PortStatsTracker(PortStatsTrackerOptions options, EventSink& sink, PortStatsObserver* observer)
    : options_(std::move(options)), sink_(sink), observer_(observer) {}

void PortStatsTracker::add(const capture::DecodedPacket& p) {
    enterMinute(p.ts - p.ts % kMicrosPerMinute, 1);
    bool inserted = false;
    PortMinute& row = ports_.findOrInsert(portKey(p.protocol, p.dst_port), inserted);
    ++row.packets;
    heap_bytes_ = static_cast<size_t>(static_cast<ptrdiff_t>(heap_bytes_) +
                                      row.sources.insert(addressKey(p.src), kSourcesPolicy));
    enforceBudget();
}

void PortStatsTracker::merge(Timestamp minute, uint32_t port_key, uint64_t packets, const DistinctCounter& sources) {
    enterMinute(minute, packets);
    bool inserted = false;
    PortMinute& row = ports_.findOrInsert(port_key, inserted);
    row.packets += packets;
    heap_bytes_ = static_cast<size_t>(static_cast<ptrdiff_t>(heap_bytes_) + row.sources.merge(sources, kSourcesPolicy));
    enforceBudget();
}

void PortStatsTracker::enterMinute(Timestamp minute, uint64_t packets) {
    if (minute > minute_) {
        if (minute_ >= 0) {
            emit(false);
        }
        minute_ = minute;
    } else if (minute < minute_) {
        late_packets_ += packets; // out-of-order packets: counted in the current minute
    }
}

void PortStatsTracker::enforceBudget() {
    if (bytes() > options_.max_bytes) {
        // Over budget inside one minute: emit what we have as partial rows and free every row.
        evicted_ += ports_.size();
        emit(true);
        ports_.clear();
        heap_bytes_ = 0;
    }
}

void PortStatsTracker::advance(Timestamp now) {
    if (minute_ >= 0 && now >= minute_ + kMicrosPerMinute) {
        emit(false);
        minute_ = -1;
    }
}

void PortStatsTracker::flush() {
    if (minute_ >= 0) {
        emit(false);
        minute_ = -1;
    }
}

size_t PortStatsTracker::bytes() const {
    return ports_.size() * (sizeof(uint32_t) + sizeof(PortMinute) + 1) * 2 + heap_bytes_;
}

void PortStatsTracker::emit(bool partial) {
    std::vector<std::pair<uint32_t, const PortMinute*>> rows;
    rows.reserve(ports_.size());
    ports_.forEach([&](uint32_t k, const PortMinute& row) {
        if (row.packets != 0) {
            rows.emplace_back(k, &row);
        }
    });
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const std::string minute = formatRfc3339(minute_);
    for (const auto& [k, row] : rows) {
        Event event;
        event.type = "darknet.port_stats";
        event.ts = minute_;
        event.sensor = options_.sensor;
        event.reserveFields(6);
        event.add("proto", protocolName(static_cast<uint8_t>(k >> 16)));
        event.add("port", k & 0xffffU);
        event.add("minute", minute);
        event.add("packets", row->packets);
        event.add("sources", row->sources.count());
        if (partial) {
            event.add("partial", true);
        }
        sink_.publish(event);
        ++rows_emitted_;
        if (observer_ != nullptr) {
            observer_->onPortMinute(minute_, static_cast<uint8_t>(k >> 16), static_cast<uint16_t>(k & 0xffffU),
                                    row->packets, row->sources.count());
        }
    }
    // Rows are kept for the next minute (the same ports recur), their memory reused.
    ports_.forEachMutable([&](uint32_t, PortMinute& row) {
        row.packets = 0;
        heap_bytes_ = static_cast<size_t>(static_cast<ptrdiff_t>(heap_bytes_) + row.sources.clear());
    });
}

} // namespace kansoku::darknet
