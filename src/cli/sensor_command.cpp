// `kansoku sensor`: a site's sensor publishing to the center over NATS JetStream (docs/transport.md).

#include <cstdio>

#include <CLI/CLI.hpp>

#include "app/event_replay.h"
#include "app/runtime.h"
#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/runtime_printer.h"
#include "cli/signals.h"

namespace kansoku::cli {
namespace {

struct SensorArgs {
    ConfigOption config;
    bool once = false;
    bool no_darknet = false;
    bool no_honeypots = false;
    std::string replay;
    int64_t repeat = 1;
    double drain_seconds = 10;
};

void sensorMain(const SensorArgs& args) {
    const app::Config config = args.config.load();
    const auto& stop = installStopSignals();
    app::RuntimeOptions options;
    options.role = app::Role::Sensor;
    options.sensor.darknet = !args.no_darknet;
    options.sensor.honeypots = !args.no_honeypots;
    options.drain_timeout = std::chrono::milliseconds(static_cast<int64_t>(args.drain_seconds * 1000));
    auto runtime = orThrow(app::Runtime::start(config, options));
    printStarted(*runtime);
    std::fprintf(stderr, "sensor %s: publishing to %s (spool %s)\n", config.sensor_name.c_str(),
                 config.transport.nats.stream.c_str(), config.transport.nats.spool_dir.c_str());
    if (!args.replay.empty()) {
        const auto totals = orThrow(app::replayEvents(args.replay, args.repeat, config.sensor_name,
                                                      runtime->bus().publisher(transport::Overflow::Block)));
        std::fprintf(stderr, "replay: %llu events spooled (%llu lines skipped)\n",
                     static_cast<unsigned long long>(totals.published),
                     static_cast<unsigned long long>(totals.skipped));
    }
    auto* darknet = runtime->sensor().darknet();
    if (darknet != nullptr && !darknet->live()) {
        runtime->wait(stop, true);
        if (darknet->finished() && !stop.load()) {
            printDarknetDone(*darknet);
        }
    }
    if (!args.once && !stop.load()) {
        std::fprintf(stderr, "sensor is running; Ctrl-C to stop\n");
        runtime->wait(stop, false);
    }
    finish(*runtime);
}

} // namespace

void addSensorCommand(CLI::App& app) {
    auto args = std::make_shared<SensorArgs>();
    auto* cmd = app.add_subcommand(
        "sensor",
        "Run a site's sensor (darknet, honeypots) publishing to the center over NATS JetStream ([transport])");
    args->config.add(*cmd);
    cmd->add_flag("--once", args->once, "Exit when the darknet capture and the replay are done (after --drain)");
    cmd->add_flag("--no-darknet", args->no_darknet, "Without the darknet capture");
    cmd->add_flag("--no-honeypots", args->no_honeypots, "Without the honeypots");
    cmd->add_option("--replay", args->replay, "Also publish the events of this JSON lines file (as this sensor)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--repeat", args->repeat, "Replay the file this many times")->check(CLI::Range(1, 1'000'000));
    cmd->add_option("--drain", args->drain_seconds,
                    "At stop, keep sending the spool for at most this many seconds (the rest goes at the next start)")
        ->check(CLI::Range(0.0, 3600.0));
    cmd->callback([args] { sensorMain(*args); });
}

} // namespace kansoku::cli
