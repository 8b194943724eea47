#pragma once

/// SIGINT / SIGTERM handling for long-running commands: the first signal asks the running loop
/// to stop cleanly (records are closed and stored); a second one exits at once.

#include <atomic>

namespace kansoku::capture {
class PacketSource;
}

namespace kansoku::cli {

/// Installs the handlers; returns the flag they set.
const std::atomic<bool>& installStopSignals();
/// The source whose blocking read a signal should interrupt (nullptr for none).
void setInterruptibleSource(capture::PacketSource* source);

} // namespace kansoku::cli
