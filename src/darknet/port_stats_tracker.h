#pragma once

/// Per-minute port statistics (`darknet.port_stats`): for each protocol/port probed in a minute,
/// the packets and distinct sources. The series of these is what outbreak detection watches
/// (a port whose distinct sources jump is a new campaign).

#include <cstdint>
#include <string>

#include "capture/decoded_packet.h"
#include "common/event_sink.h"
#include "darknet/distinct_counter.h"
#include "darknet/flat_table.h"

namespace kansoku::darknet {

/// Receives every emitted row, in minute order (the outbreak detector's input).
class PortStatsObserver {
public:
    virtual ~PortStatsObserver() = default;
    virtual void onPortMinute(Timestamp minute, uint8_t protocol, uint16_t port, uint64_t packets,
                              uint64_t sources) = 0;
};

struct PortStatsTrackerOptions {
    std::string sensor = "local";
    size_t max_bytes = 128U << 20;
};

class PortStatsTracker {
public:
    PortStatsTracker(PortStatsTrackerOptions options, EventSink& sink, PortStatsObserver* observer = nullptr);

    /// Accounts one probe to `p.dst_port` from `p.src` (TCP SYN or UDP).
    void add(const capture::DecodedPacket& p);
    /// Adds another counter's packets and sources of one port (portKey()) in `minute`: what add()
    /// would have made of those packets, so a worker's counts (PortMinuteCounts), merged minute by
    /// minute, give the rows one tracker would. A later minute emits the current one first.
    void merge(Timestamp minute, uint32_t port_key, uint64_t packets, const DistinctCounter& sources);
    /// Emits the current minute's rows if `now` is past it.
    void advance(Timestamp now);
    /// Emits the current minute's rows (end of input).
    void flush();

    /// The minute being counted; -1 when none.
    Timestamp currentMinute() const { return minute_; }
    size_t bytes() const;
    uint64_t evicted() const { return evicted_; }
    uint64_t latePackets() const { return late_packets_; }
    uint64_t rowsEmitted() const { return rows_emitted_; }

    static uint32_t portKey(uint8_t protocol, uint16_t port) { return (uint32_t{protocol} << 16) | port; }
    /// Sources per port-minute are exact up to 1,024, then sketched.
    static constexpr DistinctPolicy kSourcesPolicy{1024, 0};

private:
    struct PortMinute {
        uint64_t packets = 0;
        DistinctCounter sources;
    };
    /// Moves to `minute` (emitting the current one) or counts a late arrival.
    void enterMinute(Timestamp minute, uint64_t packets);
    void enforceBudget();
    void emit(bool partial);

    PortStatsTrackerOptions options_;
    EventSink& sink_;
    PortStatsObserver* observer_;
    struct KeyHash {
        uint64_t operator()(uint32_t k) const { return mixHash(k); }
    };
    FlatTable<uint32_t, PortMinute, KeyHash> ports_;
    Timestamp minute_ = -1;
    size_t heap_bytes_ = 0;
    uint64_t evicted_ = 0;
    uint64_t late_packets_ = 0;
    uint64_t rows_emitted_ = 0;
};

} // namespace kansoku::darknet
