#pragma once

/// Per-victim DDoS backscatter (`ddos.attack`, evidence "backscatter"). A victim flooded with
/// packets whose sources are spoofed uniformly at random answers some of them into the darknet;
/// seeing n of its replies on a darknet of N addresses implies about n * 2^32 / N packets sent
/// (Moore, Shannon, Brown, Voelker, Savage, "Inferring Internet Denial-of-Service Activity",
/// ACM TOCS 24(2), 2006). A victim becomes an attack only past CAIDA corsaro's thresholds
/// (packets, duration, peak packets per minute).

#include <array>
#include <cstdint>
#include <string>

#include "common/event_sink.h"
#include "darknet/closed_records.h"
#include "darknet/distinct_counter.h"
#include "darknet/expiring_table.h"
#include "darknet/packet_classifier.h"
#include "darknet/port_set.h"
#include "darknet/top_ports.h"

namespace kansoku::darknet {

struct BackscatterTrackerOptions {
    std::string sensor = "local";
    uint64_t min_packets = 25;
    Timestamp min_duration = 60 * kMicrosPerSecond;
    uint64_t min_ppm = 30;
    Timestamp idle_timeout = 300 * kMicrosPerSecond;
    uint32_t top_ports = 8;
    double darknet_v4_size = 256; ///< addresses watched, for the 2^32/N rate scaling
    size_t max_bytes = 64U << 20;
};

struct AddressHash {
    uint64_t operator()(const IpAddress& a) const { return hashAddress(a); }
};

struct VictimRecord {
    Timestamp first_seen = 0;
    Timestamp last_seen = 0;
    uint64_t packets = 0;
    std::array<uint64_t, kAttackVectorCount> by_vector{};
    Timestamp minute = -1; ///< start of the minute being counted
    uint32_t minute_packets = 0;
    uint32_t peak_ppm = 0;
    TopPorts ports;
    PortSet port_set;
    DistinctCounter darknet_addresses; ///< how many darknet addresses the victim answered

    size_t heapBytes() const { return port_set.heapBytes() + darknet_addresses.heapBytes(); }
};

class BackscatterTracker {
public:
    BackscatterTracker(BackscatterTrackerOptions options, EventSink& sink);

    void add(const capture::DecodedPacket& p, const Classification& c) {
        reserve(1);
        update(locate(p, c, hashOf(c)), p, c);
        enforceBudget();
    }

    // Batch stages, as in ScanTracker.
    uint64_t hashOf(const Classification& c) const { return table_.hashOf(c.victim); }
    void prefetchTags(uint64_t hash) const { table_.prefetchTags(hash); }
    void prefetchSlot(uint64_t hash) const { table_.prefetchSlot(hash); }
    void reserve(size_t n);
    VictimRecord& locate(const capture::DecodedPacket& p, const Classification& c, uint64_t hash);
    /// Loads what update() will touch outside the record itself.
    void prefetchCounters(const VictimRecord& r, const Classification& c) const {
        r.darknet_addresses.prefetch(c.dst_key);
        r.port_set.prefetch(c.victim_port);
    }
    void update(VictimRecord& r, const capture::DecodedPacket& p, const Classification& c);
    void enforceBudget();
    void expire(Timestamp now);
    void closeAll();

    size_t openVictims() const { return table_.size(); }
    size_t bytes() const { return table_.bytes(); }
    uint64_t evicted() const { return table_.evicted(); }
    uint64_t attacks() const { return attacks_; }
    uint64_t belowThreshold() const { return below_threshold_; }

    using Closed = ClosedRecords<IpAddress, VictimRecord>;
    /// As ScanTracker::keepClosedIn: records that pass the attack thresholds wait in `closed`.
    void keepClosedIn(Closed* closed) { closed_ = closed; }
    /// Publishes a closed record's ddos.attack event to the sink.
    void emit(const IpAddress& victim, const VictimRecord& record, CloseReason reason);

    /// Whether a closed record passes the attack thresholds.
    bool isAttack(const VictimRecord& r) const;

private:
    void close(const IpAddress& victim, VictimRecord&& record, CloseReason reason);

    BackscatterTrackerOptions options_;
    DistinctPolicy v4_addresses_;
    DistinctPolicy v6_addresses_;
    EventSink& sink_;
    Closed* closed_ = nullptr;
    ExpiringTable<IpAddress, VictimRecord, AddressHash> table_;
    uint64_t attacks_ = 0;
    uint64_t below_threshold_ = 0;
};

} // namespace kansoku::darknet
