#include "cli/runtime_printer.h"

#include <cstdio>

#include "cli/command.h"
#include "cli/summary.h"

namespace kansoku::cli {

void printStarted(app::Runtime& runtime) {
    for (const auto& line : runtime.notices()) {
        std::fprintf(stderr, "%s\n", line.c_str());
    }
    for (const auto& line : runtime.listening()) {
        std::fprintf(stderr, "honeypot: listening: %s\n", line.c_str());
    }
}

void printDarknetDone(app::DarknetRuntime& darknet) {
    if (!darknet.replaying()) {
        darknet.join(); // with a replay the thread goes on; the first pass's figures are already final
    }
    if (!darknet.error().empty()) {
        throw CommandError(darknet.error());
    }
    printDarknetSummary(darknet.totals(), darknet.seconds());
}

void finish(app::Runtime& runtime) {
    const auto stopped = runtime.stop();
    std::fputs(runtime.summary().c_str(), stderr);
    orThrow(stopped);
    std::fprintf(stderr, "stopped\n");
}

} // namespace kansoku::cli
