// `kansoku darknet analyze|capture|generate`.

#include <algorithm>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "app/benign_scanners.h"
#include "app/event_outputs.h"
#include "capture/pcap_file_reader.h"
#include "capture/pcap_source.h"
#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "cli/summary.h"
#include "darknet/capture_loop.h"
#include "darknet/darknet_analyzer.h"
#include "darknet/traffic_generator.h"

namespace kansoku::cli {
namespace {

using darknet::DarknetAnalyzer;
using darknet::DarknetAnalyzerOptions;
using darknet::DarknetTotals;

/// The benign-scanner lists of --warning-lists or [intel], announced on stderr.
std::unique_ptr<intel::WarningLists> benignScanners(const app::Config& config, const std::string& directory) {
    auto lists = orThrow(app::loadBenignScanners(config.intel, directory));
    if (lists) {
        std::fprintf(stderr, "benign scanners: %s\n", lists->summary().c_str());
    }
    return lists;
}

struct AnalyzeArgs {
    ConfigOption config;
    std::string warning_lists;
    std::vector<std::string> prefixes;
    std::vector<std::string> files;
    bool jsonl = false;
    std::string db;
    std::string events_file;
    bool quiet = false;
    int workers = 0;
};

void runAnalyze(const AnalyzeArgs& args) {
    app::Config config = args.config.load();
    if (args.workers > 0) {
        config.darknet.workers = args.workers;
    }
    auto options = orThrow(DarknetAnalyzerOptions::fromConfig(config.darknet, config.sensor_name, args.prefixes));
    const auto benign = benignScanners(config, args.warning_lists);
    options.setBenignScanners(benign.get());
    // Open every file first: a bad file fails the run before anything is written.
    std::vector<std::unique_ptr<capture::PacketSource>> sources;
    for (const auto& file : args.files) {
        sources.push_back(orThrow(capture::openCaptureFile(file)));
    }
    auto outputs =
        orThrow(app::EventOutputs::open({args.jsonl, args.events_file, args.db, store::StoreSink::Atomic{}}));

    DarknetAnalyzer analyzer(std::move(options), outputs->sink());
    Progress progress;
    const auto& stop = installStopSignals();
    const auto started = std::chrono::steady_clock::now();
    for (auto& source : sources) {
        darknet::CaptureLoopOptions loop;
        loop.stop = &stop;
        if (progress.enabled()) {
            loop.progress = [&](capture::PacketSource& s, const DarknetTotals& t) {
                progress.update(s.name(), s.bytesRead(), s.bytesTotal(), t.packets);
            };
        }
        setInterruptibleSource(source.get());
        const auto end = darknet::runCaptureLoop(*source, analyzer, loop);
        setInterruptibleSource(nullptr);
        progress.finish();
        if (!end) {
            throw CommandError(end.error().message + " (nothing was stored)");
        }
        if (*end == darknet::LoopEnd::Stopped) {
            throw CommandError("interrupted (nothing was stored)");
        }
    }
    analyzer.finish();
    orThrow(outputs->commit());
    if (!args.quiet) {
        printDarknetSummary(analyzer.totals(),
                            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        if (!outputs->hasAny()) {
            std::fprintf(stderr, "(events were not kept: add --jsonl to print them or --db PATH to store them)\n");
        }
    }
}

struct CaptureArgs {
    ConfigOption config;
    std::string warning_lists;
    std::vector<std::string> prefixes;
    std::string interface;
    std::string bpf;
    int buffer_mb = 0;
    int snaplen = 0;
    double duration_s = 0;
    int64_t stats_interval_s = 0;
    int workers = 0;
    bool jsonl = false;
    std::string db;
    std::string events_file;
};

void runCapture(const CaptureArgs& args) {
    app::Config config = args.config.load();
    if (args.stats_interval_s > 0) {
        config.darknet.stats_interval = Duration::fromSeconds(args.stats_interval_s);
    }
    if (args.workers > 0) {
        config.darknet.workers = args.workers;
    }
    auto options = orThrow(DarknetAnalyzerOptions::fromConfig(config.darknet, config.sensor_name, args.prefixes));
    const auto benign = benignScanners(config, args.warning_lists);
    options.setBenignScanners(benign.get());
    capture::LiveOptions live;
    live.interface = args.interface;
    live.bpf = args.bpf.empty() ? config.darknet.bpf : args.bpf;
    live.buffer_mb = args.buffer_mb > 0 ? args.buffer_mb : static_cast<int>(config.darknet.buffer.bytes() >> 20);
    live.snaplen = args.snaplen > 0 ? args.snaplen : static_cast<int>(config.darknet.snaplen);
    // One worker reads the interface through libpcap; several each read their own member of a
    // PACKET_FANOUT group that the kernel splits by address. Automatic: one per core, since no
    // thread reads for the others (offline, one reader decoding for all is slower than one worker
    // on two cores: docs/darknet-scale.md).
    if (options.automatic_workers) {
        options.workers = std::max<size_t>(1, std::thread::hardware_concurrency());
    }
    const size_t workers = options.workers;
    std::vector<std::unique_ptr<capture::PacketSource>> sources;
    if (workers > 1) {
        sources = orThrow(capture::PcapSource::openLiveFanout(live, workers));
    } else {
        sources.push_back(orThrow(capture::PcapSource::openLive(live)));
    }
    auto outputs = orThrow(app::EventOutputs::open(
        {args.jsonl, args.events_file, args.db, store::StoreSink::Batched{config.storage.batch_size}}));

    DarknetAnalyzer analyzer(std::move(options), outputs->sink());
    const auto& stop = installStopSignals();
    setInterruptibleSource(sources.front().get());
    darknet::CaptureLoopOptions loop;
    loop.stop = &stop;
    if (args.duration_s > 0) {
        loop.duration = static_cast<Timestamp>(args.duration_s * kMicrosPerSecond);
    }
    std::fprintf(stderr, "capturing on %s (%s, %zu worker%s); Ctrl-C to stop\n", args.interface.c_str(),
                 std::string(capture::linkTypeName(sources.front()->linkType())).c_str(), workers,
                 workers == 1 ? "" : "s, a fanout group");
    const auto started = std::chrono::steady_clock::now();
    const auto end = workers > 1 ? darknet::runFanoutLoop(sources, analyzer, loop)
                                 : darknet::runCaptureLoop(*sources.front(), analyzer, loop);
    setInterruptibleSource(nullptr);
    analyzer.finish(); // close open records and store them even after an error
    const auto committed = outputs->commit();
    if (!end) {
        throw CommandError(end.error().message);
    }
    orThrow(committed);
    printDarknetSummary(analyzer.totals(),
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
}

struct GenerateArgs {
    std::string out;
    std::string profile = "demo";
    uint64_t packets = 1'000'000;
    uint64_t sources = 20'000;
    uint64_t seed = 1;
    int64_t duration_s = 3600;
    std::string darknet = "203.0.113.0/24";
};

void runGenerate(const GenerateArgs& args) {
    darknet::TrafficGeneratorOptions o;
    o.profile = args.profile == "bulk" ? darknet::TrafficProfile::Bulk : darknet::TrafficProfile::Demo;
    o.packets = args.packets;
    o.sources = args.sources;
    o.seed = args.seed;
    o.duration_s = args.duration_s;
    o.darknet = orThrow(Prefix::parse(args.darknet));
    const auto result = orThrow(darknet::generateTraffic(args.out, o));
    std::fprintf(stderr, "wrote %s: %llu packets, %.1f MB\n", args.out.c_str(),
                 static_cast<unsigned long long>(result.packets), static_cast<double>(result.bytes) / 1e6);
}

} // namespace

void addDarknetCommand(CLI::App& app) {
    auto* darknet =
        app.add_subcommand("darknet", "Darknet sensor: analyse captures, capture live, generate test traffic");
    darknet->require_subcommand(1);

    auto analyze_args = std::make_shared<AnalyzeArgs>();
    auto* analyze = darknet->add_subcommand(
        "analyze", "Analyse pcap/pcapng files: print events as JSON lines (--jsonl) and/or store them (--db)");
    analyze_args->config.add(*analyze);
    analyze->add_option("--darknet", analyze_args->prefixes,
                        "Darknet prefix (repeatable, IPv4 or IPv6), e.g. 203.0.113.0/24; default: the config's");
    analyze->add_flag("--jsonl", analyze_args->jsonl, "Print every event as a JSON line on stdout");
    analyze->add_option("--db", analyze_args->db, "Store events in this SQLite database (one transaction per run)");
    analyze->add_option("--events-file", analyze_args->events_file, "Also append events as JSON lines to this file");
    analyze->add_option("--warning-lists", analyze_args->warning_lists,
                        "MISP warning lists folder; sources on benign-scanner lists are labelled in scan records");
    analyze->add_flag("-q,--quiet", analyze_args->quiet, "No summary on stderr");
    analyze
        ->add_option("-j,--workers", analyze_args->workers,
                     "Analysis threads, sources split between them by address (default: darknet.workers; "
                     "automatic: one, as one reader thread decoding for several is not faster yet)")
        ->check(CLI::Range(1, 1024));
    analyze->add_option("files", analyze_args->files, "Capture files (pcap or pcapng), analysed as one capture")
        ->required();
    analyze->callback([analyze_args] { runAnalyze(*analyze_args); });

    auto capture_args = std::make_shared<CaptureArgs>();
    auto* capture =
        darknet->add_subcommand("capture", "Capture live from an interface and analyse as a darknet sensor");
    capture_args->config.add(*capture);
    capture->add_option("-i,--interface", capture_args->interface, "Interface to capture on")->required();
    capture->add_option("--darknet", capture_args->prefixes, "Darknet prefix (repeatable); default: the config's");
    capture->add_option("--bpf", capture_args->bpf, "BPF filter (tcpdump syntax)");
    capture->add_option("--buffer-mb", capture_args->buffer_mb, "Kernel capture buffer, MiB")
        ->check(CLI::Range(1, 65536));
    capture->add_option("--snaplen", capture_args->snaplen, "Bytes kept per packet")->check(CLI::Range(64, 262144));
    capture->add_option("--duration", capture_args->duration_s, "Stop after this many seconds (default: until Ctrl-C)")
        ->check(CLI::PositiveNumber);
    capture->add_option("--stats-interval", capture_args->stats_interval_s, "Seconds between capture.stats events")
        ->check(CLI::Range(1, 86400));
    capture->add_option("--warning-lists", capture_args->warning_lists,
                        "MISP warning lists folder; sources on benign-scanner lists are labelled in scan records");
    capture
        ->add_option("-j,--workers", capture_args->workers,
                     "Analysis threads, each reading its own kernel ring (PACKET_FANOUT by address) "
                     "(default: darknet.workers; automatic: one per core)")
        ->check(CLI::Range(1, 1024));
    capture->add_flag("--jsonl", capture_args->jsonl, "Print every event as a JSON line on stdout");
    capture->add_option("--db", capture_args->db, "Store events in this SQLite database (batched commits)");
    capture->add_option("--events-file", capture_args->events_file, "Also append events as JSON lines to this file");
    capture->callback([capture_args] { runCapture(*capture_args); });

    auto generate_args = std::make_shared<GenerateArgs>();
    auto* generate = darknet->add_subcommand(
        "generate", "Write a synthetic darknet capture (demo scenario, or bulk traffic for benchmarks)");
    generate->add_option("-o,--out", generate_args->out, "Output pcap file")->required();
    generate->add_option("--profile", generate_args->profile, "demo (a 10-minute scenario) or bulk")
        ->check(CLI::IsMember({"demo", "bulk"}));
    generate->add_option("--packets", generate_args->packets, "Bulk: number of packets")->check(CLI::PositiveNumber);
    generate->add_option("--sources", generate_args->sources, "Bulk: number of distinct scanning sources")
        ->check(CLI::PositiveNumber);
    generate->add_option("--duration", generate_args->duration_s, "Bulk: seconds of traffic")
        ->check(CLI::PositiveNumber);
    generate->add_option("--seed", generate_args->seed, "Random seed (same seed, same capture)");
    generate->add_option("--darknet", generate_args->darknet, "IPv4 darknet prefix the traffic goes to");
    generate->callback([generate_args] { runGenerate(*generate_args); });
}

} // namespace kansoku::cli
