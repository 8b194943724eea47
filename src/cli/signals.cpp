#include "cli/signals.h"

#include <csignal>

#include <unistd.h>

#include "capture/packet_source.h"

namespace kansoku::cli {
namespace {

std::atomic<bool> g_stop{false};
std::atomic<capture::PacketSource*> g_source{nullptr};

void onSignal(int) {
    if (g_stop.exchange(true)) {
        _exit(130);
    }
    if (auto* source = g_source.load()) {
        source->stop(); // pcap_breakloop: sets a flag, safe here
    }
}

} // namespace

const std::atomic<bool>& installStopSignals() {
    struct sigaction action {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    return g_stop;
}

void setInterruptibleSource(capture::PacketSource* source) {
    g_source.store(source);
}

} // namespace kansoku::cli
