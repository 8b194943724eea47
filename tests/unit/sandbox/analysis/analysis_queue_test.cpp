// AnalysisQueue: bounded FIFO, N workers, de-duplication by sha256, stop/drain, counters.
//
// The tests without "Sandbox" in their name never start a jail (missing files fail before any namespace is made,
// and a blocking sink holds workers busy), so they run anywhere. The others run the team's test programs
// (tests/samples, KANSOKU_TEST_SAMPLES_DIR) through the real sandbox: they need root and user namespaces and skip
// with the reason otherwise. Safety net as in sandbox_analyzer_test: the test process first moves itself into a
// private network namespace (unshare(CLONE_NEWNET) before any of its threads exists, only `lo` up, no route), so
// even a broken jail could not send a packet anywhere.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "malware/hashes.h"
#include "sandbox/analysis/analysis_queue.h"
#include "support/sandbox_support.h"
#include "support/temp_dir.h"

namespace kansoku::sandbox {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using kansoku::testing::TempDir;

std::string unsupportedReason() {
    return kansoku::testing::sandboxSkipReason();
}

fs::path samplePath(const std::string& name) {
    return fs::path(KANSOKU_TEST_SAMPLES_DIR) / "x86_64" / name;
}

#define SKIP_UNLESS_SANDBOX(...)                                                                                       \
    do {                                                                                                               \
        if (const std::string why = unsupportedReason(); !why.empty()) {                                               \
            GTEST_SKIP() << why;                                                                                       \
        }                                                                                                              \
        for (const char* name : {__VA_ARGS__}) {                                                                       \
            if (!fs::exists(samplePath(name))) {                                                                       \
                GTEST_SKIP() << samplePath(name) << " not built (target kansoku_test_samples)";                        \
            }                                                                                                          \
        }                                                                                                              \
    } while (false)

/// Outside ids unlikely to collide with another test process running at the same time.
uint32_t uniqueIdBase() {
    return 400000 + static_cast<uint32_t>(getpid() % 10000) * 8;
}

AnalysisQueueOptions sandboxOptions(TempDir& dir, size_t workers, size_t capacity) {
    // The jail's root is an unprivileged uid outside: it must be able to traverse the work directory.
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    AnalysisQueueOptions options;
    options.workers = workers;
    options.capacity = capacity;
    options.outside_id_base = uniqueIdBase();
    options.analysis.timeout = 10s;
    options.analysis.work_parent = dir.path().string();
    options.analysis.env = {"KANSOKU_SAMPLE_SEED=7"};
    fs::create_directory(dir.path() / "out");
    options.output_dir = (dir.path() / "out").string();
    return options;
}

/// Collects outcomes from the worker threads.
class Collected {
public:
    ReportSink sink() {
        return [this](const AnalysisOutcome& outcome) {
            std::lock_guard lock(mutex_);
            outcomes_.push_back(outcome);
        };
    }
    std::vector<AnalysisOutcome> outcomes() {
        std::lock_guard lock(mutex_);
        return outcomes_;
    }

private:
    std::mutex mutex_;
    std::vector<AnalysisOutcome> outcomes_;
};

/// A sink that holds the worker calling it until release(): keeps workers busy without a sandbox.
class Gate {
public:
    ReportSink sink() {
        return [this](const AnalysisOutcome& outcome) {
            std::unique_lock lock(mutex_);
            ++entered_;
            seen_.push_back(outcome.job.path);
            changed_.notify_all();
            changed_.wait(lock, [this] { return open_; });
        };
    }
    bool waitEntered(int count) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, 10s, [&] { return entered_ >= count; });
    }
    void release() {
        std::lock_guard lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }
    std::vector<std::string> seen() {
        std::lock_guard lock(mutex_);
        return seen_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int entered_ = 0;
    bool open_ = false;
    std::vector<std::string> seen_;
};

TEST(AnalysisQueue, MissingFileFailsWithAnError) {
    TempDir dir;
    Collected collected;
    AnalysisQueueOptions options;
    options.workers = 2;
    AnalysisQueue queue(options, collected.sink());
    EXPECT_EQ(queue.workerCount(), 2u);
    EXPECT_EQ(queue.submit({.path = dir.file("missing-1"), .source = "test"}), SubmitStatus::Queued);
    EXPECT_EQ(queue.submit({.path = dir.file("missing-2")}), SubmitStatus::Queued);
    queue.drain();
    const AnalysisQueueCounters counters = queue.counters();
    EXPECT_EQ(counters.submitted, 2u);
    EXPECT_EQ(counters.failed, 2u);
    EXPECT_EQ(counters.done, 0u);
    EXPECT_EQ(counters.in_flight, 0u);
    const auto outcomes = collected.outcomes();
    ASSERT_EQ(outcomes.size(), 2u);
    for (const AnalysisOutcome& outcome : outcomes) {
        EXPECT_FALSE(outcome.ok());
        EXPECT_NE(outcome.error.find("missing-"), std::string::npos) << outcome.error;
        EXPECT_LT(outcome.worker, 2u);
    }
    EXPECT_EQ(queue.submit({.path = dir.file("late")}), SubmitStatus::Stopped);
    EXPECT_EQ(queue.counters().dropped, 1u);
}

TEST(AnalysisQueue, FullQueueDropsAndStopDropsTheWaiting) {
    TempDir dir;
    Gate gate;
    AnalysisQueueOptions options;
    options.workers = 1;
    options.capacity = 2;
    AnalysisQueue queue(options, gate.sink());
    ASSERT_EQ(queue.submit({.path = dir.file("a")}), SubmitStatus::Queued);
    ASSERT_TRUE(gate.waitEntered(1)); // the only worker is now held in the sink
    EXPECT_EQ(queue.counters().in_flight, 1u);
    EXPECT_EQ(queue.submit({.path = dir.file("b")}), SubmitStatus::Queued);
    EXPECT_EQ(queue.submit({.path = dir.file("c")}), SubmitStatus::Queued);
    EXPECT_EQ(queue.submit({.path = dir.file("d")}), SubmitStatus::Full);
    EXPECT_EQ(queue.submit({.path = dir.file("e")}), SubmitStatus::Full);
    AnalysisQueueCounters counters = queue.counters();
    EXPECT_EQ(counters.queued, 2u);
    EXPECT_EQ(counters.dropped, 2u);
    std::thread releaser([&] {
        std::this_thread::sleep_for(100ms);
        gate.release();
    });
    queue.stop(); // b and c were waiting: dropped
    releaser.join();
    counters = queue.counters();
    EXPECT_EQ(counters.submitted, 3u);
    EXPECT_EQ(counters.dropped, 4u);
    EXPECT_EQ(counters.failed, 1u);
    EXPECT_EQ(counters.queued, 0u);
    EXPECT_EQ(gate.seen(), std::vector<std::string>{dir.file("a")});
}

TEST(AnalysisQueue, DuplicateSha256IsRefusedAtSubmit) {
    TempDir dir;
    Gate gate;
    AnalysisQueueOptions options;
    options.workers = 1;
    AnalysisQueue queue(options, gate.sink());
    const std::string sha(64, 'a');
    EXPECT_EQ(queue.submit({.path = dir.file("x"), .sha256 = sha}), SubmitStatus::Queued);
    EXPECT_EQ(queue.submit({.path = dir.file("y"), .sha256 = sha}), SubmitStatus::Duplicate);
    EXPECT_EQ(queue.submit({.path = dir.file("z"), .sha256 = std::string(64, 'b')}), SubmitStatus::Queued);
    gate.release();
    queue.drain();
    const AnalysisQueueCounters counters = queue.counters();
    EXPECT_EQ(counters.duplicates, 1u);
    EXPECT_EQ(counters.submitted, 2u);
    EXPECT_EQ(counters.failed, 2u);
    EXPECT_EQ(gate.seen().size(), 2u);
}

TEST(AnalysisQueue, ThrowingSinkIsCountedNotPropagated) {
    TempDir dir;
    AnalysisQueueOptions options;
    options.workers = 2;
    AnalysisQueue queue(options, [](const AnalysisOutcome&) { throw std::runtime_error("sink broke"); });
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(queue.submit({.path = dir.file("m" + std::to_string(i))}), SubmitStatus::Queued);
    }
    EXPECT_TRUE(queue.waitIdle(10s));
    const AnalysisQueueCounters counters = queue.counters();
    EXPECT_EQ(counters.sink_errors, 5u);
    EXPECT_EQ(counters.failed, 5u);
    // Still usable after the sink threw.
    EXPECT_EQ(queue.submit({.path = dir.file("after")}), SubmitStatus::Queued);
    queue.drain();
    EXPECT_EQ(queue.counters().failed, 6u);
}

TEST(AnalysisQueueSandbox, ThreeWorkersContextDuplicatesAndFailures) {
    SKIP_UNLESS_SANDBOX("idle", "crasher", "c2_beacon");
    TempDir dir;
    Collected collected;
    AnalysisQueueOptions options = sandboxOptions(dir, 3, 16);
    AnalysisQueue queue(options, collected.sink());

    auto idle_digests = malware::hashFile(samplePath("idle"));
    ASSERT_TRUE(idle_digests.has_value());
    const std::string idle_sha = idle_digests->sha256;
    EXPECT_EQ(queue.submit({.path = samplePath("idle").string(),
                            .sha256 = idle_sha,
                            .filename = "mirai.x86",
                            .workdir = "/var/run",
                            .source = "honeypot session 1"}),
              SubmitStatus::Queued);
    EXPECT_EQ(queue.submit({.path = samplePath("idle").string(), .sha256 = idle_sha}), SubmitStatus::Duplicate);
    // Twice without a sha256: the workers hash, exactly one of the two runs.
    EXPECT_EQ(queue.submit({.path = samplePath("crasher").string(), .timeout = 5s}), SubmitStatus::Queued);
    EXPECT_EQ(queue.submit({.path = samplePath("crasher").string(), .timeout = 5s}), SubmitStatus::Queued);
    EXPECT_EQ(queue.submit({.path = samplePath("c2_beacon").string(),
                            .filename = "dvrHelper",
                            .argv0 = "/bin/busybox",
                            .args = {"2", "cnc.example.test", "queue-test"},
                            .timeout = 8s,
                            .source = "honeypot session 2"}),
              SubmitStatus::Queued);
    EXPECT_EQ(queue.submit({.path = dir.file("no-such-sample")}), SubmitStatus::Queued);
    queue.drain();

    const AnalysisQueueCounters counters = queue.counters();
    EXPECT_EQ(counters.submitted, 5u);
    EXPECT_EQ(counters.duplicates, 2u);
    EXPECT_EQ(counters.done, 3u);
    EXPECT_EQ(counters.failed, 1u);
    EXPECT_EQ(counters.dropped, 0u);
    EXPECT_EQ(counters.in_flight, 0u);

    std::map<std::string, AnalysisOutcome> by_name;
    for (const AnalysisOutcome& outcome : collected.outcomes()) {
        by_name[fs::path(outcome.job.path).filename().string()] = outcome;
        EXPECT_LT(outcome.worker, 3u);
        EXPECT_GT(outcome.seq, 0u);
    }
    ASSERT_EQ(by_name.size(), 4u);

    const AnalysisOutcome& idle = by_name.at("idle");
    ASSERT_TRUE(idle.ok()) << idle.error;
    EXPECT_EQ(idle.report->sha256, idle_sha);
    EXPECT_EQ(idle.job.source, "honeypot session 1");
    bool copy_at_context_path = false;
    for (const DroppedFile& f : idle.report->dropped) {
        copy_at_context_path = copy_at_context_path || (f.is_sample && f.path == "/var/run/mirai.x86");
    }
    EXPECT_TRUE(copy_at_context_path) << idle.report->toJson().dump().substr(0, 1500);

    const AnalysisOutcome& crasher = by_name.at("crasher");
    ASSERT_TRUE(crasher.ok()) << crasher.error;
    EXPECT_EQ(crasher.report->jail.term_signal, SIGSEGV);
    EXPECT_EQ(crasher.sha256, crasher.report->sha256);

    const AnalysisOutcome& beacon = by_name.at("c2_beacon");
    ASSERT_TRUE(beacon.ok()) << beacon.error;
    bool c2 = false;
    for (const SignatureHit& hit : beacon.report->signatures) {
        c2 = c2 || hit.id == "c2_contact";
    }
    EXPECT_TRUE(c2) << beacon.report->toJson().dump().substr(0, 1500);
    // The id argument reached the sample: it is in the hello the fake C2 recorded.
    EXPECT_NE(beacon.report->toJson().dump().find("queue-test"), std::string::npos);
    EXPECT_FALSE(beacon.report->timed_out); // ran its 2 s, well inside the 8 s timeout
    EXPECT_GE(beacon.elapsed, 1500ms);

    const AnalysisOutcome& missing = by_name.at("no-such-sample");
    EXPECT_FALSE(missing.ok());
    EXPECT_FALSE(missing.error.empty());
}

TEST(AnalysisQueueSandbox, BusyWorkerFullQueueAndPromptStop) {
    SKIP_UNLESS_SANDBOX("idle", "crasher", "c2_beacon");
    TempDir dir;
    Collected collected;
    AnalysisQueueOptions options = sandboxOptions(dir, 1, 1);
    AnalysisQueue queue(options, collected.sink());
    // c2_beacon asked to run 60 s: the 3 s timeout ends it, the worker is busy until then.
    ASSERT_EQ(queue.submit({.path = samplePath("c2_beacon").string(), .args = {"60"}, .timeout = 3s}),
              SubmitStatus::Queued);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (queue.counters().in_flight == 0 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    ASSERT_EQ(queue.counters().in_flight, 1u);
    EXPECT_EQ(queue.submit({.path = samplePath("idle").string()}), SubmitStatus::Queued);
    EXPECT_EQ(queue.submit({.path = samplePath("crasher").string()}), SubmitStatus::Full);

    const auto started = std::chrono::steady_clock::now();
    queue.stop();
    const auto stop_took = std::chrono::steady_clock::now() - started;
    EXPECT_LT(stop_took, 10s) << "stop() waits only for the running analysis (3 s timeout)";

    const AnalysisQueueCounters counters = queue.counters();
    EXPECT_EQ(counters.submitted, 2u);
    EXPECT_EQ(counters.dropped, 2u); // crasher refused, idle dropped by stop()
    EXPECT_EQ(counters.done, 1u);
    EXPECT_EQ(counters.in_flight, 0u);
    const auto outcomes = collected.outcomes();
    ASSERT_EQ(outcomes.size(), 1u);
    ASSERT_TRUE(outcomes[0].ok()) << outcomes[0].error;
    EXPECT_TRUE(outcomes[0].report->timed_out);
    EXPECT_EQ(submitStatusName(SubmitStatus::Full), "full");
}

} // namespace
} // namespace kansoku::sandbox
