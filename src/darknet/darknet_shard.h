#pragma once

/// One darknet worker's state: the scan and backscatter records of the sources (and victims)
/// whose address hashes to it, and its counts of the open minutes' port statistics. It classifies
/// and accounts decoded packets in prefetching batches. One of several never publishes: its closed
/// records wait in closedScans()/closedVictims() until the DarknetAnalyzer merges every worker's
/// and publishes their events (alone, a shard's trackers publish as they close). Only the worker's
/// thread touches a shard while it has work; the analyzer reads it between steps.

#include <array>
#include <cstddef>
#include <optional>

#include "capture/decode_anomaly.h"
#include "capture/decoded_packet.h"
#include "capture/packet_decoder.h"
#include "capture/packet_source.h"
#include "darknet/backscatter_tracker.h"
#include "darknet/closed_records.h"
#include "darknet/darknet_analyzer_options.h"
#include "darknet/packet_classifier.h"
#include "darknet/port_minute_counts.h"
#include "darknet/scan_tracker.h"

namespace kansoku::darknet {

/// What a shard counted of its packets (summed into DarknetTotals).
struct ShardCounts {
    uint64_t fed_packets = 0; ///< packets read by the worker itself (live capture, onPacket())
    uint64_t fed_bytes = 0;
    std::array<uint64_t, kPacketClassCount> by_class{};
    uint64_t untrusted = 0;
    std::array<uint64_t, spoof_flag::kCount> untrusted_by_reason{};
};

class DarknetShard final : public capture::PacketHandler {
public:
    /// `options` as the analyzer's; the record tables get a `1/shards` share of the memory budget.
    /// Closed records' events go to `sink` (with several shards: when the analyzer emits them).
    DarknetShard(const DarknetAnalyzerOptions& options, size_t shards, EventSink& sink);

    /// Classifies and accounts `n` decoded packets (any n).
    void process(const capture::DecodedPacket* packets, const capture::DecodeAnomaly* anomalies, size_t n);

    // Raw packets, decoded here (one worker, or a worker reading its own live source).
    /// Packets of a new source follow, of this link type.
    void beginSource(capture::LinkType link_type);
    /// Decodes and accounts one packet (in batches: call flush() before looking at the results).
    void add(const capture::RawPacket& raw);
    void flush();
    /// As add(), counting the packet as read by this worker (ShardCounts::fed_packets).
    void onPacket(const capture::RawPacket& raw) override;
    void onBatchEnd() override { flush(); }
    /// What this shard's decoders counted.
    capture::DecodeCounters decodeCounters() const;
    /// Closes records idle at packet time `now`: scan records if `scans`, victims if `victims`.
    void sweep(Timestamp now, bool scans, bool victims);
    /// Closes every record (end of input).
    void closeAll();
    /// The port counts were merged: forget them before the next packet, late probes going to
    /// `current_minute`. (Deferred so that their memory is freed on the worker's thread.)
    void portMinutesMerged(Timestamp current_minute) { port_restart_ = current_minute; }
    /// Whether portMinutes() holds counts not merged yet.
    bool hasUnmergedPortMinutes() const { return port_restart_ == kNoRestart; }

    const ScanTracker::Closed& closedScans() const { return closed_scans_; }
    const BackscatterTracker::Closed& closedVictims() const { return closed_victims_; }
    /// Frees the closed records once the analyzer emitted them (on the worker's thread: their
    /// heap blocks go back to its pool).
    void clearClosed() {
        closed_scans_.clear();
        closed_victims_.clear();
    }
    const PortMinuteCounts& portMinutes() const { return port_minutes_; }
    const ScanTracker& scans() const { return scans_; }
    ScanTracker& scans() { return scans_; }
    const BackscatterTracker& backscatter() const { return backscatter_; }
    BackscatterTracker& backscatter() { return backscatter_; }
    const ShardCounts& counts() const { return counts_; }

private:
    static constexpr size_t kBatch = 32;
    /// Classifies up to kBatch packets, prefetches the records they will touch, then updates them:
    /// the tables are larger than the caches, so this hides most of their latency.
    void processBatch(const capture::DecodedPacket* packets, const capture::DecodeAnomaly* anomalies, size_t n);
    void countUntrusted(uint8_t flags);
    void restartPortMinutes();

    ScanTracker::Closed closed_scans_;
    BackscatterTracker::Closed closed_victims_;
    PacketClassifier classifier_;
    ScanTracker scans_;
    BackscatterTracker backscatter_;
    PortMinuteCounts port_minutes_;
    ShardCounts counts_;
    std::optional<capture::PacketDecoder> decoder_;
    capture::DecodeCounters decode_done_; ///< of the decoders of earlier sources
    std::array<capture::DecodedPacket, kBatch> batch_;
    std::array<capture::DecodeAnomaly, kBatch> anomalies_{};
    size_t batch_size_ = 0;
    static constexpr Timestamp kNoRestart = -2;
    Timestamp port_restart_ = kNoRestart;
};

} // namespace kansoku::darknet
