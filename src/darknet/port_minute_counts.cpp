#include "darknet/port_minute_counts.h"

#include "darknet/event_fields.h"
#include "darknet/port_stats_tracker.h"

namespace kansoku::darknet {

void PortMinuteCounts::add(const capture::DecodedPacket& p) {
    const Timestamp minute = p.ts - p.ts % kMicrosPerMinute;
    if (minute > current_ || used_ == 0) {
        current_ = std::max(current_, minute);
        if (used_ == 0 || minutes_[used_ - 1].minute != current_) {
            if (used_ == minutes_.size()) {
                minutes_.emplace_back();
            }
            minutes_[used_++].minute = current_;
        }
    }
    bool inserted = false;
    Row& row = minutes_[used_ - 1].rows.findOrInsert(PortStatsTracker::portKey(p.protocol, p.dst_port), inserted);
    ++row.packets;
    row.sources.insert(addressKey(p.src), PortStatsTracker::kSourcesPolicy);
}

void PortMinuteCounts::restart(Timestamp current_minute) {
    for (size_t i = 0; i < used_; ++i) {
        minutes_[i].rows.forEachMutable([](uint32_t, Row& row) {
            row.packets = 0;
            row.sources.clear();
        });
    }
    used_ = 0;
    current_ = current_minute;
}

} // namespace kansoku::darknet
