// `kansoku center`: the center consuming the sensors' NATS JetStream stream into the store, with
// the web server, correlation and sharing (docs/transport.md).

#include <cstdio>

#include <CLI/CLI.hpp>

#include "app/runtime.h"
#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/runtime_printer.h"
#include "cli/signals.h"

namespace kansoku::cli {
namespace {

void centerMain(const ConfigOption& config_option) {
    const app::Config config = config_option.load();
    const auto& stop = installStopSignals();
    app::RuntimeOptions options;
    options.role = app::Role::Center;
    auto runtime = orThrow(app::Runtime::start(config, options));
    printStarted(*runtime);
    std::fprintf(stderr, "center %s: consuming stream %s as %s into %s; Ctrl-C to stop\n", config.sensor_name.c_str(),
                 config.transport.nats.stream.c_str(), config.transport.nats.durable.c_str(),
                 config.storage.database.c_str());
    runtime->wait(stop, false);
    finish(*runtime);
}

} // namespace

void addCenterCommand(CLI::App& app) {
    auto config = std::make_shared<ConfigOption>();
    auto* cmd = app.add_subcommand(
        "center",
        "Run the center: consume the sensors' NATS JetStream stream into the store, serve the web ([transport])");
    config->add(*cmd);
    cmd->callback([config] { centerMain(*config); });
}

} // namespace kansoku::cli
