#pragma once

/// The native (x86-64) behaviour tracer: follows a sample and every process and thread it starts with
/// ptrace, decodes the syscalls that matter (process, file, network, signal, rename; see README.md)
/// into an Observation, and stops at a deadline or on request, killing what is left.
///
/// Two ways to start (README.md "Tracer"): in attach mode (`TracerOptions::attach`, what the jail
/// uses) the sample stops itself with SIGSTOP before execve and run() takes it with PTRACE_SEIZE,
/// then waits only for the tracees it knows; otherwise the sample is a PTRACE_TRACEME child of the
/// calling thread, stopped by raise(SIGSTOP) before execve, and the loop waits with
/// waitpid(-1, __WALL), so it also reaps any other child of the calling process that exits meanwhile
/// (run it in a process or thread with no other children). Either way the tracer sets
/// PTRACE_O_TRACESYSGOOD | TRACEFORK | TRACEVFORK | TRACECLONE | TRACEEXEC | TRACEEXIT | EXITKILL and
/// resumes with PTRACE_SYSCALL.

#include <atomic>
#include <chrono>
#include <string>

#include <sys/types.h>

#include "common/result.h"
#include "sandbox/tracer/observation.h"

namespace kansoku::sandbox {

struct TracerOptions {
    ObservationLimits limits;
    /// Wall-clock budget from run(); at the deadline every remaining tracee is killed.
    std::chrono::milliseconds timeout{30000};
    /// After killing, how long to wait for the kills to be reported before returning anyway.
    std::chrono::milliseconds reap_grace{2000};
    /// Set from another thread to stop early (the tracees are killed as at the deadline).
    const std::atomic<bool>* stop = nullptr;
    /// If the caller already consumed the child's initial SIGSTOP with waitpid, set this to false.
    bool wait_for_initial_stop = true;
    /// Attach mode (the jail's protocol, src/sandbox/jail/README.md "Hooks"): `pid` is NOT a child of the
    /// caller but a process stopped by SIGSTOP. run() PTRACE_SEIZEs it with the tracer's options, waits for
    /// the seize stop, and then never calls waitpid(-1): it polls each known tracee with
    /// waitpid(pid, __WALL | WNOHANG), so other children of the process (the jail's init) are never reaped.
    bool attach = false;
    /// The qemu-user binary's path as the traced processes see it (e.g. "/usr/bin/qemu-arm-static"), or empty.
    /// A process that execs it is reported as the guest program it runs (path, argv, name: EmulatedProgram);
    /// the emulator's own threads and start-up are not reported (counted in `emulator_syscalls`). README.md
    /// "Foreign architectures" explains the filtering.
    std::string emulator_path;
};

class Tracer {
public:
    explicit Tracer(TracerOptions options = {}) : options_(options) {}

    /// Traces `pid` (a stopped PTRACE_TRACEME child of the calling thread, or with `attach` any stopped
    /// process this thread may ptrace) and all its descendants
    /// until they have all exited, or the deadline/stop flag. Fails only if the child cannot be set up.
    Result<Observation> run(pid_t pid);

private:
    TracerOptions options_;
};

} // namespace kansoku::sandbox
