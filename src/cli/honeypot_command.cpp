// `kansoku honeypot`: the honeypots alone, as at a sensor site (issue 4).

#include <cstdio>

#include <CLI/CLI.hpp>

#include "app/runtime.h"
#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/runtime_printer.h"
#include "cli/signals.h"

namespace kansoku::cli {
namespace {

struct HoneypotArgs {
    ConfigOption config;
    bool jsonl = false;
};

void honeypotMain(const HoneypotArgs& args) {
    app::Config config = args.config.load();
    config.honeypot.enabled = true; // `kansoku honeypot` always runs them
    app::RuntimeOptions options;
    options.sensor.darknet = false;
    options.center.web = false; // a sensor site: the center's web server runs elsewhere
    options.center.jsonl_stdout = args.jsonl;
    const auto& stop = installStopSignals();
    auto runtime = orThrow(app::Runtime::start(config, options));
    printStarted(*runtime);
    std::fprintf(stderr, "honeypot: running; Ctrl-C to stop\n");
    runtime->wait(stop, false);
    finish(*runtime);
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
