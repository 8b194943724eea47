#pragma once

/// Drives one packet source through a DarknetAnalyzer until the file ends, the run's duration
/// passes or a stop is requested. Shared by `darknet analyze`, `darknet capture` and `run`.

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "capture/packet_source.h"
#include "darknet/darknet_analyzer.h"

namespace kansoku::darknet {

struct CaptureLoopOptions {
    /// Live capture: stop after this much wall-clock time.
    std::optional<Timestamp> duration;
    /// Set from a signal handler to stop early.
    const std::atomic<bool>* stop = nullptr;
    /// Called about every 100 ms of work with the source (bytes read) and totals.
    std::function<void(capture::PacketSource&, const DarknetTotals&)> progress;
    /// Packets per dispatch call.
    int batch = 4096;
};

enum class LoopEnd { EndOfInput, DurationPassed, Stopped };

/// Runs the loop; a read error (truncated file, interface gone) is returned as an Error.
Result<LoopEnd> runCaptureLoop(capture::PacketSource& source, DarknetAnalyzer& analyzer,
                               const CaptureLoopOptions& options);

/// Live capture on every worker: `sources` are the members of one PACKET_FANOUT group
/// (capture::PcapSource::openLiveFanout, one per analyzer worker), each read by its worker; this
/// thread keeps the housekeeping schedule by the wall clock until the duration passes or a stop is
/// requested. Keep the sources until after analyzer.finish().
Result<LoopEnd> runFanoutLoop(const std::vector<std::unique_ptr<capture::PacketSource>>& sources,
                              DarknetAnalyzer& analyzer, const CaptureLoopOptions& options);

} // namespace kansoku::darknet
