#include "sandbox/tracer/denied_syscall.h"

#include <array>

#include <sys/syscall.h>

namespace kansoku::sandbox {

namespace {

struct Row {
    long nr;
    DeniedSyscallSpec spec;
};

// Argument letters follow the kernel's prototypes (man 2 <name>).
constexpr std::array kRows = {
    Row{SYS_init_module, {"init_module", "xds"}},
    Row{SYS_finit_module, {"finit_module", "fsx"}},
    Row{SYS_delete_module, {"delete_module", "sx"}},
    Row{SYS_kexec_load, {"kexec_load", "xdxx"}},
    Row{SYS_kexec_file_load, {"kexec_file_load", "ffdsx"}},
    Row{SYS_reboot, {"reboot", "xxx"}},
    Row{SYS_swapon, {"swapon", "sx"}},
    Row{SYS_swapoff, {"swapoff", "s"}},
    Row{SYS_acct, {"acct", "s"}},
    Row{SYS_settimeofday, {"settimeofday", "xx"}},
    Row{SYS_clock_settime, {"clock_settime", "dx"}},
    Row{SYS_clock_adjtime, {"clock_adjtime", "dx"}},
    Row{SYS_adjtimex, {"adjtimex", "x"}},
    Row{SYS_syslog, {"syslog", "dxd"}},
    Row{SYS_quotactl, {"quotactl", "xsdx"}},
    Row{SYS_iopl, {"iopl", "d"}},
    Row{SYS_ioperm, {"ioperm", "xxd"}},
    Row{SYS_lookup_dcookie, {"lookup_dcookie", "xxd"}},
    Row{SYS_vhangup, {"vhangup", ""}},
    Row{SYS_uselib, {"uselib", "s"}},
    Row{SYS_nfsservctl, {"nfsservctl", "dxx"}},
    Row{SYS_personality, {"personality", "x"}},
    Row{SYS_mount, {"mount", "sssx"}},
    Row{SYS_umount2, {"umount2", "sx"}},
    Row{SYS_pivot_root, {"pivot_root", "ss"}},
    Row{SYS_chroot, {"chroot", "s"}},
    Row{SYS_fsopen, {"fsopen", "sx"}},
    Row{SYS_fsconfig, {"fsconfig", "fdsxd"}},
    Row{SYS_fsmount, {"fsmount", "fxx"}},
    Row{SYS_fspick, {"fspick", "fsx"}},
    Row{SYS_move_mount, {"move_mount", "fsfsx"}},
    Row{SYS_open_tree, {"open_tree", "fsx"}},
    Row{SYS_mount_setattr, {"mount_setattr", "fsxxd"}},
    Row{SYS_unshare, {"unshare", "x"}},
    Row{SYS_setns, {"setns", "fx"}},
    Row{SYS_clone, {"clone", "x"}},
    Row{SYS_ptrace, {"ptrace", "ddxx"}},
    Row{SYS_process_vm_readv, {"process_vm_readv", "dxdxdx"}},
    Row{SYS_process_vm_writev, {"process_vm_writev", "dxdxdx"}},
    Row{SYS_kcmp, {"kcmp", "dddxx"}},
    Row{SYS_bpf, {"bpf", "dxd"}},
    Row{SYS_perf_event_open, {"perf_event_open", "xddfx"}},
    Row{SYS_keyctl, {"keyctl", "dxxxx"}},
    Row{SYS_add_key, {"add_key", "ssxdd"}},
    Row{SYS_request_key, {"request_key", "sssd"}},
    Row{SYS_open_by_handle_at, {"open_by_handle_at", "fxx"}},
    Row{SYS_name_to_handle_at, {"name_to_handle_at", "fsxxx"}},
    Row{SYS_userfaultfd, {"userfaultfd", "x"}},
    Row{SYS_io_uring_setup, {"io_uring_setup", "dx"}},
    Row{SYS_io_uring_enter, {"io_uring_enter", "fdddx"}},
    Row{SYS_io_uring_register, {"io_uring_register", "fdxd"}},
    Row{SYS_pidfd_getfd, {"pidfd_getfd", "fdx"}},
};

} // namespace

const DeniedSyscallSpec* deniedSyscallSpec(std::uint64_t nr) {
    for (const Row& row : kRows) {
        if (static_cast<std::uint64_t>(row.nr) == nr) {
            return &row.spec;
        }
    }
    return nullptr;
}

} // namespace kansoku::sandbox
