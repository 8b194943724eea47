// `kansoku run`: the whole system in one process (ARCHITECTURE.md "The embedded default").

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <CLI/CLI.hpp>

#include "capture/pcap_file_reader.h"
#include "capture/pcap_source.h"
#include "cli/benign_scanners.h"
#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/event_outputs.h"
#include "cli/honeypot_runtime.h"
#include "cli/signals.h"
#include "cli/summary.h"
#include "common/locked_sink.h"
#include "darknet/capture_loop.h"
#include "darknet/darknet_analyzer.h"
#include "darknet/traffic_generator.h"

namespace kansoku::cli {
namespace {

struct RunArgs {
    ConfigOption config;
    bool once = false;
};

void makeParentDirectory(const std::string& path) {
    const auto parent = std::filesystem::path(path).parent_path();
    if (parent.empty()) {
        return;
    }
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
        throw CommandError(fmt::format("cannot create directory {}: {}", parent.string(), ec.message()));
    }
}

/// With no interface configured, the sensor analyses a demo capture generated now (its packets
/// end at the current minute), so a newcomer sees scans and attacks at once.
std::unique_ptr<capture::PacketSource> openDemoCapture(const Config& config) {
    const std::string path = (std::filesystem::path(config.storage.data_dir) / "demo-darknet.pcap").string();
    darknet::TrafficGeneratorOptions o;
    o.profile = darknet::TrafficProfile::Demo;
    for (const auto& text : config.darknet.prefixes) {
        auto prefix = Prefix::parse(text);
        if (prefix && prefix->isV4() && prefix->length() >= 16) {
            o.darknet = *prefix;
            break;
        }
    }
    if (!o.darknet.isV4()) {
        throw CommandError("the demo capture needs an IPv4 darknet prefix of /16 or longer in [darknet] prefixes");
    }
    const Timestamp now = nowMicros();
    o.start = now - now % kMicrosPerMinute - 10 * kMicrosPerMinute;
    orThrow(darknet::generateTraffic(path, o));
    std::fprintf(stderr, "darknet: no interface configured; analysing the demo capture %s\n", path.c_str());
    return orThrow(capture::openCaptureFile(path));
}

void runMain(const RunArgs& args) {
    const Config config = args.config.load();
    auto options = orThrow(darknet::DarknetAnalyzerOptions::fromConfig(config, {}));
    const auto benign = loadBenignScanners(config, "");
    options.setBenignScanners(benign.get());
    std::error_code ec;
    std::filesystem::create_directories(config.storage.data_dir, ec);
    if (ec) {
        throw CommandError(fmt::format("data directory {}: {}", config.storage.data_dir, ec.message()));
    }
    makeParentDirectory(config.storage.database);
    makeParentDirectory(config.storage.events_jsonl);
    auto outputs = orThrow(EventOutputs::open({false, config.storage.events_jsonl, config.storage.database,
                                               store::StoreSink::Batched{config.storage.batch_size}}));

    // The honeypots serve on their own thread; both they and the darknet publish through the lock.
    LockedSink events(outputs->sink());
    const auto& stop = installStopSignals();
    std::unique_ptr<HoneypotRuntime> honeypots;
    std::thread honeypot_thread;
    if (config.honeypot.enabled) {
        honeypots = orThrow(HoneypotRuntime::start(config, events));
        for (const auto& line : honeypots->listening()) {
            std::fprintf(stderr, "honeypot: listening: %s\n", line.c_str());
        }
        honeypot_thread = std::thread([&] { honeypots->run(stop); });
    }
    struct JoinHoneypots {
        HoneypotRuntime* runtime;
        std::thread& thread;
        ~JoinHoneypots() {
            if (thread.joinable()) {
                runtime->requestStop();
                thread.join();
            }
        }
    } join_honeypots{honeypots.get(), honeypot_thread};

    const bool live = !config.darknet.interface.empty();
    std::unique_ptr<capture::PacketSource> source;
    if (live) {
        capture::LiveOptions o;
        o.interface = config.darknet.interface;
        o.bpf = config.darknet.bpf;
        o.buffer_mb = static_cast<int>(config.darknet.buffer_mb);
        o.snaplen = static_cast<int>(config.darknet.snaplen);
        source = orThrow(capture::PcapSource::openLive(o));
        std::fprintf(stderr, "darknet: capturing on %s\n", o.interface.c_str());
    } else {
        source = openDemoCapture(config);
    }

    darknet::DarknetAnalyzer analyzer(std::move(options), events);
    setInterruptibleSource(source.get());
    darknet::CaptureLoopOptions loop;
    loop.stop = &stop;
    const auto started = std::chrono::steady_clock::now();
    const auto end = darknet::runCaptureLoop(*source, analyzer, loop);
    setInterruptibleSource(nullptr);
    analyzer.finish();
    orThrow(events.flush());
    if (!end) {
        throw CommandError(end.error().message);
    }
    printDarknetSummary(analyzer.totals(),
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    std::fprintf(stderr, "events stored in %s and appended to %s\n", config.storage.database.c_str(),
                 config.storage.events_jsonl.empty() ? "(no events file)" : config.storage.events_jsonl.c_str());

    if (!args.once && !(live && !honeypots)) {
        std::fprintf(stderr, "kansoku is running; query with `kansoku query scans` or `kansoku query attacks`; "
                             "Ctrl-C to stop\n");
        while (!stop.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
    }
    if (honeypots) {
        honeypots->requestStop();
        honeypot_thread.join();
        orThrow(events.flush());
        std::fputs(honeypots->summary().c_str(), stderr);
    }
    std::fprintf(stderr, "stopped\n");
}

} // namespace

void addRunCommand(CLI::App& app) {
    auto args = std::make_shared<RunArgs>();
    auto* run =
        app.add_subcommand("run", "Run the whole system in one process (the embedded default with no --config)");
    args->config.add(*run);
    run->add_flag("--once", args->once, "Exit when the darknet source is done instead of running until Ctrl-C");
    run->callback([args] { runMain(*args); });
}

} // namespace kansoku::cli
