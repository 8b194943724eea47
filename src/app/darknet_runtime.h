#pragma once

/// The darknet sensor of `kansoku run`, built from [darknet] and [intel]: a live capture on the
/// configured interface, or (no interface) a demo capture generated at start, read by the darknet
/// analyzer on a thread of its own; its events go to the sink it is given (the bus).

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "app/config.h"
#include "common/event_sink.h"
#include "darknet/darknet_analyzer.h"

namespace kansoku::capture {
class PacketSource;
}
namespace kansoku::intel {
class WarningLists;
}

namespace kansoku::app {

class DarknetRuntime {
public:
    /// Opens the source (a bad interface, prefix or warning-list folder fails here, before any thread
    /// starts). `sink` must be thread-safe and outlive the runtime.
    static Result<std::unique_ptr<DarknetRuntime>> open(const Config& config, EventSink& sink);
    /// requestStop() and join().
    ~DarknetRuntime();

    /// Starts the capture thread: it reads until the source ends (a capture file) or requestStop(),
    /// then closes every open record (finish()).
    void start();
    /// Interrupts a blocking read; the thread finishes its records and ends. Any thread, idempotent.
    void requestStop();
    void join();
    /// The capture thread has ended (for a capture file: the whole file was analysed).
    bool finished() const { return finished_.load(); }
    /// Live capture on an interface (runs until stopped) rather than a file.
    bool live() const { return live_; }

    /// Valid after join(): totals and the capture's wall time, or the read error that ended it.
    const darknet::DarknetTotals& totals() const { return totals_; }
    double seconds() const { return seconds_; }
    const std::string& error() const { return error_; }
    /// "darknet: capturing on eth1", "darknet: no interface configured; analysing the demo capture ...".
    const std::vector<std::string>& notices() const { return notices_; }

private:
    DarknetRuntime() = default;
    void runLoop();

    std::unique_ptr<intel::WarningLists> benign_;
    std::unique_ptr<capture::PacketSource> source_;
    std::unique_ptr<darknet::DarknetAnalyzer> analyzer_;
    bool live_ = false;
    std::atomic<bool> stop_{false};
    std::atomic<bool> finished_{false};
    std::thread thread_;
    darknet::DarknetTotals totals_;
    double seconds_ = 0;
    std::string error_;
    std::vector<std::string> notices_;
};

} // namespace kansoku::app
