#pragma once

/// One darknet worker's share of the per-minute port statistics: packets and distinct sources per
/// (protocol, port) and minute, from the probes of the sources it owns. The analyzer merges every
/// worker's counts into its one PortStatsTracker (PortStatsTracker::merge) at each housekeeping
/// step, which then emits `darknet.port_stats` rows as a single tracker would: sources are
/// disjoint between workers and a DistinctCounter merge is the union, so counts are the same.
///
/// A probe is counted in its own minute, or in the latest minute this worker has seen when it
/// comes late (out of order) — as PortStatsTracker::add() does with the minutes of all probes.

#include <cstdint>
#include <vector>

#include "capture/decoded_packet.h"
#include "darknet/distinct_counter.h"
#include "darknet/flat_table.h"

namespace kansoku::darknet {

class PortMinuteCounts {
public:
    struct Row {
        uint64_t packets = 0;
        DistinctCounter sources;
    };

    /// Accounts one probe to `p.dst_port` from `p.src` (TCP SYN or UDP).
    void add(const capture::DecodedPacket& p);
    /// Forgets the counts (after the analyzer merged them); the merged tracker's current minute
    /// (-1 for none) is where late probes go from now on. Keeps the rows' memory for reuse.
    void restart(Timestamp current_minute);

    /// Visits every row with packets, minute by minute in increasing order: fn(minute, port_key, row).
    template <typename Fn>
    void forEachRow(Fn&& fn) const {
        for (size_t i = 0; i < used_; ++i) {
            minutes_[i].rows.forEach([&](uint32_t key, const Row& row) {
                if (row.packets != 0) {
                    fn(minutes_[i].minute, key, row);
                }
            });
        }
    }

private:
    struct KeyHash {
        uint64_t operator()(uint32_t k) const { return mixHash(k); }
    };
    struct Minute {
        Timestamp minute = -1;
        FlatTable<uint32_t, Row, KeyHash> rows;
    };

    std::vector<Minute> minutes_; ///< the first used_ are in use, in minute order; the rest recycled
    size_t used_ = 0;
    Timestamp current_ = -1;
};

} // namespace kansoku::darknet
