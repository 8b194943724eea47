#pragma once

/// Runs one sample in fresh user, mount, PID, network, IPC and UTS namespaces with a read-only BusyBox root,
/// writable directories the caller can inspect afterwards, no_new_privs, a seccomp policy, rlimits (and
/// cgroup v2 limits when available) and a hard wall-clock timeout. README.md explains the design.
///
/// Usage without a tracer:
///     Jail jail(options);
///     auto process = jail.start();          // the sample is running
///     auto result = jail.wait();            // returns at exit or at the deadline (tree killed)
///     for (auto& f : jail.writableFiles())  // dropped files, before the Jail is destroyed
/// With a tracer (options.trace = true) the sample stops itself with SIGSTOP before execve; the tracer
/// PTRACE_SEIZEs `process.sample_pid`, drives it with waitpid on the pids it traces, and finally calls
/// jail.wait(). The watchdog kills the tree at the deadline, which ends any waitpid loop.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

#include "common/result.h"
#include "sandbox/jail/jail_options.h"

namespace kansoku::sandbox {

namespace detail {
struct ChildPlan; // everything the cloned child needs, built before clone (jail.cpp)
} // namespace detail

/// What start() hands out. File descriptors stay owned by the Jail (closed when it is destroyed).
struct JailedProcess {
    pid_t init_pid = -1;       ///< host pid of the namespace's init (PID 1 inside); killing it kills the tree
    pid_t sample_pid = -1;     ///< host pid of the sample (PID 2 inside), stopped by SIGSTOP when trace = true
    int init_pidfd = -1;       ///< pidfd of init (poll: readable when init has exited)
    int tun_fd = -1;           ///< NetworkMode::FakeTun: the fake0 TUN fd (IFF_TUN | IFF_NO_PI), else -1
    bool emulated = false;     ///< the sample runs under qemu-user-static
    std::string emulator_path; ///< when emulated: qemu's path inside the jail (what a tracer sees exec'd)
};

/// A file in one of the writable directories after (or during) the run. Its name and content are the
/// sample's: a symlink may point anywhere on the host, so copy with O_NOFOLLOW / lstat semantics.
struct JailFile {
    std::string jail_path;           ///< path as the sample saw it ("/tmp/x")
    std::filesystem::path host_path; ///< where it is on the host (valid until the Jail is destroyed)
    uint64_t size = 0;
    bool directory = false;
    bool symlink = false;
};

class Jail {
public:
    explicit Jail(JailOptions options);
    ~Jail(); ///< kills whatever still runs, reaps it, removes the work directory and the cgroup
    Jail(const Jail&) = delete;
    Jail& operator=(const Jail&) = delete;

    /// Builds the root, clones the jail and returns once the sample is about to execve (or stopped, when
    /// tracing). The watchdog starts here.
    Result<JailedProcess> start();

    /// Waits until the jail's init exits (the sample and every process it left behind are gone) or the
    /// deadline (options.timeout from start(), or `deadline` if earlier) passes, then kills and reaps the
    /// whole tree. Call once.
    Result<JailResult> wait();
    Result<JailResult> wait(std::chrono::steady_clock::time_point deadline);

    /// SIGKILL to the namespace's init (every process in the PID namespace dies with it) and to the cgroup.
    void killAll();

    /// Files in the writable directories (the sample's copy included), sorted by jail path.
    std::vector<JailFile> writableFiles() const;

    /// The sample's path inside the jail (workdir/filename).
    std::string sampleJailPath() const;
    /// The per-run work directory on the host (root/, rw/ ...).
    const std::filesystem::path& workDir() const { return work_dir_; }

private:
    /// Builds everything the cloned child needs (work directory, root, exec plan, limits, stdio).
    Result<void> prepare(detail::ChildPlan& plan);
    /// mkdtemp'd work directory with root/ and rw/ (a tmpfs when asked); returns root/.
    Result<std::filesystem::path> makeWorkDirectory();
    /// The jail root, the writable directories (with the sample copied in) and the device binds.
    Result<void> populateRoot(const std::filesystem::path& root, const std::string& qemu_host_path,
                              detail::ChildPlan& plan);
    /// The control socket and the clone of the namespace's init; returns init's host pid.
    Result<pid_t> cloneInit(detail::ChildPlan& plan);
    /// uid/gid maps (and the cgroup) for the new init, before it is let go.
    Result<void> mapIdentity(pid_t pid);
    /// Reads init's set-up messages until the sample reports its pid (and the TUN fd comes).
    Result<void> awaitSample();
    Result<void> setUpCgroup();
    void watchdog(std::chrono::steady_clock::time_point deadline);
    void stopWatchdog();
    void drainReports(bool block_until_eof);
    void teardown();

    JailOptions options_;
    std::filesystem::path work_dir_;
    std::filesystem::path rw_dir_;
    bool rw_mounted_ = false;
    std::string cgroup_path_;
    JailedProcess process_;
    int control_fd_ = -1; // parent end of the control socket
    bool started_ = false;
    bool reaped_ = false;
    std::chrono::steady_clock::time_point start_time_;
    std::chrono::steady_clock::time_point deadline_;
    std::atomic<bool> timed_out_{false};
    std::mutex mutex_;
    std::condition_variable cv_;
    bool stop_watchdog_ = false;
    std::thread watchdog_;
    JailResult result_;
};

} // namespace kansoku::sandbox
