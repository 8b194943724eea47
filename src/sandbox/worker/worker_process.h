#pragma once

/// One sandbox worker child process and the parent's end of its channel. spawn() creates a socketpair and starts
/// `command` + `--channel-fd 3` with the other end as fd 3, stdin on /dev/null, every other descriptor of the
/// parent closed (honeypot sockets, the database), in a process group of its own (a terminal's Ctrl-C is for the
/// main process, which stops its workers itself) and with PR_SET_PDEATHSIG = SIGKILL (it dies with the thread
/// that spawned it).

#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "common/result.h"

namespace kansoku::sandbox::worker {

class WorkerProcess {
public:
    /// `command`: the program and its first arguments (argv[0] is the path executed, e.g. /proc/self/exe).
    static Result<WorkerProcess> spawn(const std::vector<std::string>& command);

    WorkerProcess(WorkerProcess&& other) noexcept;
    WorkerProcess& operator=(WorkerProcess&& other) noexcept;
    WorkerProcess(const WorkerProcess&) = delete;
    WorkerProcess& operator=(const WorkerProcess&) = delete;
    /// Kills and reaps the process if that was not done.
    ~WorkerProcess();

    pid_t pid() const { return pid_; }
    /// The parent's end of the channel (non-blocking, close-on-exec); -1 once closed.
    int channel() const { return fd_; }
    void closeChannel();
    /// SIGKILL (once; harmless after exit).
    void kill();
    /// Reaps without blocking: the wait status once the process has exited, else nullopt.
    std::optional<int> tryReap();
    bool reaped() const { return reaped_; }

private:
    WorkerProcess(pid_t pid, int fd) : pid_(pid), fd_(fd) {}
    void release();

    pid_t pid_ = -1;
    int fd_ = -1;
    bool killed_ = false;
    bool reaped_ = false;
    int status_ = 0;
};

/// "exit status 1", "signal 9 (Killed)".
std::string describeWaitStatus(int status);

} // namespace kansoku::sandbox::worker
