#pragma once

/// The seam between the SamplePipeline and whatever runs its samples in the sandbox (issue 10 item 2): the
/// runtime hands the pipeline a factory for a SandboxRunner (the out-of-process WorkerSupervisor of
/// src/sandbox/worker, or a test double). A runner takes AnalysisJobs without blocking and reports every job it
/// accepted once, as a SandboxResult: the behaviour report's JSON document, its `sandbox.report` event and the
/// dropped files it kept, i.e. what crosses a process boundary, not the in-memory BehaviourReport.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/event.h"
#include "common/result.h"
#include "sandbox/analysis/analysis_queue.h"
#include "sandbox/analysis/behaviour_report.h"

namespace kansoku::sandbox {

/// A file the sample dropped that the run kept a copy of (under the runner's dropped directory).
struct KeptDrop {
    std::string path;      ///< where the sample wrote it, in the jail
    std::string sha256;    ///< of the kept copy
    std::string kept_path; ///< the host copy: <dropped_dir>/<sha256>
};

/// What the pipeline needs of one finished run.
struct SandboxReport {
    std::string sha256;
    nlohmann::ordered_json document; ///< BehaviourReport::toJson(): written as <sha256>.sandbox.json
    /// The sandbox.report event as makeSandboxReportEvent() builds it; ts and sensor are the pipeline's to set.
    Event event;
    std::vector<KeptDrop> dropped;
};

/// The report of a run, in the form a runner hands on (the worker builds it in its own process).
SandboxReport sandboxReportOf(const BehaviourReport& report);

/// What one job came to. Exactly one of `report` and `error` is set.
struct SandboxResult {
    AnalysisJob job;
    uint64_t seq = 0;   ///< 1-based submission number
    std::string sha256; ///< the job's, or the report's
    std::optional<SandboxReport> report;
    std::string error; ///< why the sandbox could not analyse it (the worker's reason, or crashed/hung twice)
    unsigned attempts = 1;
    std::chrono::milliseconds elapsed{0};

    bool ok() const { return report.has_value(); }
};

/// Called from the runner's own thread; an exception it throws is caught and counted (`sink_errors`).
using SandboxResultSink = std::function<void(SandboxResult&&)>;

struct SandboxRunnerCounters {
    uint64_t submitted = 0;   ///< accepted into the FIFO
    uint64_t done = 0;        ///< analysed, report delivered
    uint64_t failed = 0;      ///< delivered with an error
    uint64_t dropped = 0;     ///< refused when full or stopped, or still waiting at stop()
    uint64_t duplicates = 0;  ///< sha256 seen before
    uint64_t in_flight = 0;   ///< running now
    uint64_t queued = 0;      ///< waiting now
    uint64_t sink_errors = 0; ///< exceptions thrown by the SandboxResultSink
    // Out-of-process runners (WorkerSupervisor); 0 elsewhere.
    uint64_t workers_started = 0; ///< worker processes spawned, first starts included
    uint64_t restarts = 0;        ///< of them, spawned to replace a worker that died or was killed
    uint64_t worker_crashes = 0;  ///< a worker closed its channel or exited unasked
    uint64_t worker_hangs = 0;    ///< a worker missed its deadline (start or job) and was killed
    uint64_t worker_garbage = 0;  ///< a worker sent a message that failed validation and was killed
    uint64_t retries = 0;         ///< jobs given to another worker after their worker failed
};

/// Runs sandbox jobs somewhere; see the file comment.
class SandboxRunner {
public:
    virtual ~SandboxRunner() = default;
    /// Thread-safe; never blocks on an analysis. A job whose sha256 was accepted before (and did not fail) is a
    /// Duplicate.
    virtual SubmitStatus submit(AnalysisJob job) = 0;
    /// Refuses new jobs, drops the waiting ones, lets the running ones finish (each ends by its deadline).
    /// Idempotent; no result is delivered after it returns.
    virtual void stop() = 0;
    virtual SandboxRunnerCounters counters() const = 0;
    /// How many jobs may wait (for pacing producers).
    virtual size_t capacity() const = 0;
};

/// Builds a runner whose kept dropped files go to `dropped_dir` and whose results go to `sink`.
using SandboxRunnerFactory =
    std::function<Result<std::unique_ptr<SandboxRunner>>(const std::string& dropped_dir, SandboxResultSink sink)>;

} // namespace kansoku::sandbox
