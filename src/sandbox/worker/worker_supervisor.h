#pragma once

/// The out-of-process SandboxRunner (issue 10 item 2): N sandbox worker processes (sandbox_worker.h), each
/// analysing one sample at a time, fed from a bounded FIFO with de-duplication by SHA-256, by one supervisor
/// thread that owns every worker and never blocks a producer. Per job a deadline (the job's timeout +
/// `deadline_margin`); a worker that closes its channel or exits (a crash), misses a deadline (a hang: it is
/// killed) or sends a message that fails validation (garbage: it is killed) is counted, reaped and started again
/// after a back-off that doubles with each consecutive failure (a worker that dies at start cannot spin); the job
/// it held is given to a worker once more, then reported failed with the reason. Results are validated
/// (worker_protocol.h) before the sink sees them.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include <sys/types.h>

#include "common/result.h"
#include "sandbox/analysis/sandbox_analyzer.h"
#include "sandbox/analysis/sandbox_runner.h"

namespace kansoku::sandbox::worker {

struct WorkerSupervisorOptions {
    size_t workers = 2;
    size_t capacity = 256;             ///< jobs waiting (not counting the running ones); full = dropped
    uint32_t outside_id_base = 300000; ///< worker i runs its jails as outside uid/gid base + i
    /// Template of every run. Only what the job message carries crosses to the worker (worker_protocol.h):
    /// timeout, filename, workdir, argv0, args, env, arch, work_parent; dropped_dir is the runner's.
    AnalysisOptions analysis;
    /// The worker program and its first arguments; `--channel-fd 3` is appended. Tests put a helper here.
    std::vector<std::string> command = {"/proc/self/exe", "sandbox", "worker"};
    std::chrono::milliseconds deadline_margin{15000}; ///< beyond the job's timeout: jail set-up, tracer, report
    std::chrono::milliseconds start_timeout{10000};   ///< for a new worker's ready message
    std::chrono::milliseconds restart_backoff{250};   ///< after one failure; doubles per consecutive failure
    std::chrono::milliseconds max_restart_backoff{30000};
    unsigned max_attempts = 2;                   ///< runs of one job whose worker failed (1 = no retry)
    size_t max_message_bytes = size_t{64} << 20; ///< a larger frame from a worker is garbage
    std::string dropped_dir;                     ///< where workers keep dropped files (<dir>/<sha256>)
};

class WorkerSupervisor : public SandboxRunner {
public:
    /// Starts the supervisor thread, which starts the workers.
    static Result<std::unique_ptr<WorkerSupervisor>> start(WorkerSupervisorOptions options, SandboxResultSink sink);
    ~WorkerSupervisor() override;
    WorkerSupervisor(const WorkerSupervisor&) = delete;
    WorkerSupervisor& operator=(const WorkerSupervisor&) = delete;

    SubmitStatus submit(AnalysisJob job) override;
    /// Refuses new jobs, drops the waiting ones, lets the running ones finish (each by its deadline), closes
    /// every worker's channel (they exit) and joins the supervisor thread. Idempotent.
    void stop() override;
    SandboxRunnerCounters counters() const override;
    size_t capacity() const override { return options_.capacity; }

    /// Pids of the worker processes alive now (for tests and operators).
    std::vector<pid_t> workerPids() const;
    /// Blocks until nothing is queued or running, or `timeout` passes.
    bool waitIdle(std::chrono::milliseconds timeout) const;

    struct Pending {
        AnalysisJob job;
        uint64_t seq = 0;
        unsigned attempts = 0; ///< runs begun
    };
    struct Slot;

private:
    WorkerSupervisor(WorkerSupervisorOptions options, SandboxResultSink sink);
    void run();
    void wake();
    void deliver(SandboxResult&& result);

    // The supervisor thread's steps (worker_supervisor_slots.cpp).
    void spawnDue(Slot& slot, std::chrono::steady_clock::time_point now);
    void dispatch(Slot& slot, std::chrono::steady_clock::time_point now);
    void readChannel(Slot& slot, std::chrono::steady_clock::time_point now);
    void handleMessage(Slot& slot, nlohmann::ordered_json&& message, std::chrono::steady_clock::time_point now);
    enum class Failure : uint8_t { Crash, Hang, Garbage };
    void failSlot(Slot& slot, Failure kind, const std::string& reason);
    void reapSlot(Slot& slot, std::chrono::steady_clock::time_point now);
    void finishJob(Slot& slot, SandboxResult&& result);

    WorkerSupervisorOptions options_;
    SandboxResultSink sink_;
    int wake_fd_ = -1;      ///< eventfd: a new job or stop()
    std::string work_root_; ///< private directory with one work_parent per worker (cleared after a failure)

    mutable std::mutex mutex_; ///< guards what follows up to slots_
    std::deque<Pending> queue_;
    std::unordered_set<std::string> seen_sha256_;
    SandboxRunnerCounters counters_;
    uint64_t next_seq_ = 0;
    bool stopping_ = false;
    std::vector<pid_t> pids_;

    std::vector<std::unique_ptr<Slot>> slots_; ///< the supervisor thread's only
    std::thread thread_;
    std::once_flag stopped_;
};

/// The runtime's sandbox: a factory (SamplePipelineOptions::sandbox) that starts a WorkerSupervisor with
/// `options`, its dropped_dir set to the pipeline's.
SandboxRunnerFactory workerSandbox(WorkerSupervisorOptions options);

} // namespace kansoku::sandbox::worker
