#include "app/darknet_runtime.h"

#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "app/benign_scanners.h"
#include "capture/paced_source.h"
#include "capture/pcap_file_reader.h"
#include "capture/pcap_source.h"
#include "darknet/capture_loop.h"
#include "darknet/traffic_generator.h"
#include "intel/warning_lists.h"

namespace kansoku::app {
namespace {

/// The demo scenario's options: the first IPv4 darknet prefix of /16 or longer, starting at `start`.
Result<darknet::TrafficGeneratorOptions> demoOptions(const std::vector<std::string>& prefixes, Timestamp start,
                                                     uint64_t seed) {
    darknet::TrafficGeneratorOptions o;
    o.profile = darknet::TrafficProfile::Demo;
    o.seed = seed;
    for (const auto& text : prefixes) {
        auto prefix = Prefix::parse(text);
        if (prefix && prefix->isV4() && prefix->length() >= 16) {
            o.darknet = *prefix;
            break;
        }
    }
    if (!o.darknet.isV4()) {
        return fail("the demo capture needs an IPv4 darknet prefix of /16 or longer in [darknet] prefixes");
    }
    o.start = start;
    return o;
}

/// With no interface configured, the sensor analyses a demo capture generated now (its packets
/// end at the current minute), so a newcomer sees scans and attacks at once.
Result<std::unique_ptr<capture::PacketSource>> openDemoCapture(const Config& config,
                                                               std::vector<std::string>& notices) {
    const std::string path = (std::filesystem::path(config.storage.data_dir) / "demo-darknet.pcap").string();
    const Timestamp now = nowMicros();
    auto o = demoOptions(config.darknet.prefixes, now - now % kMicrosPerMinute - 10 * kMicrosPerMinute, 1);
    KANSOKU_TRY(o);
    KANSOKU_TRY(darknet::generateTraffic(path, *o));
    notices.push_back(fmt::format("darknet: no interface configured; analysing the demo capture {}", path));
    return capture::openCaptureFile(path);
}

void sleepMicros(Timestamp micros) {
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
}

} // namespace

Result<std::unique_ptr<DarknetRuntime>> DarknetRuntime::open(const Config& config, EventSink& sink, bool replay_demo) {
    std::unique_ptr<DarknetRuntime> runtime(new DarknetRuntime());
    auto options = darknet::DarknetAnalyzerOptions::fromConfig(config.darknet, config.sensor_name, {});
    KANSOKU_TRY(options);
    auto benign = loadBenignScanners(config.intel, "");
    KANSOKU_TRY(benign);
    runtime->benign_ = std::move(*benign);
    if (runtime->benign_) {
        runtime->notices_.push_back("benign scanners: " + runtime->benign_->summary());
    }
    options->setBenignScanners(runtime->benign_.get());

    runtime->live_ = !config.darknet.interface.empty();
    if (runtime->live_) {
        capture::LiveOptions o;
        o.interface = config.darknet.interface;
        o.bpf = config.darknet.bpf;
        o.buffer_mb = static_cast<int>(config.darknet.buffer.bytes() >> 20);
        o.snaplen = static_cast<int>(config.darknet.snaplen);
        auto source = capture::PcapSource::openLive(o);
        KANSOKU_TRY(source);
        runtime->source_ = std::move(*source);
        runtime->notices_.push_back("darknet: capturing on " + o.interface);
    } else {
        auto source = openDemoCapture(config, runtime->notices_);
        KANSOKU_TRY(source);
        runtime->source_ = std::move(*source);
        runtime->replay_ = replay_demo;
        runtime->prefixes_ = config.darknet.prefixes;
        runtime->data_dir_ = config.storage.data_dir;
        if (replay_demo) {
            runtime->notices_.push_back("darknet: then replaying a new demo scenario in real time, every 10 minutes");
        }
    }
    runtime->analyzer_ = std::make_unique<darknet::DarknetAnalyzer>(std::move(*options), sink);
    return runtime;
}

DarknetRuntime::~DarknetRuntime() {
    requestStop();
    join();
}

void DarknetRuntime::start() {
    thread_ = std::thread([this] { runLoop(); });
}

void DarknetRuntime::runLoop() {
    darknet::CaptureLoopOptions loop;
    loop.stop = &stop_;
    const auto started = std::chrono::steady_clock::now();
    const auto end = darknet::runCaptureLoop(*source_, *analyzer_, loop);
    analyzer_->finish();
    if (!end) {
        error_ = end.error().message;
    }
    totals_ = analyzer_->totals();
    seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    finished_.store(true);
    if (replay_ && end && !stop_.load()) {
        replayLoop();
    }
}

void DarknetRuntime::replayLoop() {
    darknet::CaptureLoopOptions loop;
    loop.stop = &stop_;
    const std::string path = (std::filesystem::path(data_dir_) / "demo-darknet-replay.pcap").string();
    for (uint64_t round = 2; !stop_.load(); ++round) {
        // A fresh scenario from the current minute (another seed each round), handed on in real time; its
        // records are closed at its end so each round's scans and attacks reach the store.
        const Timestamp now = nowMicros();
        auto o = demoOptions(prefixes_, now - now % kMicrosPerMinute, round);
        if (!o || !darknet::generateTraffic(path, *o)) {
            return;
        }
        auto file = capture::openCaptureFile(path);
        if (!file) {
            return;
        }
        capture::PacedSource paced(std::move(*file), stop_, &nowMicros, &sleepMicros);
        const auto end = darknet::runCaptureLoop(paced, *analyzer_, loop);
        analyzer_->finish();
        if (!end) {
            return;
        }
    }
}

void DarknetRuntime::requestStop() {
    if (!stop_.exchange(true) && source_) {
        source_->stop(); // pcap_breakloop: a blocking live read returns
    }
}

void DarknetRuntime::join() {
    if (thread_.joinable()) {
        thread_.join();
    }
}

} // namespace kansoku::app
