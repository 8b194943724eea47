// The worker protocol: the job message round trip, and the parent's validation of what a worker sends: a good
// result passes; wrong types, missing or unexpected fields, another job's id or sample, a kept copy outside the
// dropped directory, values out of range and an event that disagrees with its report are refused.

#include <string>

#include <gtest/gtest.h>

#include "sandbox/worker/worker_protocol.h"

namespace kansoku::sandbox::worker {
namespace {

using Json = nlohmann::ordered_json;

const std::string kSha = std::string(64, 'd');
const std::string kDrop = std::string(64, 'e');

Expectation expecting(uint64_t id = 7) {
    Expectation e;
    e.job_id = id;
    e.sha256 = kSha;
    e.dropped_dir = "/tmp/drops";
    e.worker_pid = 42;
    return e;
}

Json goodResult() {
    BehaviourReport report;
    report.sha256 = kSha;
    report.arch = "ARM";
    report.verdict = "malicious";
    report.score = 90;
    DroppedFile kept;
    kept.path = "/tmp/.x";
    kept.sha256 = kDrop;
    kept.kept_path = "/tmp/drops/" + kDrop;
    report.dropped.push_back(kept);
    DroppedFile listed; // too large to keep: listed only
    listed.path = "/tmp/big";
    report.dropped.push_back(listed);
    return resultMessage(7, report, std::chrono::milliseconds(1234));
}

std::string refusal(Json message, const Expectation& expected = expecting()) {
    auto parsed = parseWorkerMessage(std::move(message), expected);
    return parsed ? std::string() : parsed.error().message;
}

TEST(WorkerProtocol, JobRoundTrip) {
    JobRequest job;
    job.id = 9;
    job.path = "/var/samples/ab/ab12";
    job.sha256 = kSha;
    job.options.filename = ".c";
    job.options.argv0 = "/bin/busybox";
    job.options.args = {"2", "x\xc3\xa9"};
    job.options.workdir = "/var/run";
    job.options.env = {"A=1"};
    job.options.timeout = std::chrono::milliseconds(4500);
    job.options.outside_uid = 300001;
    job.options.outside_gid = 300002;
    job.options.work_parent = "/tmp/w/0";
    job.options.dropped_dir = "/tmp/drops";
    job.max_result_bytes = 1 << 20;
    auto parsed = parseJob(jobMessage(job));
    ASSERT_TRUE(parsed) << parsed.error().message;
    EXPECT_EQ(parsed->id, 9u);
    EXPECT_EQ(parsed->path, job.path);
    EXPECT_EQ(parsed->sha256, kSha);
    EXPECT_EQ(parsed->options.filename, ".c");
    EXPECT_EQ(parsed->options.argv0, "/bin/busybox");
    EXPECT_EQ(parsed->options.args, job.options.args);
    EXPECT_EQ(parsed->options.workdir, "/var/run");
    EXPECT_EQ(parsed->options.env, job.options.env);
    EXPECT_EQ(parsed->options.timeout.count(), 4500);
    EXPECT_EQ(parsed->options.outside_uid, 300001u);
    EXPECT_EQ(parsed->options.outside_gid, 300002u);
    EXPECT_EQ(parsed->options.work_parent, "/tmp/w/0");
    EXPECT_EQ(parsed->options.dropped_dir, "/tmp/drops");
    EXPECT_EQ(parsed->max_result_bytes, size_t{1} << 20);

    Json broken = jobMessage(job);
    broken["args"] = "not a list";
    EXPECT_FALSE(parseJob(broken));
    broken = jobMessage(job);
    broken.erase("timeout_ms");
    EXPECT_FALSE(parseJob(broken));
}

TEST(WorkerProtocol, GoodResultAndReady) {
    auto parsed = parseWorkerMessage(goodResult(), expecting());
    ASSERT_TRUE(parsed) << parsed.error().message;
    const auto& result = std::get<ResultMessage>(*parsed);
    ASSERT_TRUE(result.report);
    EXPECT_EQ(result.sha256, kSha);
    EXPECT_EQ(result.elapsed.count(), 1234);
    EXPECT_EQ(result.report->document["verdict"], "malicious");
    EXPECT_EQ(result.report->event.type, "sandbox.report");
    EXPECT_EQ(result.report->event.fields["score"], 90);
    ASSERT_EQ(result.report->dropped.size(), 1u); // only the kept copy
    EXPECT_EQ(result.report->dropped[0].kept_path, "/tmp/drops/" + kDrop);
    EXPECT_EQ(result.report->dropped[0].path, "/tmp/.x");

    Expectation ready;
    ready.ready = true;
    ready.worker_pid = 42;
    EXPECT_TRUE(parseWorkerMessage(readyMessage(42), ready));
    EXPECT_NE(refusal(readyMessage(43), ready).find("not the worker's"), std::string::npos);
    EXPECT_NE(refusal(goodResult(), ready).find("expected a ready message"), std::string::npos);
    EXPECT_NE(refusal(readyMessage(42)).find("expected a result"), std::string::npos);

    auto error = parseWorkerMessage(errorMessage(7, "sandbox: no user namespaces", {}), expecting());
    ASSERT_TRUE(error);
    EXPECT_EQ(std::get<ResultMessage>(*error).error, "sandbox: no user namespaces");
    EXPECT_FALSE(std::get<ResultMessage>(*error).report);
}

TEST(WorkerProtocol, RefusesWhatDoesNotFitTheShape) {
    EXPECT_NE(refusal(goodResult(), expecting(8)).find("not the job in flight"), std::string::npos);
    Expectation other = expecting();
    other.sha256 = kDrop;
    EXPECT_NE(refusal(goodResult(), other).find("not the job's sample"), std::string::npos);

    const auto edited = [](auto edit) {
        Json m = goodResult();
        edit(m);
        return refusal(std::move(m));
    };
    EXPECT_NE(edited([](Json& m) { m["extra"] = 1; }).find("unexpected field \"extra\""), std::string::npos);
    EXPECT_NE(edited([](Json& m) { m.erase("report"); }).find("missing \"report\""), std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["id"] = "7"; }).find("\"id\""), std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["id"] = -7; }).find("\"id\""), std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["type"] = 3; }).find("not a string"), std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["report"] = Json::array(); }).find("must be objects"), std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["report"]["score"] = 101; }).find("\"score\""), std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["report"]["verdict"] = "pwned"; }).find("verdict"), std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["report"]["sha256"] = std::string(64, 'D'); }).find("sha256"), std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["report"]["arch"] = std::string(300, 'a'); }).find("at most"), std::string::npos);
    EXPECT_NE(edited([](Json& m) {
                  m["report"]["dropped_files"][0]["kept_path"] = "/etc/shadow";
              }).find("outside <dropped_dir>"),
              std::string::npos);
    EXPECT_NE(edited([](Json& m) {
                  m["report"]["dropped_files"][0]["kept_path"] = "/tmp/drops/../../etc/shadow";
              }).find("outside <dropped_dir>"),
              std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["report"]["dropped_files"][0]["sha256"] = "../x"; }).find("outside"),
              std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["report"]["dropped_files"] = {1}; }).find("not an object"), std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["event"]["type"] = "honeypot.login"; }).find("not sandbox.report"),
              std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["event"]["fields"]["verdict"] = "clean"; }).find("differs from the report"),
              std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["event"]["fields"]["signatures"] = "x"; }).find("not an array"),
              std::string::npos);
    EXPECT_NE(edited([](Json& m) { m["event"]["ts"] = 1; }).find("unexpected field"), std::string::npos);
    EXPECT_NE(refusal(errorMessage(7, "", {})).find("empty error"), std::string::npos);
    Json long_error = errorMessage(7, "x", {});
    long_error["error"] = std::string(5000, 'x');
    EXPECT_NE(refusal(long_error).find("at most"), std::string::npos);
}

} // namespace
} // namespace kansoku::sandbox::worker
