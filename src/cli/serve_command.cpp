// `kansoku serve`: the center alone (the store and the web server), no sensor: as at a center
// site whose sensors publish from elsewhere (issue 11 item 1).

#include <cstdio>

#include <CLI/CLI.hpp>

#include "app/runtime.h"
#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/runtime_printer.h"
#include "cli/signals.h"

namespace kansoku::cli {
namespace {

void serveMain(const ConfigOption& config_option) {
    app::Config config = config_option.load();
    if (!config.web.enabled) {
        throw CommandError("kansoku serve needs [web] enabled = true");
    }
    app::RuntimeOptions options;
    options.sensor.darknet = false;
    options.sensor.honeypots = false;
    const auto& stop = installStopSignals();
    auto runtime = orThrow(app::Runtime::start(config, options));
    printStarted(*runtime);
    std::fprintf(stderr, "serve: running; Ctrl-C to stop\n");
    runtime->wait(stop, false);
    finish(*runtime);
}

} // namespace

void addServeCommand(CLI::App& app) {
    auto config = std::make_shared<ConfigOption>();
    auto* cmd =
        app.add_subcommand("serve", "Run the center alone (store and web server: API and metrics) until Ctrl-C");
    config->add(*cmd);
    cmd->callback([config] { serveMain(*config); });
}

} // namespace kansoku::cli
