// `kansoku honeypot`: the honeypots alone, as at a sensor site (issue 4).

#include <cstdio>
#include <filesystem>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/event_outputs.h"
#include "cli/honeypot_runtime.h"
#include "cli/signals.h"

namespace kansoku::cli {
namespace {

struct HoneypotArgs {
    ConfigOption config;
    bool jsonl = false;
};

void honeypotMain(const HoneypotArgs& args) {
    const Config config = args.config.load();
    for (const auto& path : {config.storage.database, config.storage.events_jsonl, config.honeypot.samples_dir}) {
        const auto parent = std::filesystem::path(path).parent_path();
        std::error_code ec;
        if (!parent.empty()) {
            std::filesystem::create_directories(parent, ec);
        }
    }
    auto outputs = orThrow(EventOutputs::open({args.jsonl, config.storage.events_jsonl, config.storage.database,
                                               store::StoreSink::Batched{config.storage.batch_size}}));
    auto runtime = orThrow(HoneypotRuntime::start(config, outputs->sink()));
    for (const auto& line : runtime->listening()) {
        std::fprintf(stderr, "honeypot: listening: %s\n", line.c_str());
    }
    std::fprintf(stderr, "honeypot: running; Ctrl-C to stop\n");
    const auto& stop = installStopSignals();
    runtime->run(stop);
    orThrow(outputs->commit());
    std::fputs(runtime->summary().c_str(), stderr);
}

} // namespace

void addHoneypotCommand(CLI::App& app) {
    auto args = std::make_shared<HoneypotArgs>();
    auto* cmd = app.add_subcommand(
        "honeypot", "Run the honeypots alone (telnet, SSH, HTTP, UDP reflectors, downloader) until Ctrl-C");
    args->config.add(*cmd);
    cmd->add_flag("--jsonl", args->jsonl, "Also write every event to stdout as JSON lines");
    cmd->callback([args] { honeypotMain(*args); });
}

} // namespace kansoku::cli
