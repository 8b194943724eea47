// `kansoku sandbox`: static triage of files and the contained dynamic analysis of one sample (issue 5).

#include <cstdio>
#include <filesystem>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/yara_rules.h"
#include "cli/command.h"
#include "cli/progress.h"
#include "malware/triage/sample_clusterer.h"
#include "malware/triage/triage_pool.h"
#include "malware/triage/triager.h"
#include "sandbox/analysis/sandbox_analyzer.h"
#include "sandbox/jail/private_network.h"
#include "sandbox/worker/sandbox_worker.h"

namespace kansoku::cli {
namespace {

namespace triage = malware::triage;

struct TriageArgs {
    std::vector<std::string> files;
    std::string rules_dir;
    bool json = false;
    bool cluster = false;
    size_t jobs = 0;
};

void printSummary(const triage::TriageReport& report) {
    std::printf("%s\n  sha256 %s  size %llu\n  type   %s (%s)\n", report.name.c_str(), report.sha256.c_str(),
                static_cast<unsigned long long>(report.size), report.magic.c_str(), report.arch.c_str());
    if (!report.ssdeep.empty() || !report.tlsh.empty()) {
        std::printf("  ssdeep %s\n  tlsh   %s\n", report.ssdeep.c_str(), report.tlsh.c_str());
    }
    for (const auto& packer : report.packers) {
        std::printf("  packer %s\n", packer.c_str());
    }
    const auto json = report.toJson(); // (a range-for over a member of a temporary would dangle)
    for (const auto& [kind, values] : json["iocs"].items()) {
        if (values.is_array() && !values.empty()) {
            std::printf("  %-6s %s\n", kind.c_str(), values.dump().c_str());
        }
    }
    for (const auto& match : json["yara"]) {
        std::printf("  yara   %s (%s)\n", match.value("rule", "").c_str(), match.value("namespace", "").c_str());
    }
    for (const auto& note : report.notes) {
        std::printf("  note   %s\n", note.c_str());
    }
}

void triageMain(const TriageArgs& args) {
    std::vector<std::filesystem::path> paths;
    for (const auto& file : args.files) {
        std::error_code ec;
        if (!std::filesystem::exists(file, ec)) {
            throw CommandError(fmt::format("{}: no such file", file));
        }
        paths.emplace_back(file);
    }
    triage::TriagerOptions options;
    options.yara_rules = orThrow(app::yaraRules(args.rules_dir));
    std::vector<triage::ClusterInput> inputs;
    Progress progress;
    orThrow(triage::triageFiles(paths, options, args.jobs, [&](size_t index, triage::TriageReport&& report) {
        progress.finish();
        if (args.json) {
            std::puts(report.toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
        } else {
            printSummary(report);
        }
        inputs.push_back({report.sha256, report.ssdeep, report.tlsh});
        progress.updateItems("triage", index + 1, paths.size(), "files");
    }));
    progress.finish();
    if (args.cluster) {
        const auto clustering = triage::clusterSamples(inputs);
        for (const auto& cluster : clustering.clusters) {
            if (args.json) {
                std::puts(nlohmann::ordered_json{{"cluster", cluster.id}, {"members", cluster.members}}.dump().c_str());
            } else {
                std::printf("cluster %s: %zu member(s)\n", cluster.id.substr(0, 16).c_str(), cluster.members.size());
            }
        }
    }
}

struct AnalyzeArgs {
    std::string file;
    double timeout_s = 30;
    std::string filename;
    std::string argv0;
    std::string workdir = "/tmp";
    std::vector<std::string> args;
    std::string arch;
    std::string dropped_dir;
    std::string sensor = "local";
    bool report = false;
};

void analyzeMain(const AnalyzeArgs& args) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(args.file, ec)) {
        throw CommandError(fmt::format("{}: no such file", args.file));
    }
    if (geteuid() != 0) {
        throw CommandError("sandbox analyze needs root (it creates user, PID, mount and network namespaces)");
    }
    sandbox::AnalysisOptions options;
    options.timeout = std::chrono::milliseconds(static_cast<int64_t>(args.timeout_s * 1000));
    options.filename = args.filename.empty() ? std::filesystem::path(args.file).filename().string() : args.filename;
    options.argv0 = args.argv0;
    options.workdir = args.workdir;
    options.args = args.args;
    options.arch = args.arch;
    options.dropped_dir = args.dropped_dir;
    // The outer safety net: this process leaves the host's network before anything runs, so even a
    // broken jail has no route anywhere (the analysis itself needs none: its network is the fake one).
    if (auto isolated = sandbox::enterPrivateNetwork(); !isolated) {
        throw CommandError("sandbox: cannot isolate from the host network: " + isolated.error().message);
    }
    std::fprintf(stderr, "sandbox: analysing %s for up to %.0f s\n", args.file.c_str(), args.timeout_s);
    const auto report = orThrow(sandbox::analyzeSample(args.file, options));
    const auto dump = [](const auto& json) {
        return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
    if (args.report) {
        std::puts(dump(report.toJson()).c_str());
    } else {
        std::puts(sandbox::makeSandboxReportEvent(report, args.sensor, nowMicros()).toJsonLine().c_str());
    }
}

} // namespace

void addSandboxCommand(CLI::App& app) {
    auto* sandbox = app.add_subcommand("sandbox", "Malware analysis: static triage (and contained dynamic analysis)");
    sandbox->require_subcommand(1);

    auto args = std::make_shared<TriageArgs>();
    auto* triage_cmd = sandbox->add_subcommand(
        "triage", "Static triage: hashes (MD5, SHA-1, SHA-256, ssdeep, TLSH), file type, ELF headers and packers, "
                  "strings and IOCs, YARA matches");
    triage_cmd->add_option("files", args->files, "Files to triage")->required();
    triage_cmd->add_option("--rules", args->rules_dir,
                           "Rules folder holding yara/*.yar (default: the rules compiled into kansoku)");
    triage_cmd->add_flag("--json", args->json, "One JSON report per line instead of a summary");
    triage_cmd->add_flag("--cluster", args->cluster, "Group the files by ssdeep/TLSH similarity");
    triage_cmd->add_option("-j,--jobs", args->jobs, "Worker threads (default: one per CPU)")
        ->check(CLI::Range(size_t{0}, size_t{256}));
    triage_cmd->callback([args] { triageMain(*args); });

    auto analyze = std::make_shared<AnalyzeArgs>();
    auto* analyze_cmd = sandbox->add_subcommand(
        "analyze", "Run one sample in the contained sandbox (namespaces, read-only BusyBox root, seccomp, fake "
                   "network, tracer) and print its sandbox.report event (needs root)");
    analyze_cmd->add_option("file", analyze->file, "The sample")->required();
    analyze_cmd->add_option("--timeout", analyze->timeout_s, "Seconds before the whole process tree is killed")
        ->capture_default_str()
        ->check(CLI::Range(1.0, 3600.0));
    analyze_cmd->add_option("--name", analyze->filename, "File name inside the jail (default: the file's own)");
    analyze_cmd->add_option("--argv0", analyze->argv0, "argv[0] for the sample (bots behave by their name)");
    analyze_cmd->add_option("--cwd", analyze->workdir, "Working directory inside the jail (/tmp or /var/run)")
        ->capture_default_str();
    analyze_cmd->add_option("--arch", analyze->arch, "Architecture override (x86-64, ARM, MIPS, ...)");
    analyze_cmd->add_option("--dropped", analyze->dropped_dir, "Copy files the sample dropped here as <sha256>");
    analyze_cmd->add_option("--sensor", analyze->sensor, "Sensor name in the event")->capture_default_str();
    analyze_cmd->add_flag("--report", analyze->report, "Print the full behaviour report instead of the event");
    analyze_cmd->add_option("--args", analyze->args, "Arguments for the sample (after --args)")->expected(0, -1);
    analyze_cmd->callback([analyze] { analyzeMain(*analyze); });

    // Hidden: the sandbox worker process the runtime starts (src/sandbox/worker); not for people.
    auto channel_fd = std::make_shared<int>(-1);
    auto* worker_cmd = sandbox->add_subcommand("worker", "");
    worker_cmd->group("");
    worker_cmd->add_option("--channel-fd", *channel_fd, "The supervisor's end of the channel")
        ->required()
        ->check(CLI::Range(3, 1 << 20));
    worker_cmd->callback([channel_fd] {
        const int code = sandbox::worker::runSandboxWorker(*channel_fd);
        if (code != 0) {
            throw CLI::RuntimeError(code);
        }
    });
}

} // namespace kansoku::cli
