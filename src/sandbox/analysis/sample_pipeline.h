#pragma once

/// What happens to every stored sample (issue 5 items 1, 5 and 6): static triage on a worker pool,
/// its digests recorded and its `sample` event published, then (with the sandbox enabled) the
/// contained run through a SandboxRunner (the runtime's: worker processes) with the context the attacker gave it. Both
/// documents are kept beside the sample (`<sha256>.triage.json`, `<sha256>.sandbox.json`); files the sample dropped go
/// back into the store as new samples (source `sandbox_drop`, `parent`) and through the same path. At start, resume()
/// picks up what the store holds without those documents.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/event.h"
#include "common/result.h"
#include "malware/sample_store.h"
#include "malware/triage/triage_pool.h"
#include "sandbox/analysis/sandbox_runner.h"

namespace kansoku::sandbox {

/// A sample in the store and how it arrived.
struct PipelineSample {
    std::string sha256;
    std::filesystem::path path;    ///< the file in the store
    std::string filename;          ///< the attacker's name for it ("" = its SHA-256)
    std::string workdir;           ///< where the attacker put it ("/tmp"; mapped to a writable jail dir)
    std::vector<std::string> argv; ///< how the attacker ran it (empty if never run)
    std::string origin;            ///< "honeypot session X", "store", "dropped by <sha256>"
    unsigned depth = 0;            ///< 0 from outside; a file dropped by a depth-n sample has n + 1
};

struct SamplePipelineOptions {
    std::string sensor = "local";
    malware::triage::TriagePoolOptions triage;
    /// Makes the runner of the contained runs; empty: static triage only (no root, or [sandbox] enabled = false).
    SandboxRunnerFactory sandbox;
    /// Dropped files are always stored and triaged; those deeper than this are not run.
    unsigned max_drop_depth = 2;
};

struct SamplePipelineCounters {
    uint64_t triaged = 0;        ///< triage documents written
    uint64_t not_triaged = 0;    ///< the triage pool was full or stopped (the sample event went out without digests)
    uint64_t analysed = 0;       ///< sandbox documents written
    uint64_t sandbox_failed = 0; ///< the sandbox could not run a sample
    uint64_t not_analysed = 0;   ///< the sandbox queue refused it (full or stopped)
    uint64_t drops_stored = 0;   ///< dropped files stored as new samples
    uint64_t drops_not_run = 0;  ///< new dropped samples past max_drop_depth (stored and triaged only)
    uint64_t store_errors = 0;   ///< a document, digest or dropped file could not be written
    uint64_t sink_errors = 0;    ///< the event sink threw (the event is lost, the sample's documents are not)
    uint64_t resumed = 0;        ///< samples resume() found without their documents
};

/// Receives every event the pipeline makes (`sample`, `sandbox.report`), from worker threads: it
/// must be thread-safe. An exception it throws is caught and counted (sink_errors).
using PipelineEventSink = std::function<void(Event event)>;

class SamplePipeline {
public:
    /// Starts the triage workers (a bad YARA rule fails here) and, if configured, the sandbox queue.
    /// `store` must outlive the pipeline.
    static Result<std::unique_ptr<SamplePipeline>> create(malware::SampleStore& store, SamplePipelineOptions options,
                                                          PipelineEventSink sink);
    /// stop().
    ~SamplePipeline();
    SamplePipeline(const SamplePipeline&) = delete;
    SamplePipeline& operator=(const SamplePipeline&) = delete;

    /// A new sample: triage, then the sandbox. Thread-safe, never blocks.
    void submit(PipelineSample sample);
    /// Starts a thread that feeds the pipeline every stored sample without a triage document (and,
    /// with the sandbox, without a sandbox document), pacing itself to the queues' room.
    void resume();
    /// True when nothing is queued or running (for tests and a clean exit).
    bool idle() const;
    /// Blocks until idle() or `timeout`.
    bool waitIdle(std::chrono::milliseconds timeout) const;
    /// Stops resuming, drops what waits, waits for what runs (each analysis ends by its timeout).
    void stop();

    SamplePipelineCounters counters() const;
    /// The sandbox's runner (nullptr without one), for its counters.
    const SandboxRunner* sandbox() const { return sandbox_.get(); }

private:
    SamplePipeline(malware::SampleStore& store, SamplePipelineOptions options, PipelineEventSink sink);
    void triaged(uint64_t tag, malware::triage::TriageReport&& report);
    void analysed(SandboxResult&& result);
    void toSandbox(const PipelineSample& sample);
    void storeDropped(const PipelineSample& parent, const std::vector<KeptDrop>& dropped);
    void publish(Event event);
    void resumeLoop();
    /// The sample event from the store's record, with what triage found if it ran.
    void publishSample(const malware::SampleRecord& record, const malware::triage::TriageReport* report);

    malware::SampleStore& store_;
    SamplePipelineOptions options_;
    PipelineEventSink sink_;
    std::filesystem::path drops_dir_; ///< where the sandbox leaves dropped files until they are stored
    std::unique_ptr<malware::triage::TriagePool> triage_;
    std::unique_ptr<SandboxRunner> sandbox_;

    mutable std::mutex mutex_;
    uint64_t next_tag_ = 0;
    std::map<uint64_t, PipelineSample> triaging_;   ///< by triage job tag
    std::map<std::string, PipelineSample> running_; ///< by SHA-256, in the sandbox queue
    SamplePipelineCounters counters_;
    std::atomic<bool> stopping_{false};
    std::thread resumer_;
};

/// The jail's writable directory for an attacker's working directory: "/tmp" or "/var/run" (or a
/// directory below them), else "" (the queue's default).
std::string jailWorkdir(const std::string& workdir);

} // namespace kansoku::sandbox
