#pragma once

/// What a sample did, as seen by the ptrace Tracer (x86-64, and every other arch through the qemu-user process that
/// runs it) or by QemuStraceParser (qemu-user's
/// `-strace` log for ARM/MIPS): its process tree, file, network and signal activity, persistence
/// attempts, renames, and counters for everything that a limit cut short. Both producers fill it through
/// ObservationRecorder (observation_recorder.h), so the same behaviour gives the same Observation.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kansoku::sandbox {

/// Bounds on what one run may record (hostile input: everything is capped, and every cap is counted).
struct ObservationLimits {
    std::size_t max_events = 10000;      ///< file + network + signal + rename + persistence records together
    std::size_t max_processes = 512;     ///< process/thread records
    std::size_t max_string_bytes = 1024; ///< per path, argv element or name
    std::size_t max_argv = 32;           ///< argv elements kept per exec
    std::size_t max_execs_per_process = 16;
    std::size_t max_destinations = 1024; ///< distinct sendto/sendmsg destinations summarised
};

/// One execve (or execveat) by a process.
struct ExecRecord {
    std::string path;
    std::vector<std::string> argv;
    long result = 0; ///< 0 on success, -errno on failure
};

/// One process or thread of the traced tree.
struct ProcessRecord {
    int pid = 0;
    int parent = 0;     ///< 0 for the root (the sample itself)
    std::string origin; ///< "root", "fork", "vfork", "clone" or "thread"
    std::vector<ExecRecord> execs;
    std::string name; ///< last PR_SET_NAME, if any
    std::optional<int> exit_code;
    std::optional<int> exit_signal;
    bool killed_at_deadline = false;
};

/// A file-system action. `op`: "open" (read only), "create", "write", "unlink", "rmdir", "rename",
/// "chmod", "mkdir", "ioctl" (on a watched device such as /dev/watchdog).
struct FileActivity {
    int pid = 0;
    std::string op;
    std::string path;                ///< absolute where the tracer could resolve it
    std::string target;              ///< rename destination
    std::uint64_t flags = 0;         ///< open flags (O_*), ioctl request
    std::uint32_t mode = 0;          ///< create/chmod/mkdir mode
    long result = 0;                 ///< syscall return (-errno on failure)
    std::uint64_t bytes_written = 0; ///< write()s through the fd this open returned (tracer only)
    bool self_delete = false;        ///< unlink of an executable this tree ran
};

/// A socket action. `op`: "socket", "connect", "bind", "listen".
struct NetworkActivity {
    int pid = 0;
    std::string op;
    int domain = -1; ///< AF_* (from socket(), or remembered for the fd)
    int type = -1;   ///< SOCK_* without SOCK_NONBLOCK/SOCK_CLOEXEC
    int protocol = -1;
    bool raw = false;    ///< SOCK_RAW or AF_PACKET
    std::string address; ///< "192.0.2.53" / "2001:db8::1" / unix path; empty if none
    int port = -1;       ///< -1 if none
    long result = 0;
};

/// Datagrams/segments sent with an explicit destination (sendto/sendmsg), summarised per destination.
struct SendDestination {
    std::string address;
    int port = -1;
    std::uint64_t calls = 0;
    std::uint64_t bytes = 0; ///< requested lengths
};

/// kill/tkill/tgkill. `target_kind`: "self", "tree" (a process of the traced tree), "other", "group"
/// (pid 0 or negative: a process group), "all" (pid -1).
struct SignalActivity {
    int pid = 0;
    std::string call;
    int target = 0;
    int signal = 0;
    std::string target_kind;
    long result = 0;
};

/// A write, create, rename-into, chmod or unlink under a path that makes a program start again.
/// `kind`: "init_script", "rc", "cron", "inittab", "systemd", "shell_profile".
struct PersistenceAttempt {
    int pid = 0;
    std::string kind;
    std::string path;
    std::string op;
    long result = 0;
};

/// A change of the name a process shows: "prctl" (PR_SET_NAME) or "argv" (/proc/PID/cmdline differs
/// at exit or deadline from what it was at exec).
struct RenameActivity {
    int pid = 0;
    std::string kind;
    std::string from;
    std::string to;
};

/// A syscall the jail's seccomp policy refused (EPERM; seccomp_policy.h lists them: mount, unshare, chroot,
/// module loading, ...), with the arguments the tracer could read: strings (paths, fs types, module names) as
/// text, flags in hex ("0x10000000" for unshare(CLONE_NEWNS)), other numbers in decimal.
struct DeniedSyscall {
    int pid = 0;
    std::string name;
    std::vector<std::string> args;
    long result = 0;
};

/// Every limit that cut something short, and every input the producers could not read.
struct ObservationCounters {
    std::uint64_t syscalls = 0;             ///< syscall stops seen (tracer) or lines parsed (parser)
    std::uint64_t events_dropped = 0;       ///< records over max_events
    std::uint64_t processes_dropped = 0;    ///< processes over max_processes
    std::uint64_t strings_truncated = 0;    ///< strings or argv cut at a bound
    std::uint64_t memory_read_failures = 0; ///< tracee memory that could not be read
    std::uint64_t destinations_dropped = 0;
    std::uint64_t lines_malformed = 0;  ///< parser: lines that are not "PID call(args) = ret"
    std::uint64_t unknown_pids = 0;     ///< tracer: stops of a pid it did not know
    std::uint64_t processes_killed = 0; ///< killed at the deadline or on stop
    std::uint64_t compat_syscalls = 0;  ///< tracer: i386 (int 0x80) syscalls, not decoded
    /// tracer under qemu-user: syscall stops of the emulator's own threads and start-up, not the guest's
    std::uint64_t emulator_syscalls = 0;
};

/// The observation of one run.
struct Observation {
    std::string source; ///< "ptrace" or "qemu-strace"
    std::vector<ProcessRecord> processes;
    std::vector<FileActivity> files;
    std::vector<NetworkActivity> network;
    std::vector<SendDestination> sends;
    std::vector<SignalActivity> signals;
    std::vector<PersistenceAttempt> persistence;
    std::vector<RenameActivity> renames;
    std::vector<DeniedSyscall> denied;
    bool self_deleted = false;
    bool watchdog_access = false;
    bool deadline_reached = false;
    ObservationCounters counters;

    /// The process record for `pid`, or nullptr.
    const ProcessRecord* process(int pid) const;

    /// The JSON document (keys as the member names above; counters under "counters").
    nlohmann::ordered_json toJson() const;
};

} // namespace kansoku::sandbox
