#pragma once

/// Per-source scan records (`darknet.scan`): who probes the darknet, how much, which ports, how
/// many addresses, and the scan's shape — horizontal (few ports, many hosts), vertical (many
/// ports, few hosts) or block (many of both), after Staniford, Hoagland and McAlerney's taxonomy
/// ("Practical automated detection of stealthy portscans", JCS 2002).

#include <cstdint>
#include <string>

#include "capture/decoded_packet.h"
#include "common/event_sink.h"
#include "darknet/distinct_counter.h"
#include "darknet/expiring_table.h"
#include "darknet/port_set.h"
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
};

/// A scan's source and protocol (one source scanning TCP and UDP has two records).
struct ScanKey {
    IpAddress src;
    uint8_t protocol = 0; ///< IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP or IPPROTO_ICMPV6

    friend bool operator==(const ScanKey&, const ScanKey&) = default;
    friend auto operator<=>(const ScanKey&, const ScanKey&) = default;
    template <typename H>
    friend H AbslHashValue(H h, const ScanKey& k) {
        return H::combine(std::move(h), k.src, k.protocol);
    }
};

struct ScanRecord {
    Timestamp first_seen = 0;
    Timestamp last_seen = 0;
    uint64_t packets = 0;
    uint8_t ttl_first = 0;
    uint8_t ttl_min = 255;
    uint8_t ttl_max = 0;
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

    /// Accounts one probe (TCP SYN, UDP or ICMP echo) from `p.src`.
    void add(const capture::DecodedPacket& p);
    void prefetch(const capture::DecodedPacket& p) const { table_.prefetch(ScanKey{p.src, p.protocol}); }
    /// Closes records idle for longer than the idle timeout, relative to packet time `now`.
    void expire(Timestamp now);
    /// Closes all records (end of input).
    void closeAll();

    ScanKind classify(const ScanRecord& record) const;

    size_t openRecords() const { return table_.size(); }
    size_t bytes() const { return table_.bytes(); }
    uint64_t evicted() const { return table_.evicted(); }
    uint64_t emitted() const { return emitted_; }
    uint64_t belowMinPackets() const { return below_min_packets_; }

private:
    void close(const ScanKey& key, ScanRecord&& record, CloseReason reason);

    ScanTrackerOptions options_;
    EventSink& sink_;
    ExpiringTable<ScanKey, ScanRecord> table_;
    uint64_t emitted_ = 0;
    uint64_t below_min_packets_ = 0;
};

} // namespace kansoku::darknet
