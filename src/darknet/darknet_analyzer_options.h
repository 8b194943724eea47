#pragma once

/// What a DarknetAnalyzer is configured with, and the totals it counts.

#include <array>
#include <string>

#include "capture/decode_anomaly.h"
#include "common/prefix.h"
#include "common/result.h"
#include "darknet/backscatter_tracker.h"
#include "darknet/campaign_tracker.h"
#include "darknet/darknet_config.h"
#include "darknet/outbreak_detector.h"
#include "darknet/packet_class.h"
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
    /// Worker threads, each with the records of the sources whose address hashes to it (1: the
    /// caller's thread does everything). darknet.workers = 0 (automatic) gives 1 here; live capture
    /// then takes automaticFanoutWorkers().
    size_t workers = 1;
    /// darknet.workers was 0: the capture chooses.
    bool automatic_workers = false;

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

} // namespace kansoku::darknet
