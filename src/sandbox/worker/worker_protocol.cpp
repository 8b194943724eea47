#include "sandbox/worker/worker_protocol.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <initializer_list>
#include <string_view>

namespace kansoku::sandbox::worker {

namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxPathBytes = 4096;
constexpr size_t kMaxShortText = 256;
constexpr size_t kMaxErrorBytes = 4096;
constexpr size_t kMaxListItems = 4096;
constexpr size_t kMaxDroppedFiles = 100000;
constexpr std::array<std::string_view, 3> kVerdicts = {"clean", "suspicious", "malicious"};

bool isSha256(const std::string& text) {
    return text.size() == 64 && std::all_of(text.begin(), text.end(),
                                            [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

/// `object` holds only `allowed` keys.
Result<void> onlyKeys(const Json& object, std::initializer_list<std::string_view> allowed, std::string_view what) {
    for (const auto& item : object.items()) {
        if (std::find(allowed.begin(), allowed.end(), item.key()) == allowed.end()) {
            return fail("{}: unexpected field \"{}\"", what, item.key().substr(0, 64));
        }
    }
    return {};
}

Result<const Json*> field(const Json& object, const char* key, std::string_view what) {
    const auto it = object.find(key);
    if (it == object.end()) {
        return fail("{}: missing \"{}\"", what, key);
    }
    return &*it;
}

Result<std::string> text(const Json& object, const char* key, size_t max, std::string_view what) {
    auto value = field(object, key, what);
    KANSOKU_TRY(value);
    if (!(*value)->is_string()) {
        return fail("{}: \"{}\" is not a string", what, key);
    }
    const auto& s = (*value)->get_ref<const std::string&>();
    if (s.size() > max) {
        return fail("{}: \"{}\" is {} bytes (at most {})", what, key, s.size(), max);
    }
    return s;
}

Result<uint64_t> number(const Json& object, const char* key, uint64_t max, std::string_view what) {
    auto value = field(object, key, what);
    KANSOKU_TRY(value);
    const Json& v = **value;
    const bool non_negative = v.is_number_unsigned() || (v.is_number_integer() && v.get<int64_t>() >= 0);
    if (!non_negative || v.get<uint64_t>() > max) {
        return fail("{}: \"{}\" is not an integer from 0 to {}", what, key, max);
    }
    return v.get<uint64_t>();
}

Result<const Json*> ofType(const Json& object, const char* key, Json::value_t type, std::string_view what) {
    auto value = field(object, key, what);
    KANSOKU_TRY(value);
    if ((*value)->type() != type) {
        return fail("{}: \"{}\" is not {}", what, key, type == Json::value_t::array ? "an array" : "an object");
    }
    return *value;
}

Result<std::vector<std::string>> textList(const Json& object, const char* key, std::string_view what) {
    auto list = ofType(object, key, Json::value_t::array, what);
    KANSOKU_TRY(list);
    if ((*list)->size() > kMaxListItems) {
        return fail("{}: \"{}\" has more than {} items", what, key, kMaxListItems);
    }
    std::vector<std::string> out;
    for (const Json& item : **list) {
        if (!item.is_string() || item.get_ref<const std::string&>().size() > kMaxPathBytes) {
            return fail("{}: \"{}\" holds something other than short strings", what, key);
        }
        out.push_back(item.get<std::string>());
    }
    return out;
}

/// The dropped files the pipeline will read: each kept copy must be <dropped_dir>/<its sha256>.
Result<std::vector<KeptDrop>> keptDrops(const Json& document, const std::string& dropped_dir) {
    auto files = ofType(document, "dropped_files", Json::value_t::array, "report");
    KANSOKU_TRY(files);
    if ((*files)->size() > kMaxDroppedFiles) {
        return fail("report: more than {} dropped files", kMaxDroppedFiles);
    }
    std::vector<KeptDrop> kept;
    for (const Json& file : **files) {
        if (!file.is_object()) {
            return fail("report: a dropped file is not an object");
        }
        auto kept_path = text(file, "kept_path", kMaxPathBytes, "report: dropped file");
        auto path = text(file, "path", kMaxPathBytes, "report: dropped file");
        auto sha256 = text(file, "sha256", 64, "report: dropped file");
        KANSOKU_TRY(kept_path);
        KANSOKU_TRY(path);
        KANSOKU_TRY(sha256);
        if (kept_path->empty()) {
            continue;
        }
        if (dropped_dir.empty() || !isSha256(*sha256) ||
            *kept_path != (std::filesystem::path(dropped_dir) / *sha256).string()) {
            return fail("report: a kept copy outside <dropped_dir>/<sha256>");
        }
        kept.push_back({std::move(*path), std::move(*sha256), std::move(*kept_path)});
    }
    return kept;
}

Result<SandboxReport> parseReport(Json&& document, Json&& event, const Expectation& expected) {
    if (!document.is_object() || !event.is_object()) {
        return fail("result: \"report\" and \"event\" must be objects");
    }
    auto sha256 = text(document, "sha256", 64, "report");
    KANSOKU_TRY(sha256);
    if (!isSha256(*sha256) || (!expected.sha256.empty() && *sha256 != expected.sha256)) {
        return fail("report: sha256 is not the job's sample");
    }
    auto verdict = text(document, "verdict", kMaxShortText, "report");
    KANSOKU_TRY(verdict);
    if (std::find(kVerdicts.begin(), kVerdicts.end(), *verdict) == kVerdicts.end()) {
        return fail("report: unknown verdict");
    }
    KANSOKU_TRY(number(document, "score", 100, "report"));
    KANSOKU_TRY(text(document, "arch", kMaxShortText, "report"));
    auto kept = keptDrops(document, expected.dropped_dir);
    KANSOKU_TRY(kept);

    KANSOKU_TRY(onlyKeys(event, {"type", "fields"}, "event"));
    auto type = text(event, "type", kMaxShortText, "event");
    KANSOKU_TRY(type);
    if (*type != "sandbox.report") {
        return fail("event: type is not sandbox.report");
    }
    auto fields = ofType(event, "fields", Json::value_t::object, "event");
    KANSOKU_TRY(fields);
    const Json& f = **fields;
    for (const char* key : {"sha256", "verdict", "score", "arch"}) {
        if (!f.contains(key) || f[key] != document[key]) {
            return fail("event: \"{}\" differs from the report's", key);
        }
    }
    for (const char* key : {"signatures", "processes", "files"}) {
        KANSOKU_TRY(ofType(f, key, Json::value_t::array, "event"));
    }
    KANSOKU_TRY(ofType(f, "network", Json::value_t::object, "event"));

    SandboxReport report;
    report.sha256 = std::move(*sha256);
    report.dropped = std::move(*kept);
    report.event.type = "sandbox.report";
    report.event.fields = std::move(event["fields"]);
    report.document = std::move(document);
    return report;
}

} // namespace

Json jobMessage(const JobRequest& job) {
    const AnalysisOptions& o = job.options;
    return {{"type", "job"},
            {"id", job.id},
            {"path", job.path},
            {"sha256", job.sha256},
            {"filename", o.filename},
            {"argv0", o.argv0},
            {"args", o.args},
            {"workdir", o.workdir},
            {"env", o.env},
            {"arch", o.arch},
            {"timeout_ms", static_cast<uint64_t>(std::max<int64_t>(0, o.timeout.count()))},
            {"outside_uid", o.outside_uid},
            {"outside_gid", o.outside_gid},
            {"work_parent", o.work_parent},
            {"dropped_dir", o.dropped_dir},
            {"max_result_bytes", job.max_result_bytes}};
}

Result<JobRequest> parseJob(const Json& message) {
    constexpr std::string_view what = "job";
    auto type = text(message, "type", kMaxShortText, what);
    KANSOKU_TRY(type);
    if (*type != "job") {
        return fail("job: type is \"{}\"", type->substr(0, 32));
    }
    JobRequest job;
    AnalysisOptions& o = job.options;
    // Strings that are empty keep the worker's default.
    const auto set = [&](const char* key, size_t max, std::string& out) -> Result<void> {
        auto value = text(message, key, max, what);
        KANSOKU_TRY(value);
        if (!value->empty()) {
            out = std::move(*value);
        }
        return {};
    };
    KANSOKU_TRY(set("path", kMaxPathBytes, job.path));
    KANSOKU_TRY(set("sha256", 64, job.sha256));
    KANSOKU_TRY(set("filename", kMaxPathBytes, o.filename));
    KANSOKU_TRY(set("argv0", kMaxPathBytes, o.argv0));
    KANSOKU_TRY(set("workdir", kMaxPathBytes, o.workdir));
    KANSOKU_TRY(set("arch", kMaxShortText, o.arch));
    KANSOKU_TRY(set("work_parent", kMaxPathBytes, o.work_parent));
    KANSOKU_TRY(set("dropped_dir", kMaxPathBytes, o.dropped_dir));
    auto args = textList(message, "args", what);
    KANSOKU_TRY(args);
    o.args = std::move(*args);
    auto env = textList(message, "env", what);
    KANSOKU_TRY(env);
    o.env = std::move(*env);
    auto id = number(message, "id", UINT64_MAX, what);
    KANSOKU_TRY(id);
    job.id = *id;
    auto timeout = number(message, "timeout_ms", uint64_t{24} * 3600 * 1000, what);
    KANSOKU_TRY(timeout);
    o.timeout = std::chrono::milliseconds(static_cast<int64_t>(*timeout));
    auto uid = number(message, "outside_uid", UINT32_MAX, what);
    KANSOKU_TRY(uid);
    o.outside_uid = static_cast<uint32_t>(*uid);
    auto gid = number(message, "outside_gid", UINT32_MAX, what);
    KANSOKU_TRY(gid);
    o.outside_gid = static_cast<uint32_t>(*gid);
    auto max_bytes = number(message, "max_result_bytes", UINT32_MAX, what);
    KANSOKU_TRY(max_bytes);
    job.max_result_bytes = static_cast<size_t>(*max_bytes);
    if (job.path.empty()) {
        return fail("job: empty path");
    }
    return job;
}

Json readyMessage(int64_t pid) {
    return {{"type", "ready"}, {"pid", pid}};
}

Json errorMessage(uint64_t id, const std::string& error, std::chrono::milliseconds elapsed) {
    return {{"type", "result"},
            {"id", id},
            {"elapsed_ms", static_cast<uint64_t>(std::max<int64_t>(0, elapsed.count()))},
            {"error", error.substr(0, kMaxErrorBytes)}};
}

Json resultMessage(uint64_t id, const Result<BehaviourReport>& report, std::chrono::milliseconds elapsed) {
    if (!report) {
        return errorMessage(id, report.error().message.empty() ? "unknown error" : report.error().message, elapsed);
    }
    SandboxReport out = sandboxReportOf(*report);
    return {{"type", "result"},
            {"id", id},
            {"elapsed_ms", static_cast<uint64_t>(std::max<int64_t>(0, elapsed.count()))},
            {"report", std::move(out.document)},
            {"event", {{"type", out.event.type}, {"fields", std::move(out.event.fields)}}}};
}

Result<WorkerMessage> parseWorkerMessage(Json&& message, const Expectation& expected) {
    auto type = text(message, "type", kMaxShortText, "message");
    KANSOKU_TRY(type);
    if (expected.ready) {
        if (*type != "ready") {
            return fail("expected a ready message, got \"{}\"", type->substr(0, 32));
        }
        KANSOKU_TRY(onlyKeys(message, {"type", "pid"}, "ready"));
        auto pid = number(message, "pid", INT32_MAX, "ready");
        KANSOKU_TRY(pid);
        if (expected.worker_pid != 0 && static_cast<int64_t>(*pid) != expected.worker_pid) {
            return fail("ready: pid {} is not the worker's {}", *pid, expected.worker_pid);
        }
        return WorkerMessage(ReadyMessage{});
    }
    if (*type != "result") {
        return fail("expected a result, got \"{}\"", type->substr(0, 32));
    }
    auto id = number(message, "id", UINT64_MAX, "result");
    KANSOKU_TRY(id);
    if (*id != expected.job_id) {
        return fail("result for job {}, not the job in flight ({})", *id, expected.job_id);
    }
    auto elapsed = number(message, "elapsed_ms", uint64_t{24} * 3600 * 1000, "result");
    KANSOKU_TRY(elapsed);
    ResultMessage result;
    result.elapsed = std::chrono::milliseconds(static_cast<int64_t>(*elapsed));
    if (message.contains("error")) {
        KANSOKU_TRY(onlyKeys(message, {"type", "id", "elapsed_ms", "error"}, "result"));
        auto error = text(message, "error", kMaxErrorBytes, "result");
        KANSOKU_TRY(error);
        if (error->empty()) {
            return fail("result: empty error");
        }
        result.sha256 = expected.sha256;
        result.error = std::move(*error);
        return WorkerMessage(std::move(result));
    }
    KANSOKU_TRY(onlyKeys(message, {"type", "id", "elapsed_ms", "report", "event"}, "result"));
    KANSOKU_TRY(field(message, "report", "result"));
    KANSOKU_TRY(field(message, "event", "result"));
    auto report = parseReport(std::move(message["report"]), std::move(message["event"]), expected);
    KANSOKU_TRY(report);
    result.sha256 = report->sha256;
    result.report = std::move(*report);
    return WorkerMessage(std::move(result));
}

} // namespace kansoku::sandbox::worker
