#pragma once

/// What a jail runs and under which limits (JailOptions), and what came out of the run (JailResult).
/// See src/sandbox/jail/README.md for the design.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace kansoku::sandbox {

/// The sample's network namespace.
enum class NetworkMode {
    None,    ///< only `lo` (up); every other destination is unreachable
    FakeTun, ///< `lo` plus a TUN device "fake0" with an address and the default route; the parent gets its fd
};

/// Resource limits applied to the sample (setrlimit before execve; cgroup v2 when available).
struct JailLimits {
    uint64_t cpu_seconds = 30;                               ///< RLIMIT_CPU soft (SIGXCPU); hard = soft + 1 (SIGKILL)
    uint64_t address_space_bytes = uint64_t{1} << 30;        ///< RLIMIT_AS (and cgroup memory.max)
    uint64_t processes = 64;                                 ///< RLIMIT_NPROC for the jail's outside uid (and pids.max)
    uint64_t file_size_bytes = uint64_t{16} << 20;           ///< RLIMIT_FSIZE (SIGXFSZ)
    uint64_t open_files = 256;                               ///< RLIMIT_NOFILE
    uint64_t writable_bytes = uint64_t{64} << 20;            ///< size of the tmpfs behind the writable directories
    uint64_t qemu_guest_reserve_bytes = uint64_t{256} << 20; ///< qemu -R: guest address space for emulated samples
    uint64_t cpu_percent = 100; ///< cgroup cpu.max: share of one CPU the whole jail may use (cgroup mode only)
};

struct JailOptions {
    std::string sample_path;         ///< host path of the sample (copied into the jail, never executed in place)
    std::string filename = "sample"; ///< file name inside the jail's working directory (honeypot context)
    std::string argv0;               ///< argv[0]; empty = `filename`
    std::vector<std::string> args;   ///< argv[1..]
    std::vector<std::string> env = {"PATH=/bin:/sbin:/usr/bin:/usr/sbin", "HOME=/root", "TERM=vt100", "SHELL=/bin/sh"};
    /// Directories inside the jail that are writable (each backed by a host directory under the jail's work
    /// directory, so their contents can be listed after the run). `workdir` must be one of them.
    std::vector<std::string> writable_dirs = {"/tmp", "/var/run"};
    std::string workdir = "/tmp";      ///< the sample's working directory; the sample is copied here
    std::string hostname = "DVR-7716"; ///< UTS hostname inside the jail (a persona-like device name)
    /// Inside root (uid/gid 0) maps to this unprivileged uid/gid outside. Give parallel workers distinct ids:
    /// RLIMIT_NPROC counts processes per outside uid.
    uint32_t outside_uid = 65534;
    uint32_t outside_gid = 65534;

    NetworkMode network = NetworkMode::None;
    std::string tun_name = "fake0";
    std::string tun_address = "198.51.100.77"; ///< address of fake0 inside the jail (looks public)
    int tun_prefix_length = 24;
    std::string tun_gateway = "198.51.100.1"; ///< default route via fake0

    /// Stop the sample (raise(SIGSTOP)) right before execve so a tracer can PTRACE_SEIZE it (README "tracing").
    bool trace = false;
    /// Hard wall-clock limit from start(); a watchdog thread SIGKILLs the namespace's init at the deadline.
    std::chrono::milliseconds timeout{30000};

    /// CPU of the sample ("x86-64", "ARM", "MIPS", ...) as malware::FileType::arch; empty = sniff the file.
    std::string arch;
    /// For emulated samples: when set, qemu writes its syscall log (-strace -D) to this path inside the jail
    /// (put it in a writable directory, e.g. "/tmp/.qemu.strace"; it then shows up in writableFiles()).
    std::string qemu_strace_path;

    std::string stdout_path; ///< host file for the sample's stdout; empty = /dev/null
    std::string stderr_path; ///< host file for the sample's stderr; empty = /dev/null

    std::string busybox_path = "/bin/busybox"; ///< Debian busybox-static
    std::string qemu_dir = "/usr/bin";         ///< where qemu-<arch>-static live (Debian qemu-user-static)
    std::string work_parent;                   ///< where the per-run work directory goes; empty = $TMPDIR or /tmp
    bool use_cgroup = true; ///< use cgroup v2 memory/pids/cpu where delegated (falls back to rlimits alone)
    /// The cgroup v2 directory the jail's cgroup is created in; empty = the cgroup2 mount (jail_cgroup.h).
    std::string cgroup_parent;
    bool writable_tmpfs = true; ///< back the writable directories with a size-limited tmpfs (else a plain directory)

    JailLimits limits;
};

/// What the jail saw of one run.
struct JailResult {
    bool timed_out = false;           ///< the wall-clock deadline fired and the tree was killed
    bool sample_status_known = false; ///< init reaped the sample and reported its status
    bool sample_exited = false;       ///< the sample exited normally (exit_code valid)
    int exit_code = -1;
    int term_signal = 0;              ///< signal that ended the sample (0 = none; SIGKILL when the timeout took it)
    bool cpu_limit_hit = false;       ///< some jailed process died of SIGXCPU (or SIGKILL past the CPU limit)
    bool file_size_limit_hit = false; ///< some jailed process died of SIGXFSZ
    bool memory_limit_hit = false;    ///< cgroup memory.events reported an OOM kill (cgroup mode only)
    int processes_reaped = 0;         ///< jailed processes init reaped (sample included)
    double user_seconds = 0;          ///< rusage of init and everything it reaped
    double system_seconds = 0;
    long max_rss_kb = 0;
    std::chrono::milliseconds wall{0};
    bool cgroup_used = false;
    std::string cgroup_path;     ///< the jail's cgroup (removed after the run) when cgroup_used
    bool cgroup_cpu = false;     ///< cpu.max was set too
    std::string cgroup_fallback; ///< why no cgroup was used ("rlimits only: ..."), when use_cgroup asked for one
};

} // namespace kansoku::sandbox
