// `kansoku run`: the whole system in one process (ARCHITECTURE.md "The embedded default").

#include <cstdio>

#include <CLI/CLI.hpp>

#include "app/runtime.h"
#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/runtime_printer.h"
#include "cli/signals.h"

namespace kansoku::cli {
namespace {

struct RunArgs {
    ConfigOption config;
    bool once = false;
};

void runMain(const RunArgs& args) {
    const app::Config config = args.config.load();
    const auto& stop = installStopSignals();
    app::RuntimeOptions options;
    options.sensor.replay_demo = !args.once; // the views move: the demo capture goes on in real time
    auto runtime = orThrow(app::Runtime::start(config, options));
    printStarted(*runtime);
    auto* darknet = runtime->sensor().darknet();
    const bool keeps_running =
        !args.once && (runtime->sensor().honeypots() != nullptr || darknet == nullptr || !darknet->live());
    // A capture file is analysed at once; the summary follows when it is done. A live capture never
    // is done: the system is running as soon as it started.
    if (darknet == nullptr || !darknet->live()) {
        runtime->wait(stop, true);
    }
    if (darknet != nullptr && darknet->finished()) {
        printDarknetDone(*darknet);
    }
    if (keeps_running && !stop.load()) {
        std::fprintf(stderr, "kansoku is running; query with `kansoku query scans` or `kansoku query attacks`; "
                             "Ctrl-C to stop\n");
        runtime->wait(stop, false);
    }
    finish(*runtime);
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
