// WorkerSupervisor with a fake worker (fake_sandbox_worker: crashes, hangs, garbage on demand) and with the real
// worker analysing a test program. The fake tests run anywhere (no namespaces: the fake never enters one). The
// "WorkerSupervisorSandbox" test runs the real worker (root, user namespaces, tests/samples built; skipped with the
// reason otherwise) after moving this test process into a private network namespace (support/sandbox_support.h).

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "sandbox/worker/worker_supervisor.h"
#include "support/sandbox_support.h"
#include "support/temp_dir.h"

namespace kansoku::sandbox::worker {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using kansoku::testing::TempDir;

const std::string kSha = std::string(64, 'c');

class Results {
public:
    SandboxResultSink sink() {
        return [this](SandboxResult&& result) {
            std::lock_guard lock(mutex_);
            results_.push_back(std::move(result));
        };
    }
    std::vector<SandboxResult> all() {
        std::lock_guard lock(mutex_);
        return results_;
    }
    bool waitFor(size_t n, std::chrono::milliseconds timeout) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (all().size() < n) {
            if (std::chrono::steady_clock::now() >= deadline) {
                return false;
            }
            std::this_thread::sleep_for(10ms);
        }
        return true;
    }

private:
    std::mutex mutex_;
    std::vector<SandboxResult> results_;
};

WorkerSupervisorOptions fakeOptions(TempDir& dir, std::vector<std::string> mode) {
    WorkerSupervisorOptions options;
    options.workers = 1;
    options.capacity = 8;
    options.command = {KANSOKU_FAKE_WORKER};
    options.command.insert(options.command.end(), mode.begin(), mode.end());
    options.analysis.timeout = 200ms;
    options.analysis.work_parent = dir.path().string();
    options.deadline_margin = 300ms;
    options.start_timeout = 2s;
    options.restart_backoff = 20ms;
    options.max_restart_backoff = 200ms;
    options.dropped_dir = (dir.path() / "drops").string();
    return options;
}

AnalysisJob job(const std::string& sha256, const std::string& path = "/nonexistent/sample") {
    AnalysisJob j;
    j.path = path;
    j.sha256 = sha256;
    return j;
}

std::unique_ptr<WorkerSupervisor> start(WorkerSupervisorOptions options, Results& results) {
    auto supervisor = WorkerSupervisor::start(std::move(options), results.sink());
    EXPECT_TRUE(supervisor) << (supervisor ? "" : supervisor.error().message);
    return supervisor ? std::move(*supervisor) : nullptr;
}

TEST(WorkerSupervisor, HealthyWorkerAnswersAndDuplicatesAreRefused) {
    TempDir dir;
    Results results;
    auto supervisor = start(fakeOptions(dir, {"ok"}), results);
    ASSERT_NE(supervisor, nullptr);
    EXPECT_EQ(supervisor->submit(job(kSha)), SubmitStatus::Queued);
    EXPECT_EQ(supervisor->submit(job(kSha)), SubmitStatus::Duplicate);
    ASSERT_TRUE(results.waitFor(1, 10s));
    const auto all = results.all();
    ASSERT_TRUE(all[0].ok()) << all[0].error;
    EXPECT_EQ(all[0].sha256, kSha);
    EXPECT_EQ(all[0].attempts, 1u);
    EXPECT_EQ(all[0].report->document["verdict"], "suspicious");
    EXPECT_EQ(all[0].report->event.type, "sandbox.report");
    EXPECT_EQ(all[0].report->event.fields["sha256"], kSha);
    ASSERT_EQ(supervisor->workerPids().size(), 1u);
    supervisor->stop();
    const auto c = supervisor->counters();
    EXPECT_EQ(c.submitted, 1u);
    EXPECT_EQ(c.done, 1u);
    EXPECT_EQ(c.duplicates, 1u);
    EXPECT_EQ(c.workers_started, 1u);
    EXPECT_EQ(c.restarts + c.worker_crashes + c.worker_hangs + c.worker_garbage + c.retries, 0u);
    EXPECT_TRUE(supervisor->workerPids().empty()); // stop() reaps every worker
}

TEST(WorkerSupervisor, CrashIsRetriedOnceThenTheJobSucceeds) {
    TempDir dir;
    Results results;
    auto supervisor = start(fakeOptions(dir, {"crash-once", (dir.path() / "crashed").string()}), results);
    ASSERT_NE(supervisor, nullptr);
    supervisor->submit(job(kSha));
    ASSERT_TRUE(results.waitFor(1, 10s));
    const auto all = results.all();
    ASSERT_TRUE(all[0].ok()) << all[0].error;
    EXPECT_EQ(all[0].attempts, 2u);
    const auto c = supervisor->counters();
    EXPECT_EQ(c.worker_crashes, 1u);
    EXPECT_EQ(c.retries, 1u);
    EXPECT_EQ(c.restarts, 1u);
    EXPECT_EQ(c.done, 1u);
}

TEST(WorkerSupervisor, JobThatCrashesEveryWorkerFailsWithTheReasonAfterTwoAttempts) {
    TempDir dir;
    Results results;
    auto supervisor = start(fakeOptions(dir, {"crash"}), results);
    ASSERT_NE(supervisor, nullptr);
    supervisor->submit(job(kSha));
    ASSERT_TRUE(results.waitFor(1, 10s));
    const auto all = results.all();
    ASSERT_FALSE(all[0].ok());
    EXPECT_NE(all[0].error.find("crashed"), std::string::npos) << all[0].error;
    EXPECT_NE(all[0].error.find("signal 6"), std::string::npos) << all[0].error;
    EXPECT_EQ(all[0].attempts, 2u);
    const auto c = supervisor->counters();
    EXPECT_EQ(c.worker_crashes, 2u);
    EXPECT_EQ(c.retries, 1u);
    EXPECT_EQ(c.failed, 1u);
    // A failed sample may be submitted again.
    EXPECT_EQ(supervisor->submit(job(kSha)), SubmitStatus::Queued);
}

TEST(WorkerSupervisor, HungWorkerIsKilledAtItsDeadline) {
    TempDir dir;
    Results results;
    auto supervisor = start(fakeOptions(dir, {"hang"}), results);
    ASSERT_NE(supervisor, nullptr);
    const auto started = std::chrono::steady_clock::now();
    supervisor->submit(job(kSha));
    ASSERT_TRUE(results.waitFor(1, 10s));
    const auto all = results.all();
    ASSERT_FALSE(all[0].ok());
    EXPECT_NE(all[0].error.find("missed its deadline of 500 ms"), std::string::npos) << all[0].error;
    EXPECT_GE(std::chrono::steady_clock::now() - started, 1s); // two attempts of 500 ms each
    const auto c = supervisor->counters();
    EXPECT_EQ(c.worker_hangs, 2u);
    EXPECT_EQ(c.retries, 1u);
    EXPECT_EQ(c.in_flight, 0u);
}

TEST(WorkerSupervisor, WorkerThatNeverSaysReadyIsAHang) {
    TempDir dir;
    Results results;
    WorkerSupervisorOptions options = fakeOptions(dir, {"silent"});
    options.start_timeout = 100ms;
    auto supervisor = start(options, results);
    ASSERT_NE(supervisor, nullptr);
    std::this_thread::sleep_for(500ms);
    EXPECT_GE(supervisor->counters().worker_hangs, 1u);
}

TEST(WorkerSupervisor, GarbageOfEveryKindKillsTheWorkerAndIsCounted) {
    for (const char* kind : {"oversize", "zero", "json", "field", "id", "kept", "idle"}) {
        SCOPED_TRACE(kind);
        TempDir dir;
        Results results;
        WorkerSupervisorOptions options = fakeOptions(dir, {"garbage", kind});
        options.max_message_bytes = 1 << 20;
        auto supervisor = start(options, results);
        ASSERT_NE(supervisor, nullptr);
        supervisor->submit(job(kSha));
        if (std::string(kind) == "idle") {
            // The unasked message comes before any job: the job then goes to the restarted worker, which does the
            // same; what matters is that each is killed and counted.
            const auto deadline = std::chrono::steady_clock::now() + 10s;
            while (supervisor->counters().worker_garbage < 2 && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(10ms);
            }
            EXPECT_GE(supervisor->counters().worker_garbage, 2u);
            continue;
        }
        ASSERT_TRUE(results.waitFor(1, 10s));
        const auto all = results.all();
        ASSERT_FALSE(all[0].ok());
        EXPECT_NE(all[0].error.find("sent garbage"), std::string::npos) << all[0].error;
        const auto c = supervisor->counters();
        EXPECT_EQ(c.worker_garbage, 2u);
        EXPECT_EQ(c.worker_crashes + c.worker_hangs, 0u);
        EXPECT_EQ(c.retries, 1u);
    }
}

TEST(WorkerSupervisor, WorkerDyingAtStartBacksOffInsteadOfSpinning) {
    TempDir dir;
    Results results;
    WorkerSupervisorOptions options = fakeOptions(dir, {"die-at-start"});
    options.restart_backoff = 50ms;
    options.max_restart_backoff = 400ms;
    auto supervisor = start(options, results);
    ASSERT_NE(supervisor, nullptr);
    std::this_thread::sleep_for(1500ms);
    supervisor->stop();
    const auto c = supervisor->counters();
    // Back-off 50, 100, 200, 400, 400 ... ms: about 7 starts in 1.5 s; a spinning restart would make thousands.
    EXPECT_GE(c.workers_started, 3u);
    EXPECT_LE(c.workers_started, 10u);
    // Every start died, except perhaps the last, which stop() may have found still starting.
    EXPECT_GE(c.worker_crashes + 1, c.workers_started);
    EXPECT_LE(c.worker_crashes, c.workers_started);
}

TEST(WorkerSupervisor, FullQueueAndStopDropWaitingJobs) {
    TempDir dir;
    Results results;
    WorkerSupervisorOptions options = fakeOptions(dir, {"hang"});
    options.capacity = 1;
    options.analysis.timeout = 5s;
    auto supervisor = start(options, results);
    ASSERT_NE(supervisor, nullptr);
    EXPECT_EQ(supervisor->submit(job(std::string(64, '1'))), SubmitStatus::Queued);
    ASSERT_TRUE([&] {
        for (int i = 0; i < 500 && supervisor->counters().in_flight == 0; ++i) {
            std::this_thread::sleep_for(10ms);
        }
        return supervisor->counters().in_flight == 1;
    }());
    EXPECT_EQ(supervisor->submit(job(std::string(64, '2'))), SubmitStatus::Queued);
    EXPECT_EQ(supervisor->submit(job(std::string(64, '3'))), SubmitStatus::Full);
    // stop() waits for the running job (here: until its deadline kills the hung worker; no retry when stopping).
    supervisor->stop();
    EXPECT_EQ(supervisor->submit(job(std::string(64, '4'))), SubmitStatus::Stopped);
    const auto c = supervisor->counters();
    EXPECT_EQ(c.dropped, 3u); // full, waiting at stop, after stop
    EXPECT_EQ(c.failed, 1u);
    EXPECT_EQ(c.retries, 0u);
    EXPECT_TRUE(supervisor->workerPids().empty());
}

TEST(WorkerSupervisorSandbox, RealWorkerAnalysesATestProgramInItsOwnNetworkNamespace) {
    if (const std::string why = kansoku::testing::sandboxSkipReason(); !why.empty()) {
        GTEST_SKIP() << why;
    }
    const fs::path sample = fs::path(KANSOKU_TEST_SAMPLES_DIR) / "x86_64" / "c2_beacon";
    if (!fs::exists(sample)) {
        GTEST_SKIP() << sample << " not built (target kansoku_test_samples)";
    }
    TempDir dir;
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    fs::create_directory(dir.path() / "drops");
    Results results;
    WorkerSupervisorOptions options = fakeOptions(dir, {"real"});
    options.analysis.timeout = 4s;
    options.deadline_margin = 20s;
    options.outside_id_base = 410000 + static_cast<uint32_t>(getpid() % 10000) * 8;
    auto supervisor = start(options, results);
    ASSERT_NE(supervisor, nullptr);
    AnalysisJob j = job("", sample.string());
    j.filename = ".c";
    j.args = {"2"};
    ASSERT_EQ(supervisor->submit(j), SubmitStatus::Queued);
    const std::string mine = fs::read_symlink("/proc/self/ns/net").string();
    std::string theirs;
    for (int i = 0; i < 200 && (theirs.empty() || theirs == mine); ++i) {
        std::this_thread::sleep_for(10ms);
        for (pid_t pid : supervisor->workerPids()) {
            std::error_code ec;
            theirs = fs::read_symlink("/proc/" + std::to_string(pid) + "/ns/net", ec).string();
        }
    }
    EXPECT_FALSE(theirs.empty());
    EXPECT_NE(theirs, mine);
    ASSERT_TRUE(results.waitFor(1, 60s));
    const auto all = results.all();
    ASSERT_TRUE(all[0].ok()) << all[0].error;
    const SandboxReport& report = *all[0].report;
    EXPECT_EQ(report.sha256.size(), 64u);
    EXPECT_EQ(all[0].sha256, report.sha256);
    EXPECT_EQ(report.document["arch"], "x86-64");
    bool dns = false;
    for (const auto& query : report.event.fields["network"]["dns"]) {
        dns = dns || query.value("resolver", "") == "192.0.2.53";
    }
    EXPECT_TRUE(dns) << report.event.fields.dump().substr(0, 1500);
    EXPECT_EQ(supervisor->counters().worker_crashes + supervisor->counters().worker_garbage, 0u);
}

} // namespace
} // namespace kansoku::sandbox::worker
