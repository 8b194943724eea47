#include "sandbox/jail/seccomp_policy.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include <linux/filter.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace kansoku::sandbox {
namespace {

struct ContextDeleter {
    void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};
using Context = std::unique_ptr<void, ContextDeleter>;

// Namespace-creating clone flags: a jailed process must not build nested namespaces (they would give it
// fresh capabilities and a way around the mount and network policy).
constexpr uint64_t kNamespaceCloneFlags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID |
                                          CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME;

} // namespace

const std::vector<std::string_view>& seccompDeniedSyscalls() {
    static const std::vector<std::string_view> kDenied = {
        // kernel modules, kexec, reboot, swap, accounting, clocks, kernel log
        "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff",
        "acct", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex", "syslog", "quotactl", "iopl", "ioperm",
        "lookup_dcookie", "vhangup", "uselib", "nfsservctl", "personality",
        // mounts (the jailed root could otherwise remount its read-only root)
        "mount", "umount2", "pivot_root", "chroot", "fsopen", "fsconfig", "fsmount", "fspick", "move_mount",
        "open_tree", "mount_setattr",
        // namespaces
        "unshare", "setns",
        // other processes' memory, kernel programs, keys, handles, fault handling, io_uring (a filter bypass)
        "process_vm_readv", "process_vm_writev", "kcmp", "bpf", "perf_event_open", "keyctl", "add_key", "request_key",
        "open_by_handle_at", "name_to_handle_at", "userfaultfd", "io_uring_setup", "io_uring_enter",
        "io_uring_register", "pidfd_getfd"};
    return kDenied;
}

Result<SeccompProgram> compileSeccompPolicy() {
    Context ctx(seccomp_init(SCMP_ACT_ALLOW));
    if (!ctx) {
        return fail("seccomp: seccomp_init failed");
    }
    // Syscalls through another ABI (i386 int 0x80, x32) are not covered by the rules below: kill the process.
    seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
    const uint32_t eperm = SCMP_ACT_ERRNO(EPERM);
    for (std::string_view name : seccompDeniedSyscalls()) {
        const int nr = seccomp_syscall_resolve_name(std::string(name).c_str());
        if (nr == __NR_SCMP_ERROR || nr < 0) {
            continue; // not a syscall on this architecture (e.g. uselib)
        }
        if (int rc = seccomp_rule_add(ctx.get(), eperm, nr, 0); rc != 0) {
            return fail("seccomp: rule for {}: {}", name, std::strerror(-rc));
        }
    }
    // ptrace: only PTRACE_TRACEME (0), an anti-debugging probe, is let through (it fails anyway when traced).
    if (int rc = seccomp_rule_add(ctx.get(), eperm, SCMP_SYS(ptrace), 1, SCMP_A0(SCMP_CMP_NE, 0)); rc != 0) {
        return fail("seccomp: rule for ptrace: {}", std::strerror(-rc));
    }
    // clone with namespace flags: EPERM. clone3 passes its flags in memory BPF cannot read: ENOSYS, so libc
    // falls back to clone, whose flags the rule above checks.
    for (uint64_t flag = 1; flag != 0; flag <<= 1) {
        if ((kNamespaceCloneFlags & flag) == 0) {
            continue;
        }
        // One rule per flag ((flags & flag) == flag); rules with the same action are OR-ed.
        if (int rc = seccomp_rule_add(ctx.get(), eperm, SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, flag, flag));
            rc != 0) {
            return fail("seccomp: rule for clone: {}", std::strerror(-rc));
        }
    }
    if (int rc = seccomp_rule_add(ctx.get(), SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0); rc != 0) {
        return fail("seccomp: rule for clone3: {}", std::strerror(-rc));
    }

    // Export the BPF through a memfd and read it back.
    const int fd = static_cast<int>(syscall(SYS_memfd_create, "kansoku-seccomp", MFD_CLOEXEC));
    if (fd < 0) {
        return fail("seccomp: memfd_create: {}", std::strerror(errno));
    }
    SeccompProgram program;
    if (int rc = seccomp_export_bpf(ctx.get(), fd); rc != 0) {
        close(fd);
        return fail("seccomp: export: {}", std::strerror(-rc));
    }
    const off_t size = lseek(fd, 0, SEEK_END);
    if (size <= 0 || size % sizeof(sock_filter) != 0) {
        close(fd);
        return fail("seccomp: exported program has odd size {}", static_cast<long>(size));
    }
    program.instructions.resize(static_cast<size_t>(size) / sizeof(sock_filter));
    const ssize_t got = pread(fd, program.instructions.data(), static_cast<size_t>(size), 0);
    close(fd);
    if (got != size) {
        return fail("seccomp: reading exported program failed");
    }
    return program;
}

int loadSeccompProgram(const SeccompProgram& program) {
    static_assert(sizeof(sock_filter) == sizeof(uint64_t));
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(program.instructions.size());
    prog.filter = reinterpret_cast<sock_filter*>(const_cast<uint64_t*>(program.instructions.data()));
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
        return -errno;
    }
    return 0;
}

} // namespace kansoku::sandbox
