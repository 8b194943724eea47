#include "darknet/capture_loop.h"

#include <chrono>
#include <thread>

namespace kansoku::darknet {

Result<LoopEnd> runCaptureLoop(capture::PacketSource& source, DarknetAnalyzer& analyzer,
                               const CaptureLoopOptions& options) {
    using Clock = std::chrono::steady_clock;
    const auto started = Clock::now();
    auto last_progress = started;
    analyzer.beginSource(source);
    for (;;) {
        if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) {
            return LoopEnd::Stopped;
        }
        auto status = source.dispatch(analyzer, options.batch);
        if (!status) {
            return fail(std::move(status.error()));
        }
        const auto now = Clock::now();
        switch (*status) {
        case capture::DispatchStatus::End:
            return LoopEnd::EndOfInput;
        case capture::DispatchStatus::Stopped:
            return LoopEnd::Stopped;
        case capture::DispatchStatus::Idle:
            analyzer.tick(nowMicros());
            break;
        case capture::DispatchStatus::Packets:
            break;
        }
        if (options.duration &&
            std::chrono::duration_cast<std::chrono::microseconds>(now - started).count() >= *options.duration) {
            return LoopEnd::DurationPassed;
        }
        if (options.progress && now - last_progress >= std::chrono::milliseconds(100)) {
            last_progress = now;
            options.progress(source, analyzer.totals());
        }
    }
}

Result<LoopEnd> runFanoutLoop(const std::vector<std::unique_ptr<capture::PacketSource>>& sources,
                              DarknetAnalyzer& analyzer, const CaptureLoopOptions& options) {
    using Clock = std::chrono::steady_clock;
    // How often this thread looks at the clock, the stop flag and the workers' sources.
    constexpr auto kPoll = std::chrono::milliseconds(20);
    const auto started = Clock::now();
    std::vector<capture::PacketSource*> members;
    for (const auto& source : sources) {
        members.push_back(source.get());
    }
    analyzer.beginFanout(members);
    analyzer.tick(nowMicros());
    const auto stopAll = [&] {
        for (const auto& source : sources) {
            source->stop();
        }
    };
    for (;;) {
        std::this_thread::sleep_for(kPoll);
        if (options.stop != nullptr && options.stop->load(std::memory_order_relaxed)) {
            stopAll();
            return LoopEnd::Stopped;
        }
        if (auto error = analyzer.fanoutError()) {
            stopAll();
            return fail(std::move(*error));
        }
        analyzer.tick(nowMicros());
        if (options.duration && std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count() >=
                                    *options.duration) {
            stopAll();
            return LoopEnd::DurationPassed;
        }
    }
}

} // namespace kansoku::darknet
