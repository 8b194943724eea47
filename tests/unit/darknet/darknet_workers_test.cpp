// N workers give the events one worker gives, in the same order (DarknetAnalyzer, options.workers).

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "capture/pcap_source.h"
#include "darknet/capture_loop.h"
#include "darknet/darknet_analyzer.h"
#include "darknet/traffic_generator.h"
#include "temp_dir.h"

namespace kansoku::darknet {
namespace {

using testing::TempDir;

/// An analyzer of the test darknets with `workers` workers, publishing to `sink`.
std::unique_ptr<DarknetAnalyzer> analyzerFor(size_t workers, const DarknetConfig& config, EventSink& sink) {
    auto options = DarknetAnalyzerOptions::fromConfig(config, "test", {"203.0.113.0/24", "2001:db8:dead::/48"});
    EXPECT_TRUE(options) << options.error().message;
    options->workers = workers;
    auto analyzer = std::make_unique<DarknetAnalyzer>(std::move(*options), sink);
    EXPECT_EQ(analyzer->workers(), workers);
    return analyzer;
}

/// Reads the whole capture at `path` into `analyzer` (without finishing it). The source is
/// returned: the analyzer reads its kernel-drop counter until finish().
std::unique_ptr<capture::PacketSource> readCapture(const std::string& path, DarknetAnalyzer& analyzer) {
    auto source = capture::PcapSource::openFile(path);
    EXPECT_TRUE(source) << source.error().message;
    if (!source) {
        return nullptr;
    }
    const auto end = runCaptureLoop(**source, analyzer, {});
    EXPECT_TRUE(end) << end.error().message;
    return std::move(*source);
}

/// The events of a capture analysed with `workers` workers, as JSON lines, without
/// capture.stats.state_bytes (table memory, which depends on how the records are split).
std::vector<std::string> eventsOf(const std::string& path, size_t workers, DarknetConfig config = {}) {
    CollectingSink sink;
    auto analyzer = analyzerFor(workers, config, sink);
    const auto source = readCapture(path, *analyzer);
    analyzer->finish();
    std::vector<std::string> lines;
    for (Event& e : sink.events) {
        if (e.type == "capture.stats") {
            e.fields.erase("state_bytes");
        }
        lines.push_back(e.type + " " + std::to_string(e.ts) + " " + e.fields.dump());
    }
    return lines;
}

void expectSameEvents(const std::string& path, DarknetConfig config = {}) {
    const auto one = eventsOf(path, 1, config);
    ASSERT_GT(one.size(), 10U);
    for (size_t workers : {2, 3, 4}) {
        const auto many = eventsOf(path, workers, config);
        ASSERT_EQ(many.size(), one.size()) << workers << " workers";
        for (size_t i = 0; i < one.size(); ++i) {
            ASSERT_EQ(many[i], one[i]) << "event " << i << " with " << workers << " workers";
        }
    }
}

TEST(DarknetWorkers, DemoScenarioGivesTheSameEvents) {
    TempDir dir;
    const std::string path = dir.file("demo.pcap");
    ASSERT_TRUE(generateTraffic(path, {}));
    expectSameEvents(path);
}

TEST(DarknetWorkers, BulkTrafficGivesTheSameEvents) {
    TempDir dir;
    const std::string path = dir.file("bulk.pcap");
    TrafficGeneratorOptions o;
    o.profile = TrafficProfile::Bulk;
    o.packets = 200'000;
    o.sources = 3'000;
    o.duration_s = 1800;
    o.seed = 3;
    ASSERT_TRUE(generateTraffic(path, o));
    // Short timeouts and windows, so records close by idleness, campaigns and outbreak intervals
    // turn over, and stats come often.
    DarknetConfig config;
    config.stats_interval = Duration::fromSeconds(20);
    config.scan.idle_timeout = Duration::fromSeconds(90);
    config.backscatter.idle_timeout = Duration::fromSeconds(60);
    config.campaign.window = Duration::fromMinutes(2);
    config.outbreak.interval = Duration::fromMinutes(1);
    config.outbreak.warmup_intervals = 3;
    expectSameEvents(path, config);
}

TEST(DarknetWorkers, RecordsClosedOverBudgetArePublishedWhileReading) {
    // Every record evicted within one housekeeping interval used to wait, as an event, for the
    // next step: on a capture of millions of sources that held gigabytes. Now they are published at
    // least every 65,536 packets, before the end of the input.
    TempDir dir;
    const std::string path = dir.file("churn.pcap");
    TrafficGeneratorOptions o;
    o.profile = TrafficProfile::Bulk;
    o.packets = 300'000;
    o.sources = 30'000;
    o.duration_s = 1; // no housekeeping step before finish()
    o.seed = 5;
    ASSERT_TRUE(generateTraffic(path, o));
    DarknetConfig config;
    config.max_memory = ByteSize::fromMiB(1);
    CollectingSink sink;
    auto analyzer = analyzerFor(2, config, sink);
    const auto source = readCapture(path, *analyzer);
    size_t scans_before_end = 0;
    for (const Event& e : sink.events) {
        scans_before_end += e.type == "darknet.scan" ? 1 : 0;
    }
    EXPECT_GT(analyzer->totals().evicted_state, 0U);
    EXPECT_GT(scans_before_end, 0U);
    analyzer->finish();
}

} // namespace
} // namespace kansoku::darknet
