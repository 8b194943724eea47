#pragma once

/// The messages of the sandbox worker's channel (channel.h frames them), and the parent's validation of what a
/// worker sends: a worker runs hostile samples, so the main process trusts its messages no further than their
/// shape (type, required fields and their types, sizes, values tied to the job it was given). Messages:
///
///   parent -> worker  {"type":"job","id":N,"path":..,"sha256":..,"filename":..,"argv0":..,"args":[..],
///                      "workdir":..,"env":[..],"arch":..,"timeout_ms":N,"outside_uid":N,"outside_gid":N,
///                      "work_parent":..,"dropped_dir":..,"max_result_bytes":N}
///   worker -> parent  {"type":"ready","pid":N}                     once, after entering its network namespace
///                     {"type":"result","id":N,"elapsed_ms":N,"report":{..},"event":{"type":"sandbox.report",
///                      "fields":{..}}}                              the BehaviourReport document and its event
///                     {"type":"result","id":N,"elapsed_ms":N,"error":".."}   the sandbox could not run it

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "sandbox/analysis/sandbox_analyzer.h"
#include "sandbox/analysis/sandbox_runner.h"

namespace kansoku::sandbox::worker {

/// What the parent asks of a worker: run `path` with `options`. Only the options the job message carries cross
/// (see the file comment); the rest are the worker's AnalysisOptions defaults.
struct JobRequest {
    uint64_t id = 0;
    std::string path;
    std::string sha256; ///< expected SHA-256 of the report ("" = any)
    AnalysisOptions options;
    size_t max_result_bytes = 0;
};

nlohmann::ordered_json jobMessage(const JobRequest& job);
/// The worker's reading of a job message (the parent is trusted, but a broken message is still an error).
Result<JobRequest> parseJob(const nlohmann::ordered_json& message);

nlohmann::ordered_json readyMessage(int64_t pid);
nlohmann::ordered_json resultMessage(uint64_t id, const Result<BehaviourReport>& report,
                                     std::chrono::milliseconds elapsed);
/// The error result a worker sends when its report does not fit the channel.
nlohmann::ordered_json errorMessage(uint64_t id, const std::string& error, std::chrono::milliseconds elapsed);

/// What the parent expects of the next message.
struct Expectation {
    bool ready = false;      ///< a ready message (the worker was just started), else a result for `job_id`
    uint64_t job_id = 0;     ///< the job in flight
    std::string sha256;      ///< the job's sample ("" = any well-formed SHA-256)
    std::string dropped_dir; ///< kept copies may only be <dropped_dir>/<sha256>
    int64_t worker_pid = 0;  ///< what a ready message must say
};

struct ReadyMessage {};
struct ResultMessage {
    std::string sha256;
    std::optional<SandboxReport> report;
    std::string error;
    std::chrono::milliseconds elapsed{0};
};
using WorkerMessage = std::variant<ReadyMessage, ResultMessage>;

/// Validates a worker's message against `expected`; the error names the first thing wrong.
Result<WorkerMessage> parseWorkerMessage(nlohmann::ordered_json&& message, const Expectation& expected);

} // namespace kansoku::sandbox::worker
