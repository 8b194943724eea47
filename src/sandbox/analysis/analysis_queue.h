#pragma once

/// The sandbox work queue (issue 5 item 6): samples from the store or the honeypots wait in a bounded FIFO and
/// N worker threads analyse them in parallel, each with its own outside uid/gid for the jail (RLIMIT_NPROC counts
/// per uid, so workers sharing a uid would starve each other). Per job: analyzeSample() with the job's honeypot
/// context (file name, argv0, arguments, working directory); static triage comes before, in the SamplePipeline. A
/// sample is analysed once per queue lifetime: a job whose SHA-256 was seen before is counted as a duplicate and
/// skipped.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/worker_pool.h"
#include "sandbox/analysis/behaviour_report.h"
#include "sandbox/analysis/sandbox_analyzer.h"

namespace kansoku::sandbox {

/// One sample to analyse, with the context it arrived in.
struct AnalysisJob {
    std::string path;     ///< host path of the sample (read with O_NOFOLLOW by analyzeSample)
    std::string sha256;   ///< optional; when empty the worker hashes the file (de-duplication needs it)
    std::string filename; ///< name in the jail (the attacker's file name); empty = the queue's default
    std::string argv0;    ///< empty = filename
    std::vector<std::string> args;
    std::string workdir;                              ///< the sample's cwd in the jail; empty = the queue's default
    std::optional<std::chrono::milliseconds> timeout; ///< empty = the queue's default run time
    std::string source;                               ///< where it came from ("honeypot session X", "store")
};

struct AnalysisQueueOptions {
    size_t workers = 2;
    size_t capacity = 256;             ///< jobs waiting (not counting the running ones); full = dropped
    uint32_t outside_id_base = 300000; ///< worker i runs its jails as outside uid/gid base + i
    /// Template for every run (timeout, work_parent, env, limits, dropped_dir ...). outside_uid/gid are set per
    /// worker; filename/argv0/args/workdir/timeout per job; stdout_path/stderr_path are cleared (workers would
    /// share one file) unless `output_dir` is set.
    AnalysisOptions analysis;
    /// When set, the sample's stdout and stderr go to output_dir/<seq>.stdout / <seq>.stderr (seq = job number).
    std::string output_dir;
};

/// The run options of `job`: `base` with the job's file name, argv0, arguments, working directory and timeout
/// (empty fields keep the base's).
AnalysisOptions jobOptions(const AnalysisOptions& base, const AnalysisJob& job);

/// What one job produced. Exactly one of `report` and `error` is set.
struct AnalysisOutcome {
    AnalysisJob job;
    uint64_t seq = 0;   ///< 1-based submission number
    size_t worker = 0;  ///< index of the worker that ran it
    std::string sha256; ///< the job's, or the one the worker computed
    std::optional<BehaviourReport> report;
    std::string error;                    ///< why the sandbox could not run (missing file, jail set-up ...)
    std::chrono::milliseconds elapsed{0}; ///< analysis wall time

    bool ok() const { return report.has_value(); }
};

/// Called from the worker threads, possibly several at once: it must be thread-safe (e.g. publish to the event
/// bus). An exception it throws is caught and counted (`sink_errors`), never propagated.
using ReportSink = std::function<void(const AnalysisOutcome&)>;

enum class SubmitStatus : uint8_t {
    Queued,    ///< accepted
    Duplicate, ///< its sha256 was already submitted to this queue (counted in `duplicates`)
    Full,      ///< the FIFO is at capacity (counted in `dropped`)
    Stopped,   ///< stop() or drain() was called (counted in `dropped`)
};
std::string_view submitStatusName(SubmitStatus status);

struct AnalysisQueueCounters {
    uint64_t submitted = 0;   ///< accepted into the FIFO
    uint64_t done = 0;        ///< analysed, report delivered
    uint64_t failed = 0;      ///< the sandbox could not run it (outcome with an error)
    uint64_t dropped = 0;     ///< refused when full or stopped, or still waiting when stop() was called
    uint64_t duplicates = 0;  ///< sha256 seen before (at submit or after the worker hashed it)
    uint64_t in_flight = 0;   ///< running now
    uint64_t queued = 0;      ///< waiting now
    uint64_t sink_errors = 0; ///< exceptions thrown by the ReportSink
};

class AnalysisQueue {
public:
    /// Starts the workers at once. `sink` receives every outcome (see ReportSink).
    AnalysisQueue(AnalysisQueueOptions options, ReportSink sink);
    /// stop(): running analyses finish, waiting jobs are dropped.
    ~AnalysisQueue();
    AnalysisQueue(const AnalysisQueue&) = delete;
    AnalysisQueue& operator=(const AnalysisQueue&) = delete;

    /// Thread-safe; never blocks on an analysis.
    SubmitStatus submit(AnalysisJob job);

    /// Refuses new jobs, drops the waiting ones (counted), waits for the running analyses to finish (each ends
    /// at the latest at its timeout) and joins the workers. Idempotent.
    void stop();
    /// Refuses new jobs, waits until every queued job is analysed, joins the workers. Idempotent.
    void drain();
    /// Blocks until nothing is queued or running (new submissions stay possible), or `timeout` passes.
    bool waitIdle(std::chrono::milliseconds timeout);

    AnalysisQueueCounters counters() const;
    size_t workerCount() const { return workers_.workerCount(); }

private:
    struct Pending {
        AnalysisJob job;
        uint64_t seq = 0;
    };
    void handle(size_t index, Pending& pending);
    AnalysisOutcome process(size_t index, Pending& pending, bool& duplicate);
    void deliver(const AnalysisOutcome& outcome);
    void shutdown(bool drop_waiting);

    AnalysisQueueOptions options_;
    ReportSink sink_;
    mutable std::mutex mutex_; ///< guards seen_sha256_, counters_, next_seq_
    std::unordered_set<std::string> seen_sha256_;
    AnalysisQueueCounters counters_;
    uint64_t next_seq_ = 0;
    WorkerPool<Pending> workers_; ///< last: joined before what the workers use goes
};

} // namespace kansoku::sandbox
