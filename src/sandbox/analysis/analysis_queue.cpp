#include "sandbox/analysis/analysis_queue.h"

#include <exception>
#include <filesystem>
#include <utility>

#include <fmt/format.h>

#include "malware/hashes.h"

namespace kansoku::sandbox {

std::string_view submitStatusName(SubmitStatus status) {
    switch (status) {
    case SubmitStatus::Queued:
        return "queued";
    case SubmitStatus::Duplicate:
        return "duplicate";
    case SubmitStatus::Full:
        return "full";
    case SubmitStatus::Stopped:
        return "stopped";
    }
    return "unknown";
}

AnalysisOptions jobOptions(const AnalysisOptions& base, const AnalysisJob& job) {
    AnalysisOptions run = base;
    if (!job.filename.empty()) {
        run.filename = job.filename;
    }
    run.argv0 = job.argv0;
    run.args = job.args;
    if (!job.workdir.empty()) {
        run.workdir = job.workdir;
    }
    if (job.timeout) {
        run.timeout = *job.timeout;
    }
    return run;
}

AnalysisQueue::AnalysisQueue(AnalysisQueueOptions options, ReportSink sink)
    : options_(std::move(options)), sink_(std::move(sink)), workers_(options_.capacity) {
    workers_.start(options_.workers == 0 ? 1 : options_.workers,
                   [this](size_t index) { return [this, index](Pending& pending) { handle(index, pending); }; });
}

AnalysisQueue::~AnalysisQueue() {
    stop();
}

SubmitStatus AnalysisQueue::submit(AnalysisJob job) {
    std::lock_guard lock(mutex_);
    // Under the lock throughout, so that sequence numbers follow the FIFO's order.
    if (!job.sha256.empty() && seen_sha256_.count(job.sha256) != 0) {
        ++counters_.duplicates;
        return SubmitStatus::Duplicate;
    }
    const std::string sha256 = job.sha256;
    switch (workers_.offer(Pending{std::move(job), next_seq_ + 1})) {
    case WorkerPool<Pending>::Offer::Stopped:
        ++counters_.dropped;
        return SubmitStatus::Stopped;
    case WorkerPool<Pending>::Offer::Full:
        ++counters_.dropped;
        return SubmitStatus::Full;
    case WorkerPool<Pending>::Offer::Accepted:
        break;
    }
    ++next_seq_;
    if (!sha256.empty()) {
        seen_sha256_.insert(sha256);
    }
    ++counters_.submitted;
    return SubmitStatus::Queued;
}

void AnalysisQueue::stop() {
    shutdown(true);
}

void AnalysisQueue::drain() {
    shutdown(false);
}

void AnalysisQueue::shutdown(bool drop_waiting) {
    const size_t dropped = workers_.shutdown(drop_waiting);
    std::lock_guard lock(mutex_);
    counters_.dropped += dropped;
}

bool AnalysisQueue::waitIdle(std::chrono::milliseconds timeout) {
    return workers_.waitIdle(timeout);
}

AnalysisQueueCounters AnalysisQueue::counters() const {
    AnalysisQueueCounters out;
    {
        std::lock_guard lock(mutex_);
        out = counters_;
    }
    out.queued = workers_.queued();
    out.in_flight = workers_.inFlight();
    return out;
}

void AnalysisQueue::handle(size_t index, Pending& pending) {
    bool duplicate = false;
    AnalysisOutcome outcome;
    try {
        outcome = process(index, pending, duplicate);
    } catch (const std::exception& e) {
        outcome = AnalysisOutcome{};
        outcome.job = pending.job;
        outcome.seq = pending.seq;
        outcome.worker = index;
        outcome.error = fmt::format("analysis threw: {}", e.what());
    } catch (...) {
        outcome = AnalysisOutcome{};
        outcome.job = pending.job;
        outcome.seq = pending.seq;
        outcome.worker = index;
        outcome.error = "analysis threw an unknown exception";
    }
    if (!duplicate) {
        deliver(outcome);
    }
    {
        std::lock_guard lock(mutex_);
        if (duplicate) {
            ++counters_.duplicates;
        } else if (outcome.ok()) {
            ++counters_.done;
        } else {
            ++counters_.failed;
            // A sample the sandbox could not run may be submitted again (e.g. after a transient failure).
            if (!outcome.sha256.empty()) {
                seen_sha256_.erase(outcome.sha256);
            }
        }
    }
}

AnalysisOutcome AnalysisQueue::process(size_t index, Pending& pending, bool& duplicate) {
    const auto started = std::chrono::steady_clock::now();
    AnalysisOutcome outcome;
    outcome.job = pending.job;
    outcome.seq = pending.seq;
    outcome.worker = index;
    outcome.sha256 = pending.job.sha256;
    const auto finish = [&]() -> AnalysisOutcome {
        outcome.elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
        return std::move(outcome);
    };

    if (outcome.sha256.empty()) {
        auto digests = malware::hashFile(pending.job.path);
        if (!digests) {
            outcome.error = digests.error().message;
            return finish();
        }
        outcome.sha256 = digests->sha256;
        std::lock_guard lock(mutex_);
        if (!seen_sha256_.insert(outcome.sha256).second) {
            duplicate = true;
            return finish();
        }
    }

    AnalysisOptions run = jobOptions(options_.analysis, pending.job);
    run.outside_uid = options_.outside_id_base + static_cast<uint32_t>(index);
    run.outside_gid = options_.outside_id_base + static_cast<uint32_t>(index);
    if (options_.output_dir.empty()) {
        run.stdout_path.clear();
        run.stderr_path.clear();
    } else {
        const std::filesystem::path dir(options_.output_dir);
        run.stdout_path = (dir / fmt::format("{}.stdout", pending.seq)).string();
        run.stderr_path = (dir / fmt::format("{}.stderr", pending.seq)).string();
    }

    auto report = analyzeSample(pending.job.path, run);
    if (report) {
        outcome.report = std::move(*report);
    } else {
        outcome.error = report.error().message;
    }
    return finish();
}

void AnalysisQueue::deliver(const AnalysisOutcome& outcome) {
    if (!sink_) {
        return;
    }
    try {
        sink_(outcome);
    } catch (...) {
        std::lock_guard lock(mutex_);
        ++counters_.sink_errors;
    }
}

} // namespace kansoku::sandbox
