// `kansoku honeypot`: the honeypots alone, as at a sensor site (issue 4).

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "app/runtime.h"
#include "cli/command.h"
#include "cli/config_option.h"
#include "cli/runtime_printer.h"
#include "cli/signals.h"
#include "honeypot/session/cast_reader.h"

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

struct ReplayArgs {
    std::string session;
    double speed = 1.0;
    double max_idle = 2.0;
    bool dump = false;
    bool input = false;
    ConfigOption config;
};

/// A session id (16 hex digits) names `<casts_dir>/<id>.cast`; anything else is a path.
std::string castPath(const ReplayArgs& args) {
    const bool is_id = args.session.size() == 16 && std::all_of(args.session.begin(), args.session.end(), [](char c) {
                           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
                       });
    if (!is_id) {
        return args.session;
    }
    const std::string dir = args.config.load().honeypot.casts_dir;
    if (dir.empty()) {
        throw CommandError("honeypot.casts_dir is empty: sessions are not recorded (give a .cast file instead)");
    }
    return dir + "/" + args.session + ".cast";
}

void replayMain(const ReplayArgs& args) {
    if (!(args.speed > 0) || args.speed > 1000) {
        throw CommandError(fmt::format("--speed {}: must be more than 0 and at most 1000", args.speed));
    }
    if (args.max_idle < 0) {
        throw CommandError(fmt::format("--max-idle {}: must be 0 or more", args.max_idle));
    }
    const std::string path = castPath(args);
    auto cast = honeypot::readCast(path);
    if (!cast) {
        throw CommandError(cast.error().message);
    }
    const auto& stop = installStopSignals();
    double shown = 0; // the cast's time already played
    for (const auto& event : cast->events) {
        const bool wanted = event.kind == 'o' || (args.input && event.kind == 'i');
        if (!wanted) {
            continue;
        }
        if (!args.dump) {
            double gap = event.time - shown;
            if (args.max_idle > 0) {
                gap = std::min(gap, args.max_idle);
            }
            shown = event.time;
            using Clock = std::chrono::steady_clock;
            const Clock::time_point until = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                               std::chrono::duration<double>(gap / args.speed));
            while (Clock::now() < until && !stop.load()) {
                const Clock::duration left = until - Clock::now();
                std::this_thread::sleep_for(std::min<Clock::duration>(left, std::chrono::milliseconds(50)));
            }
            if (stop.load()) {
                break;
            }
        }
        std::fwrite(event.data.data(), 1, event.data.size(), stdout);
        if (!args.dump) {
            std::fflush(stdout);
        }
    }
    std::fflush(stdout);
}

} // namespace

void addHoneypotCommand(CLI::App& app) {
    auto args = std::make_shared<HoneypotArgs>();
    auto* cmd = app.add_subcommand(
        "honeypot", "Run the honeypots alone (telnet, SSH, HTTP, UDP reflectors, downloader) until Ctrl-C");
    args->config.add(*cmd);
    cmd->add_flag("--jsonl", args->jsonl, "Also write every event to stdout as JSON lines");

    auto replay_args = std::make_shared<ReplayArgs>();
    auto* replay = cmd->add_subcommand("replay", "Play a recorded telnet/SSH session (an asciinema v2 cast) "
                                                 "in this terminal, timed as it happened");
    replay->add_option("session", replay_args->session, "Session id (its cast in honeypot.casts_dir) or a .cast file")
        ->required();
    replay->add_option("--speed", replay_args->speed, "Play this many times faster (default 1)")->type_name("X");
    replay
        ->add_option("--max-idle", replay_args->max_idle, "Longest pause shown, in seconds (default 2; 0: as recorded)")
        ->type_name("SECONDS");
    replay->add_flag("--dump", replay_args->dump, "Write the whole output at once, without timing (not interactive)");
    replay->add_flag("--input", replay_args->input, "Also show what the attacker typed (echo off too: passwords)");
    replay_args->config.add(*replay);
    replay->callback([replay_args] { replayMain(*replay_args); });

    cmd->callback([args, replay] {
        if (!replay->parsed()) {
            honeypotMain(*args);
        }
    });
}

} // namespace kansoku::cli
