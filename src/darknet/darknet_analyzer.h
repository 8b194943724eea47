#pragma once

/// The darknet pipeline for one sensor: decode -> classify -> scan, backscatter and port
/// trackers -> events. Per-packet work stays in memory; only events leave (ARCHITECTURE.md).
/// Time is packet time, so offline captures and live capture behave the same.
///
/// Every core (options.workers = N > 1): the caller's thread reads and decodes, and hands each
/// packet to the worker (DarknetShard on a ShardWorker thread) that owns the address whose record
/// it updates — its source, or for an ICMP error the victim it quotes — so each record lives in
/// one worker. Housekeeping keeps one schedule, driven by the packet times all workers see: at
/// each step the workers finish their packets, the analyzer merges their port counts into its
/// PortStatsTracker, groups campaigns over every worker's scan records, has the workers sweep in
/// parallel and publishes what they closed merged by close order. So N workers emit the events
/// one does, in the same order (docs/darknet-scale.md says where they can differ).

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "capture/packet_decoder.h"
#include "capture/packet_source.h"
#include "common/event_sink.h"
#include "darknet/darknet_analyzer_options.h"

namespace kansoku::darknet {

class DarknetShard;
class ShardWorker;

class DarknetAnalyzer final : public capture::PacketHandler {
public:
    DarknetAnalyzer(DarknetAnalyzerOptions options, EventSink& sink);
    ~DarknetAnalyzer() override;

    /// Starts reading a source (a new file or an interface); trackers carry on across sources.
    void beginSource(capture::PacketSource& source);
    void onPacket(const capture::RawPacket& packet) override;
    void onBatchEnd() override;
    /// Live capture over every worker: `sources` are members of one PACKET_FANOUT group, one per
    /// worker (as many as workers()); each worker reads, decodes and accounts its own, and tick()
    /// (wall clock) keeps the housekeeping schedule. capture.stats then lists each worker's
    /// packets and kernel drops.
    void beginFanout(const std::vector<capture::PacketSource*>& sources);
    /// The error that ended a fanout worker's source, if one did.
    std::optional<Error> fanoutError();
    /// Lets time pass without packets (live capture): expires idle records, emits due stats.
    void tick(Timestamp now);
    /// Closes every open record and emits the final capture.stats (end of input or shutdown).
    void finish();

    const DarknetTotals& totals();
    const DarknetAnalyzerOptions& options() const { return options_; }
    size_t workers() const { return shards_.size(); }

private:
    /// Hands the decoded packets to their workers and waits until every worker is done with them.
    void processBatch();
    /// Fanout: stops the workers reading their sources (until releaseFeeds()).
    void holdFeeds();
    void releaseFeeds();
    uint64_t droppedKernel() const;
    /// The worker owning the record `p` updates.
    size_t shardOf(const capture::DecodedPacket& p) const;
    /// Runs `step` on every shard (in parallel on the worker threads) and waits for all.
    void onEveryShard(const std::function<void(DarknetShard&)>& step);
    /// Publishes what the workers closed, merged: their scan records, then their victims.
    void publishClosed();
    /// Merges the workers' port counts into port_stats_ (emitting minutes they have moved past).
    void mergePortMinutes();
    void startIntervals(Timestamp now);
    /// Groups the scan records active in the window that ends at `end` into campaigns.
    void closeCampaignWindow(Timestamp end);
    void housekeeping(Timestamp now);
    void emitStats(Timestamp now);
    uint64_t evictedState() const;
    size_t stateBytes() const;

    DarknetAnalyzerOptions options_;
    EventSink& sink_;
    std::vector<std::unique_ptr<DarknetShard>> shards_;
    std::vector<std::unique_ptr<ShardWorker>> workers_; ///< empty with one shard: it runs inline
    OutbreakDetector outbreak_;                         ///< fed by port_stats_, so constructed before it
    PortStatsTracker port_stats_;
    CampaignTracker campaigns_;
    std::optional<capture::PacketDecoder> decoder_; ///< several workers: the reader's decoder
    capture::DecodedPacket packet_;                 ///< several workers: the packet being dispatched
    std::vector<capture::PacketSource*> sources_;   ///< being read (several: a fanout group)
    bool fanout_ = false;
    int hold_depth_ = 0; ///< fanout: nested holdFeeds()
    Timestamp housekeeping_interval_ = 0;

    DarknetTotals totals_;
    uint64_t packets_ = 0; ///< packets seen by onPacket() (fanout workers count theirs)
    uint64_t bytes_ = 0;
    capture::DecodeCounters decode_done_; ///< counters of the reader's decoders of earlier sources
    uint64_t kernel_drops_done_ = 0;      ///< kernel drops of earlier sources
    /// Fanout: each worker's packets and kernel drops at the start of the stats interval.
    std::vector<std::pair<uint64_t, uint64_t>> worker_at_interval_start_;

    bool started_ = false; ///< the first packet or live tick has set the clock
    Timestamp now_ = 0;    ///< latest packet time seen
    Timestamp next_housekeeping_ = 0;
    Timestamp last_live_publish_ = 0; ///< fanout: wall clock of the last publishClosed() between steps
    Timestamp next_scan_sweep_ = 0;
    Timestamp next_victim_sweep_ = 0;
    Timestamp campaign_window_start_ = 0;
    Timestamp interval_start_ = 0;
    DarknetTotals at_interval_start_;
};

} // namespace kansoku::darknet
