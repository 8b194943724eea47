#pragma once

/// Per-source scan records (`darknet.scan`): who probes the darknet, how much, which ports, how
/// many addresses, and the scan's shape — horizontal (few ports, many hosts), vertical (many
/// ports, few hosts) or block (many of both), after Staniford, Hoagland and McAlerney's taxonomy
/// ("Practical automated detection of stealthy portscans", JCS 2002).

#include <array>
#include <cstdint>
#include <string>

#include "capture/decoded_packet.h"
#include "common/address_labeler.h"
#include "common/event_sink.h"
#include "darknet/closed_records.h"
#include "darknet/distinct_counter.h"
#include "darknet/expiring_table.h"
#include "darknet/port_set.h"
#include "darknet/scanner_fingerprint.h"
#include "darknet/top_ports.h"

namespace kansoku::darknet {

struct ScanTrackerOptions {
    std::string sensor = "local";
    Timestamp idle_timeout = 600 * kMicrosPerSecond;
    uint64_t min_packets = 1;
    uint32_t many_ports = 5;
    uint64_t many_hosts = 5;
    uint32_t top_ports = 8;
    size_t max_bytes = 256U << 20;
    /// IPv4 darknet addresses (the universe of destination keys); 0 when unknown or > 2^32.
    uint64_t darknet_v4_size = 0;
    /// Known benign scanners (MISP warning lists); records of their sources say so. May be null.
    const AddressLabeler* benign = nullptr;
};

/// A scan's source and protocol (one source scanning TCP and UDP has two records).
struct ScanKey {
    IpAddress src;
    uint8_t protocol = 0; ///< IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP or IPPROTO_ICMPV6

    friend bool operator==(const ScanKey&, const ScanKey&) = default;
    friend auto operator<=>(const ScanKey&, const ScanKey&) = default;
};

struct ScanKeyHash {
    uint64_t operator()(const ScanKey& k) const { return mixHash(k.src.hi() ^ mixHash(k.src.lo() + k.protocol)); }
};

struct ScanRecord {
    Timestamp first_seen = 0;
    Timestamp last_seen = 0;
    uint64_t packets = 0;
    uint8_t ttl_first = 0;
    uint8_t ttl_min = 255;
    uint8_t ttl_max = 0;
    bool seq_varies = false; ///< TCP: probes did not all carry the first probe's sequence number
    uint32_t first_seq = 0;
    std::array<uint32_t, kScannerToolCount> tool_packets{}; ///< probes per fingerprint
    PortSet ports;
    DistinctCounter destinations;
    TopPorts top_ports;

    size_t heapBytes() const { return ports.heapBytes() + destinations.heapBytes(); }
};

enum class ScanKind : uint8_t { Horizontal, Vertical, Block };
const char* scanKindName(ScanKind kind);

class ScanTracker {
public:
    ScanTracker(ScanTrackerOptions options, EventSink& sink);

    /// Accounts one probe (TCP SYN, UDP or ICMP echo) from `p.src` to the darknet destination
    /// whose key (Classification::dst_key) is `dst_key`.
    void add(const capture::DecodedPacket& p, uint32_t dst_key, ScannerTool tool = ScannerTool::Unknown) {
        reserve(1);
        update(locate(p, hashOf(p)), p, dst_key, tool);
        enforceBudget();
    }

    // The same in stages, for a batch: hashOf(), prefetchTags() and then prefetchSlot() for every
    // packet, reserve(), then locate() and prefetchCounters() for every packet, update() for every
    // packet, then enforceBudget().
    uint64_t hashOf(const capture::DecodedPacket& p) const { return table_.hashOf(ScanKey{p.src, p.protocol}); }
    void prefetchTags(uint64_t hash) const { table_.prefetchTags(hash); }
    void prefetchSlot(uint64_t hash) const { table_.prefetchSlot(hash); }
    void reserve(size_t n);
    ScanRecord& locate(const capture::DecodedPacket& p, uint64_t hash) {
        bool inserted = false;
        ScanRecord& r = table_.findOrInsert(ScanKey{p.src, p.protocol}, hash, inserted);
        if (inserted) {
            r.first_seen = p.ts;
            r.ttl_first = p.ttl;
            r.first_seq = p.seq;
        }
        return r;
    }
    /// Loads what update() will touch outside the record itself (the destination and port sets).
    void prefetchCounters(const ScanRecord& r, const capture::DecodedPacket& p, uint32_t dst_key) const {
        r.destinations.prefetch(dst_key);
        r.ports.prefetch(p.dst_port);
    }
    void update(ScanRecord& r, const capture::DecodedPacket& p, uint32_t dst_key, ScannerTool tool);
    /// The label most of the record's probes carry; a tie with `unknown` goes to the fingerprint,
    /// a tie between fingerprints to the rule checked first.
    static ScannerTool majorityTool(const ScanRecord& r);
    /// Closes the oldest records when over the memory budget (invalidates located records).
    void enforceBudget();
    /// Closes records idle for longer than the idle timeout, relative to packet time `now`.
    void expire(Timestamp now);
    /// Closes all records (end of input).
    void closeAll();

    ScanKind classify(const ScanRecord& record) const;
    using Closed = ClosedRecords<ScanKey, ScanRecord>;
    /// Keeps closed records (above the packet threshold) in `closed` instead of publishing their
    /// events: a worker's tracker, whose records the analyzer merges with the others' and
    /// publishes through emit(). Null restores publishing at once.
    void keepClosedIn(Closed* closed) { closed_ = closed; }
    /// Publishes a closed record's darknet.scan event to the sink.
    void emit(const ScanKey& key, const ScanRecord& record, CloseReason reason);

    /// Visits every open record.
    template <typename Fn>
    void forEachOpen(Fn&& fn) const {
        table_.forEach(fn);
    }

    size_t openRecords() const { return table_.size(); }
    size_t bytes() const { return table_.bytes(); }
    uint64_t evicted() const { return table_.evicted(); }
    uint64_t emitted() const { return emitted_; }
    uint64_t belowMinPackets() const { return below_min_packets_; }

private:
    void close(const ScanKey& key, ScanRecord&& record, CloseReason reason);

    ScanTrackerOptions options_;
    DistinctPolicy v4_destinations_;
    DistinctPolicy v6_destinations_;
    EventSink& sink_;
    Closed* closed_ = nullptr;
    ExpiringTable<ScanKey, ScanRecord, ScanKeyHash> table_;
    uint64_t emitted_ = 0;
    uint64_t below_min_packets_ = 0;
};

} // namespace kansoku::darknet
