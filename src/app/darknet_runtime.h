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
    /// With `replay_demo` and no interface, the demo capture is analysed at once and then a new
    /// 10-minute scenario is replayed in real time, again and again until stopped, so the
    /// dashboard's views move.
    static Result<std::unique_ptr<DarknetRuntime>> open(const Config& config, EventSink& sink,
                                                        bool replay_demo = false);
    /// requestStop() and join().
    ~DarknetRuntime();

    /// Starts the capture thread: it reads until the source ends (a capture file) or requestStop(),
    /// then closes every open record (finish()).
    void start();
    /// Interrupts a blocking read; the thread finishes its records and ends. Any thread, idempotent.
    void requestStop();
    void join();
    /// The capture file was analysed (with a replay, the first pass over it; the replay goes on), or
    /// the capture thread ended.
    bool finished() const { return finished_.load(); }
    /// Replaying the demo capture in real time after the first pass.
    bool replaying() const { return replay_; }
    /// Live capture on an interface (runs until stopped) rather than a file.
    bool live() const { return live_; }

    /// Valid once finished(): totals and the capture's wall time (with a replay: of the first pass),
    /// or the read error that ended it.
    const darknet::DarknetTotals& totals() const { return totals_; }
    double seconds() const { return seconds_; }
    const std::string& error() const { return error_; }
    /// "darknet: capturing on eth1", "darknet: no interface configured; analysing the demo capture ...".
    const std::vector<std::string>& notices() const { return notices_; }

private:
    DarknetRuntime() = default;
    void runLoop();
    void replayLoop();

    std::unique_ptr<intel::WarningLists> benign_;
    std::unique_ptr<capture::PacketSource> source_;
    std::unique_ptr<darknet::DarknetAnalyzer> analyzer_;
    bool live_ = false;
    bool replay_ = false;
    std::vector<std::string> prefixes_; /// [darknet] prefixes, for each replayed scenario
    std::string data_dir_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> finished_{false};
    std::thread thread_;
    darknet::DarknetTotals totals_;
    double seconds_ = 0;
    std::string error_;
    std::vector<std::string> notices_;
};

} // namespace kansoku::app
