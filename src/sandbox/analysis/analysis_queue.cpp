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

AnalysisQueue::AnalysisQueue(AnalysisQueueOptions options, ReportSink sink)
    : options_(std::move(options)), sink_(std::move(sink)) {
    const size_t count = options_.workers == 0 ? 1 : options_.workers;
    workers_.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        workers_.emplace_back([this, i] { workerLoop(i); });
    }
}

AnalysisQueue::~AnalysisQueue() {
    stop();
}

SubmitStatus AnalysisQueue::submit(AnalysisJob job) {
    std::lock_guard lock(mutex_);
    if (!accepting_) {
        ++counters_.dropped;
        return SubmitStatus::Stopped;
    }
    if (!job.sha256.empty() && seen_sha256_.count(job.sha256) != 0) {
        ++counters_.duplicates;
        return SubmitStatus::Duplicate;
    }
    if (fifo_.size() >= options_.capacity) {
        ++counters_.dropped;
        return SubmitStatus::Full;
    }
    if (!job.sha256.empty()) {
        seen_sha256_.insert(job.sha256);
    }
    fifo_.push_back(Pending{std::move(job), ++next_seq_});
    ++counters_.submitted;
    counters_.queued = fifo_.size();
    work_ready_.notify_one();
    return SubmitStatus::Queued;
}

void AnalysisQueue::stop() {
    shutdown(true);
}

void AnalysisQueue::drain() {
    shutdown(false);
}

void AnalysisQueue::shutdown(bool drop_waiting) {
    {
        std::lock_guard lock(mutex_);
        accepting_ = false;
        exit_when_empty_ = true;
        if (drop_waiting) {
            counters_.dropped += fifo_.size();
            fifo_.clear();
            counters_.queued = 0;
        }
    }
    work_ready_.notify_all();
    std::lock_guard join_lock(join_mutex_);
    for (std::thread& worker : workers_) {
        if (worker.joinable()) {
            worker.join();
        }
    }
    idle_.notify_all();
}

bool AnalysisQueue::waitIdle(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return fifo_.empty() && counters_.in_flight == 0; });
}

AnalysisQueueCounters AnalysisQueue::counters() const {
    std::lock_guard lock(mutex_);
    return counters_;
}

void AnalysisQueue::workerLoop(size_t index) {
    // Each worker owns its Triager (libmagic handles are not thread-safe). A set-up failure is reported in every
    // outcome; the dynamic analysis still runs.
    std::optional<malware::triage::Triager> triager;
    std::string triager_error;
    if (options_.triage) {
        try {
            auto created = malware::triage::Triager::create(*options_.triage);
            if (created) {
                triager.emplace(std::move(*created));
            } else {
                triager_error = created.error().message;
            }
        } catch (const std::exception& e) {
            triager_error = fmt::format("triager set-up threw: {}", e.what());
        } catch (...) {
            triager_error = "triager set-up threw";
        }
    }
    for (;;) {
        Pending pending;
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [this] { return !fifo_.empty() || exit_when_empty_; });
            if (fifo_.empty()) {
                return; // exit_when_empty_ and nothing left
            }
            pending = std::move(fifo_.front());
            fifo_.pop_front();
            counters_.queued = fifo_.size();
            ++counters_.in_flight;
        }
        bool duplicate = false;
        AnalysisOutcome outcome;
        try {
            outcome = process(index, pending, triager, triager_error, duplicate);
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
            --counters_.in_flight;
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
            if (fifo_.empty() && counters_.in_flight == 0) {
                idle_.notify_all();
            }
        }
    }
}

AnalysisOutcome AnalysisQueue::process(size_t index, Pending& pending, std::optional<malware::triage::Triager>& triager,
                                       const std::string& triager_error, bool& duplicate) {
    const auto started = std::chrono::steady_clock::now();
    AnalysisOutcome outcome;
    outcome.job = pending.job;
    outcome.seq = pending.seq;
    outcome.worker = index;
    outcome.sha256 = pending.job.sha256;
    outcome.triage_error = triager_error;
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

    if (triager) {
        outcome.triage = malware::triage::triageFile(std::filesystem::path(pending.job.path), *triager);
    }

    AnalysisOptions run = options_.analysis;
    run.outside_uid = options_.outside_id_base + static_cast<uint32_t>(index);
    run.outside_gid = options_.outside_id_base + static_cast<uint32_t>(index);
    if (!pending.job.filename.empty()) {
        run.filename = pending.job.filename;
    }
    run.argv0 = pending.job.argv0;
    run.args = pending.job.args;
    if (!pending.job.workdir.empty()) {
        run.workdir = pending.job.workdir;
    }
    if (pending.job.timeout) {
        run.timeout = *pending.job.timeout;
    }
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
