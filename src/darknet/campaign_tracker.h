#pragma once

/// Scanning campaigns (`darknet.campaign`): sources that, in the same time window, probe the same
/// main port with the same tool fingerprint. Mirai-style botnets and research scanners show up as
/// one campaign of many sources; the window-to-window change in its size is the campaign's growth,
/// which is what an early warning is about (Bou-Harb et al., "Cyber Scanning: A Comprehensive
/// Survey", IEEE COMST 2014, on coordinated scans). At each window's end the analyzer hands over
/// every scan record active in the window; grouping costs one pass over the scan table per window.

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "common/event_sink.h"
#include "common/ip_address.h"
#include "darknet/scanner_fingerprint.h"

namespace kansoku::darknet {

struct CampaignTrackerOptions {
    std::string sensor = "local";
    Timestamp window = 600 * kMicrosPerSecond;
    uint32_t min_sources = 3;    ///< smaller groups are not campaigns
    size_t max_groups = 100'000; ///< per window; past it, sources of new groups are counted as dropped
};

/// What groups sources: protocol, the port most of their probes went to, and their fingerprint.
struct CampaignKey {
    uint8_t protocol = 0;
    uint16_t port = 0;
    ScannerTool tool = ScannerTool::Unknown;
    friend auto operator<=>(const CampaignKey&, const CampaignKey&) = default;
};

class CampaignTracker {
public:
    CampaignTracker(CampaignTrackerOptions options, EventSink& sink);

    /// One source active in the current window; `is_new` when its record began in this window.
    void observe(const CampaignKey& key, const IpAddress& src, bool is_new, uint64_t packets);
    /// Emits the window's campaigns and starts the next window.
    void endWindow(Timestamp window_start, Timestamp window_end);

    const CampaignTrackerOptions& options() const { return options_; }
    uint64_t emitted() const { return emitted_; }
    uint64_t droppedSources() const { return dropped_sources_; }

private:
    struct Group {
        uint64_t sources = 0;
        uint64_t new_sources = 0;
        uint64_t packets = 0;          ///< probes of the member records so far (records span windows)
        std::vector<IpAddress> sample; ///< the lowest addresses, for the analyst
    };
    static constexpr size_t kSample = 5;

    CampaignTrackerOptions options_;
    EventSink& sink_;
    std::map<CampaignKey, Group> current_;
    std::map<CampaignKey, uint64_t> previous_sources_;
    uint64_t emitted_ = 0;
    uint64_t dropped_sources_ = 0;
};

} // namespace kansoku::darknet
