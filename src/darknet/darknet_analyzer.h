#pragma once

/// The darknet pipeline for one sensor: decode -> classify -> scan, backscatter and port
/// trackers -> events. Per-packet work stays in memory; only events leave (ARCHITECTURE.md).
/// Time is packet time, so offline captures and live capture behave the same.

#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "capture/packet_decoder.h"
#include "capture/packet_source.h"
#include "common/event_sink.h"
#include "common/prefix.h"
#include "darknet/backscatter_tracker.h"
#include "darknet/campaign_tracker.h"
#include "darknet/darknet_config.h"
#include "darknet/outbreak_detector.h"
#include "darknet/packet_classifier.h"
#include "darknet/port_stats_tracker.h"
#include "darknet/scan_tracker.h"
#include "darknet/spoof_filter.h"

namespace kansoku::darknet {

struct DarknetAnalyzerOptions {
    std::string sensor = "local";
    PrefixSet darknet;
    ScanTrackerOptions scan;
    BackscatterTrackerOptions backscatter;
    PortStatsTrackerOptions port_stats;
    CampaignTrackerOptions campaigns;
    OutbreakDetectorOptions outbreak;
    Timestamp stats_interval = 60 * kMicrosPerSecond;

    /// Labels known benign scanners in scan records (not owned; may be null).
    void setBenignScanners(const AddressLabeler* labeler) { scan.benign = labeler; }

    /// From the [darknet] config section; `prefixes` overrides the configured prefixes when non-empty.
    static Result<DarknetAnalyzerOptions> fromConfig(const DarknetConfig& config, std::string sensor,
                                                     const std::vector<std::string>& prefixes);
};

/// Totals over the whole run, for the summary line and tests.
struct DarknetTotals {
    uint64_t packets = 0;
    uint64_t bytes = 0;
    std::array<uint64_t, kPacketClassCount> by_class{};
    capture::DecodeCounters decode;
    uint64_t scans = 0;
    uint64_t attacks = 0;
    uint64_t port_stats_rows = 0;
    uint64_t campaigns = 0;
    uint64_t alerts = 0;
    uint64_t evicted_state = 0;
    uint64_t untrusted = 0; ///< probes and backscatter whose source is not trusted (see spoof_filter.h)
    std::array<uint64_t, spoof_flag::kCount> untrusted_by_reason{};
    uint64_t dropped_kernel = 0;
    Timestamp first_ts = 0;
    Timestamp last_ts = 0;
};

class DarknetAnalyzer final : public capture::PacketHandler {
public:
    DarknetAnalyzer(DarknetAnalyzerOptions options, EventSink& sink);

    /// Starts reading a source (a new file or an interface); trackers carry on across sources.
    void beginSource(capture::PacketSource& source);
    void onPacket(const capture::RawPacket& packet) override;
    void onBatchEnd() override { processBatch(); }
    /// Lets time pass without packets (live capture): expires idle records, emits due stats.
    void tick(Timestamp now);
    /// Closes every open record and emits the final capture.stats (end of input or shutdown).
    void finish();

    const DarknetTotals& totals();
    const DarknetAnalyzerOptions& options() const { return options_; }

private:
    /// Classifies the decoded batch, prefetches the records it will touch, then updates them:
    /// the tables are larger than the caches, so this hides most of their latency.
    void processBatch();
    void startIntervals(Timestamp now);
    void countUntrusted(uint8_t flags);
    /// Groups the scan records active in the window that ends at `end` into campaigns.
    void closeCampaignWindow(Timestamp end);
    void housekeeping(Timestamp now);
    void emitStats(Timestamp now);
    uint64_t evictedState() const;

    DarknetAnalyzerOptions options_;
    EventSink& sink_;
    PacketClassifier classifier_;
    ScanTracker scans_;
    BackscatterTracker backscatter_;
    OutbreakDetector outbreak_; ///< fed by port_stats_, so constructed before it
    PortStatsTracker port_stats_;
    CampaignTracker campaigns_;
    std::optional<capture::PacketDecoder> decoder_;
    capture::PacketSource* source_ = nullptr;
    static constexpr size_t kBatch = 32;
    std::array<capture::DecodedPacket, kBatch> batch_;
    std::array<capture::DecodeAnomaly, kBatch> anomalies_{};
    size_t batch_size_ = 0;
    Timestamp housekeeping_interval_ = 0;

    DarknetTotals totals_;
    capture::DecodeCounters decode_done_; ///< counters of decoders of earlier sources
    uint64_t kernel_drops_done_ = 0;      ///< kernel drops of earlier sources

    bool started_ = false; ///< the first packet or live tick has set the clock
    Timestamp now_ = 0;    ///< latest packet time seen
    Timestamp next_housekeeping_ = 0;
    Timestamp next_scan_sweep_ = 0;
    Timestamp next_victim_sweep_ = 0;
    Timestamp campaign_window_start_ = 0;
    Timestamp interval_start_ = 0;
    DarknetTotals at_interval_start_;
};

} // namespace kansoku::darknet
