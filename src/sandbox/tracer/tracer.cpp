#include "sandbox/tracer/tracer.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/tracer/denied_syscall.h"
#include "sandbox/tracer/emulated_program.h"
#include "sandbox/tracer/observation_recorder.h"

namespace kansoku::sandbox {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kPage = 4096;
constexpr std::size_t kMaxFdsPerProcess = 1024;
constexpr long kOptions = PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
                          PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;

/// What the tracer remembers about an open descriptor of a traced process.
struct FdInfo {
    bool socket = false;
    std::string path;
    std::size_t file_index = ObservationRecorder::kDropped;
    int domain = -1;
    int type = -1;
    int protocol = -1;
};
using FdTable = std::map<int, FdInfo>;

/// A decoded socket address.
struct SockAddr {
    int family = -1;
    std::string address;
    int port = -1;
};

/// The state of a syscall between its entry and exit stops.
struct PendingCall {
    bool active = false;
    std::uint64_t nr = 0;
    std::array<std::uint64_t, 6> args{};
    std::string path;
    std::string path2;
    std::vector<std::string> argv;
    std::optional<SockAddr> addr;
    std::string old_name;
    std::vector<std::string> denied_args; ///< arguments of a syscall the seccomp policy refuses
    pid_t target = 0;                     ///< kill/tkill/tgkill: the target's host pid, found before it dies
};

struct Tracee {
    pid_t tgid = 0;
    bool awaiting_initial_stop = false;
    PendingCall call;
    std::string exec_cmdline; ///< /proc/PID/cmdline at exec (or inherited at fork)
    bool cmdline_checked = false;
    // Under qemu-user (TracerOptions::emulator_path):
    bool emulated = false;     ///< this process runs the emulator
    bool housekeeping = false; ///< a thread of the emulator's own (call_rcu), not the guest's
    int own_threads = 0;       ///< thread clones still to come from the emulator itself (leader only)
    std::string guest_comm;    ///< the name the guest program would have had natively
    int abort_signal = 0;      ///< qemu reset this fatal signal to SIG_DFL to die of it (dump_core_and_abort)
    int ns_pid = 0;            ///< its pid in the innermost PID namespace (0: not read yet, -1: unreadable)
};

std::string readProcFile(pid_t pid, const char* name, std::size_t max_bytes) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/" + name, std::ios::binary);
    std::string text;
    if (!in) {
        return text;
    }
    text.resize(max_bytes);
    in.read(text.data(), static_cast<std::streamsize>(max_bytes));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

std::string readLink(const std::string& path) {
    std::array<char, 4096> buffer{};
    const ssize_t n = ::readlink(path.c_str(), buffer.data(), buffer.size() - 1);
    return n > 0 ? std::string(buffer.data(), static_cast<std::size_t>(n)) : std::string();
}

/// "a\0b\0\0" -> "a b": cmdline as the user sees it in ps.
std::string cmdlineText(std::string raw) {
    while (!raw.empty() && raw.back() == '\0') {
        raw.pop_back();
    }
    std::replace(raw.begin(), raw.end(), '\0', ' ');
    return raw;
}

pid_t readTgid(pid_t pid) {
    const std::string status = readProcFile(pid, "status", 4096);
    const auto at = status.find("\nTgid:");
    if (at == std::string::npos) {
        return pid;
    }
    return static_cast<pid_t>(std::strtol(status.c_str() + at + 6, nullptr, 10));
}

class TraceSession {
public:
    TraceSession(const TracerOptions& options, pid_t root)
        : options_(options), recorder_("ptrace", options.limits), root_(root),
          emulator_comm_(options.emulator_path.empty() ? std::string() : commName(options.emulator_path)) {}

    Result<Observation> run();

private:
    bool readMemory(pid_t pid, std::uint64_t address, void* out, std::size_t length);
    std::optional<std::string> readString(pid_t pid, std::uint64_t address, std::size_t max_bytes);
    std::vector<std::string> readArgv(pid_t pid, std::uint64_t address);
    std::optional<SockAddr> readSockAddr(pid_t pid, std::uint64_t address, std::uint64_t length);
    std::string resolvePath(pid_t pid, int dirfd, const std::string& path);
    std::string fdPath(pid_t pid, int fd);
    FdTable& fds(pid_t pid);

    void handleStop(pid_t pid, int status);
    void handleEvent(pid_t pid, int event);
    void handleSyscall(pid_t pid);
    void onEntry(pid_t pid, Tracee& tracee);
    /// Records what a finished syscall did: one handler per concern, each returning false for
    /// syscalls that are not its own.
    void onExit(pid_t pid, Tracee& tracee, long result);
    bool onFileExit(pid_t pid, const PendingCall& call, long result);
    bool onNetworkExit(pid_t pid, const PendingCall& call, long result);
    bool onProcessExit(pid_t pid, Tracee& tracee, long result);
    /// Records one file activity; returns its index (for bytes written through its fd later).
    std::size_t recordFile(pid_t pid, long result, std::string op, std::string path, std::uint64_t flags,
                           std::uint32_t mode, std::string target = {});
    /// An open/openat/openat2/creat that writes, creates or touches a watched path; tracks its fd.
    void recordOpen(pid_t pid, const PendingCall& call, long result, std::uint64_t flags, std::uint32_t mode);
    void checkCmdline(pid_t pid, Tracee& tracee);
    /// At an exec: whether `path` is the emulator; if so, records the guest program instead.
    bool execEmulator(pid_t pid, Tracee& self, const std::string& path, const std::vector<std::string>& argv);
    void readDeniedArgs(pid_t pid, PendingCall& call, std::string_view letters);
    /// qemu's own part of an emulated process: its call_rcu threads and its self-kill to die of a guest's
    /// fatal signal. True when the stop must not be recorded.
    bool isEmulatorHousekeeping(const Tracee& tracee) const;
    /// The host pid of the traced process that a tracee calls `pid` (it lives in the jail's PID namespace);
    /// `pid` itself when no tracee has that number there (or for groups: 0 and negative).
    pid_t hostPid(int pid);
    void resume(pid_t pid, int signal);
    void killAll();
    pid_t pollTracees(int& status);

    const TracerOptions& options_;
    ObservationRecorder recorder_;
    pid_t root_;
    std::map<pid_t, Tracee> tracees_;
    std::map<pid_t, FdTable> fd_tables_; // by thread-group id
    bool syscall_info_ = true;           // PTRACE_GET_SYSCALL_INFO works (Linux >= 5.3)
    std::string emulator_comm_;          // the comm a process gets from exec'ing the emulator
};

bool TraceSession::readMemory(pid_t pid, std::uint64_t address, void* out, std::size_t length) {
    if (length == 0) {
        return true;
    }
    iovec local{out, length};
    iovec remote{reinterpret_cast<void*>(address), length}; // NOLINT(performance-no-int-to-ptr)
    if (::process_vm_readv(pid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(length)) {
        return true;
    }
    // process_vm_readv can be refused (e.g. by a seccomp or LSM policy); PEEKDATA works for a tracer.
    auto* bytes = static_cast<unsigned char*>(out);
    for (std::size_t done = 0; done < length; done += sizeof(long)) {
        errno = 0;
        const long word = ::ptrace(PTRACE_PEEKDATA, pid, address + done, nullptr);
        if (errno != 0) {
            ++recorder_.counters().memory_read_failures;
            return false;
        }
        std::memcpy(bytes + done, &word, std::min(sizeof(long), length - done));
    }
    return true;
}

std::optional<std::string> TraceSession::readString(pid_t pid, std::uint64_t address, std::size_t max_bytes) {
    if (address == 0) {
        return std::nullopt;
    }
    std::string out;
    std::array<char, kPage> chunk{};
    while (out.size() <= max_bytes) {
        // Never cross a page boundary in one read: the next page may be unmapped.
        const std::uint64_t at = address + out.size();
        const std::size_t want = std::min<std::size_t>(kPage - (at % kPage), max_bytes + 1 - out.size());
        if (!readMemory(pid, at, chunk.data(), want)) {
            return out.empty() ? std::nullopt : std::optional<std::string>(out);
        }
        const auto* end = static_cast<const char*>(std::memchr(chunk.data(), '\0', want));
        if (end != nullptr) {
            out.append(chunk.data(), static_cast<std::size_t>(end - chunk.data()));
            return out;
        }
        out.append(chunk.data(), want);
    }
    ++recorder_.counters().strings_truncated;
    out.resize(max_bytes);
    return out;
}

std::vector<std::string> TraceSession::readArgv(pid_t pid, std::uint64_t address) {
    std::vector<std::string> argv;
    if (address == 0) {
        return argv;
    }
    for (std::size_t i = 0;; ++i) {
        std::uint64_t pointer = 0;
        if (!readMemory(pid, address + i * sizeof(pointer), &pointer, sizeof(pointer)) || pointer == 0) {
            break;
        }
        if (i >= options_.limits.max_argv) {
            ++recorder_.counters().strings_truncated;
            break;
        }
        argv.push_back(readString(pid, pointer, options_.limits.max_string_bytes).value_or(std::string()));
    }
    return argv;
}

std::optional<SockAddr> TraceSession::readSockAddr(pid_t pid, std::uint64_t address, std::uint64_t length) {
    if (address == 0 || length < sizeof(sa_family_t)) {
        return std::nullopt;
    }
    sockaddr_storage storage{};
    const std::size_t size = std::min<std::uint64_t>(length, sizeof(storage));
    if (!readMemory(pid, address, &storage, size)) {
        return std::nullopt;
    }
    SockAddr out;
    out.family = storage.ss_family;
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (storage.ss_family == AF_INET && size >= sizeof(sockaddr_in)) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
        ::inet_ntop(AF_INET, &in->sin_addr, text.data(), text.size());
        out.address = text.data();
        out.port = ntohs(in->sin_port);
    } else if (storage.ss_family == AF_INET6 && size >= sizeof(sockaddr_in6)) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&storage);
        ::inet_ntop(AF_INET6, &in6->sin6_addr, text.data(), text.size());
        out.address = text.data();
        out.port = ntohs(in6->sin6_port);
    } else if (storage.ss_family == AF_UNIX) {
        const auto* un = reinterpret_cast<const sockaddr_un*>(&storage);
        const std::size_t path_bytes = size - offsetof(sockaddr_un, sun_path);
        std::string path(un->sun_path, std::min(path_bytes, sizeof(un->sun_path)));
        if (!path.empty() && path[0] == '\0') {
            path[0] = '@'; // abstract namespace
        }
        out.address = path.substr(0, path.find('\0'));
    }
    return out;
}

std::string TraceSession::resolvePath(pid_t pid, int dirfd, const std::string& path) {
    if (path.empty() || path[0] == '/') {
        return path;
    }
    const std::string base = dirfd == AT_FDCWD
                                 ? readLink("/proc/" + std::to_string(pid) + "/cwd")
                                 : readLink("/proc/" + std::to_string(pid) + "/fd/" + std::to_string(dirfd));
    if (base.empty() || base[0] != '/') {
        return path;
    }
    return base == "/" ? "/" + path : base + "/" + path;
}

std::string TraceSession::fdPath(pid_t pid, int fd) {
    FdTable& table = fds(pid);
    if (const auto it = table.find(fd); it != table.end() && !it->second.path.empty()) {
        return it->second.path;
    }
    return readLink("/proc/" + std::to_string(pid) + "/fd/" + std::to_string(fd));
}

FdTable& TraceSession::fds(pid_t pid) {
    const auto it = tracees_.find(pid);
    return fd_tables_[it == tracees_.end() ? pid : it->second.tgid];
}

void TraceSession::resume(pid_t pid, int signal) {
    ::ptrace(PTRACE_SYSCALL, pid, nullptr, reinterpret_cast<void*>(static_cast<long>(signal)));
}

void TraceSession::checkCmdline(pid_t pid, Tracee& tracee) {
    if (tracee.cmdline_checked || tracee.tgid != pid || tracee.exec_cmdline.empty()) {
        return;
    }
    tracee.cmdline_checked = true;
    const std::string now = cmdlineText(readProcFile(pid, "cmdline", options_.limits.max_string_bytes));
    if (!now.empty() && now != tracee.exec_cmdline) {
        recorder_.renamed(pid, "argv", tracee.exec_cmdline, now);
    }
}

void TraceSession::killAll() {
    for (auto& [pid, tracee] : tracees_) {
        checkCmdline(pid, tracee);
        recorder_.killedAtDeadline(pid);
        if (::kill(pid, SIGKILL) == 0) {
            ++recorder_.counters().processes_killed;
        }
    }
}

void TraceSession::onEntry(pid_t pid, Tracee& tracee) {
    PendingCall& call = tracee.call;
    const auto& a = call.args;
    const std::size_t max = options_.limits.max_string_bytes;
    auto path_at = [&](int dirfd, std::uint64_t address) {
        return resolvePath(pid, dirfd, readString(pid, address, max).value_or(std::string()));
    };
    switch (call.nr) {
    case SYS_execve:
        call.path = path_at(AT_FDCWD, a[0]);
        call.argv = readArgv(pid, a[1]);
        break;
    case SYS_execveat:
        call.path = path_at(static_cast<int>(a[0]), a[1]);
        call.argv = readArgv(pid, a[2]);
        break;
    case SYS_open:
    case SYS_creat:
    case SYS_unlink:
    case SYS_rmdir:
    case SYS_chmod:
    case SYS_mkdir:
        call.path = path_at(AT_FDCWD, a[0]);
        break;
    case SYS_openat:
    case SYS_openat2:
    case SYS_unlinkat:
    case SYS_fchmodat:
    case SYS_mkdirat:
        call.path = path_at(static_cast<int>(a[0]), a[1]);
        break;
    case SYS_rename:
        call.path = path_at(AT_FDCWD, a[0]);
        call.path2 = path_at(AT_FDCWD, a[1]);
        break;
    case SYS_renameat:
    case SYS_renameat2:
        call.path = path_at(static_cast<int>(a[0]), a[1]);
        call.path2 = path_at(static_cast<int>(a[2]), a[3]);
        break;
    case SYS_fchmod:
        call.path = fdPath(pid, static_cast<int>(a[0]));
        break;
    case SYS_connect:
    case SYS_bind:
        call.addr = readSockAddr(pid, a[1], a[2]);
        break;
    case SYS_sendto:
        call.addr = readSockAddr(pid, a[4], a[5]);
        break;
    case SYS_sendmsg: {
        struct {
            std::uint64_t name;
            std::uint32_t name_length;
        } header{};
        if (a[1] != 0 && readMemory(pid, a[1], &header, sizeof(header))) {
            call.addr = readSockAddr(pid, header.name, header.name_length);
        }
        break;
    }
    case SYS_prctl:
        if (a[0] == PR_SET_NAME) {
            call.old_name = readProcFile(pid, "comm", 64);
            if (!call.old_name.empty() && call.old_name.back() == '\n') {
                call.old_name.pop_back();
            }
            if (tracee.emulated && call.old_name == emulator_comm_) {
                call.old_name = tracee.guest_comm; // the kernel named the process after qemu, not the guest
            }
            call.path = readString(pid, a[1], 15).value_or(std::string()); // TASK_COMM_LEN - 1
        }
        break;
    case SYS_kill:
    case SYS_tkill:
    case SYS_tgkill:
        call.target = hostPid(static_cast<int>(a[0]));
        break;
    case SYS_rt_sigaction:
        if (tracee.emulated && a[1] != 0) {
            std::uint64_t handler = 1;
            if (readMemory(pid, a[1], &handler, sizeof(handler)) && handler == 0 /* SIG_DFL */) {
                tracee.abort_signal = static_cast<int>(a[0]);
            }
        }
        break;
    default:
        break;
    }
    if (const DeniedSyscallSpec* spec = deniedSyscallSpec(call.nr); spec != nullptr) {
        readDeniedArgs(pid, call, spec->args);
    }
}

void TraceSession::readDeniedArgs(pid_t pid, PendingCall& call, std::string_view letters) {
    for (std::size_t i = 0; i < letters.size() && i < call.args.size(); ++i) {
        const std::uint64_t value = call.args[i];
        switch (letters[i]) {
        case 's':
            call.denied_args.push_back(
                value == 0
                    ? std::string("NULL")
                    : readString(pid, value, options_.limits.max_string_bytes).value_or(fmt::format("{:#x}", value)));
            break;
        case 'f':
            if (static_cast<int>(value) == AT_FDCWD) {
                call.denied_args.emplace_back("AT_FDCWD");
            } else if (const std::string path = fdPath(pid, static_cast<int>(value)); !path.empty()) {
                call.denied_args.push_back(path);
            } else {
                call.denied_args.push_back(std::to_string(static_cast<int>(value)));
            }
            break;
        case 'x':
            call.denied_args.push_back(fmt::format("{:#x}", value));
            break;
        default:
            call.denied_args.push_back(std::to_string(static_cast<long>(value)));
            break;
        }
    }
}

std::size_t TraceSession::recordFile(pid_t pid, long result, std::string op, std::string path, std::uint64_t flags,
                                     std::uint32_t mode, std::string target) {
    FileActivity activity;
    activity.pid = pid;
    activity.op = std::move(op);
    activity.path = std::move(path);
    activity.target = std::move(target);
    activity.flags = flags;
    activity.mode = mode;
    activity.result = result;
    return recorder_.file(std::move(activity));
}

void TraceSession::recordOpen(pid_t pid, const PendingCall& call, long result, std::uint64_t flags,
                              std::uint32_t mode) {
    const bool writes = (flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)) != 0;
    const char* op = (flags & O_CREAT) != 0 ? "create" : writes ? "write" : "open";
    const bool watched = writes || ObservationRecorder::isWatchdog(call.path) ||
                         ObservationRecorder::persistenceKind(call.path).has_value();
    if (!watched) {
        return; // plain reads (libraries, /proc) are not file activity
    }
    const std::size_t index = recordFile(pid, result, op, call.path, flags, (flags & O_CREAT) != 0 ? mode : 0);
    FdTable& table = fds(pid);
    if (result >= 0 && table.size() < kMaxFdsPerProcess) {
        FdInfo info;
        info.path = call.path;
        info.file_index = index;
        table[static_cast<int>(result)] = std::move(info);
    }
}

void TraceSession::onExit(pid_t pid, Tracee& tracee, long result) {
    if (result == -EPERM) {
        if (const DeniedSyscallSpec* spec = deniedSyscallSpec(tracee.call.nr); spec != nullptr) {
            recorder_.denied(pid, spec->name, std::move(tracee.call.denied_args), result);
            return;
        }
    }
    if (isEmulatorHousekeeping(tracee)) {
        ++recorder_.counters().emulator_syscalls;
        return;
    }
    if (!onFileExit(pid, tracee.call, result) && !onNetworkExit(pid, tracee.call, result)) {
        onProcessExit(pid, tracee, result);
    }
}

bool TraceSession::onFileExit(pid_t pid, const PendingCall& call, long result) {
    const auto& a = call.args;
    switch (call.nr) {
    case SYS_open:
        recordOpen(pid, call, result, a[1], static_cast<std::uint32_t>(a[2]));
        return true;
    case SYS_openat:
        recordOpen(pid, call, result, a[2], static_cast<std::uint32_t>(a[3]));
        return true;
    case SYS_creat:
        recordOpen(pid, call, result, O_CREAT | O_WRONLY | O_TRUNC, static_cast<std::uint32_t>(a[1]));
        return true;
    case SYS_openat2: {
        struct {
            std::uint64_t flags;
            std::uint64_t mode;
        } how{};
        readMemory(pid, a[2], &how, sizeof(how));
        recordOpen(pid, call, result, how.flags, static_cast<std::uint32_t>(how.mode));
        return true;
    }
    case SYS_unlink:
        recordFile(pid, result, "unlink", call.path, 0, 0);
        return true;
    case SYS_rmdir:
        recordFile(pid, result, "rmdir", call.path, 0, 0);
        return true;
    case SYS_unlinkat:
        recordFile(pid, result, (a[2] & AT_REMOVEDIR) != 0 ? "rmdir" : "unlink", call.path, a[2], 0);
        return true;
    case SYS_rename:
    case SYS_renameat:
    case SYS_renameat2:
        recordFile(pid, result, "rename", call.path, 0, 0, call.path2);
        return true;
    case SYS_chmod:
    case SYS_fchmod:
        recordFile(pid, result, "chmod", call.path, 0, static_cast<std::uint32_t>(a[1]));
        return true;
    case SYS_fchmodat:
        recordFile(pid, result, "chmod", call.path, 0, static_cast<std::uint32_t>(a[2]));
        return true;
    case SYS_mkdir:
        recordFile(pid, result, "mkdir", call.path, 0, static_cast<std::uint32_t>(a[1]));
        return true;
    case SYS_mkdirat:
        recordFile(pid, result, "mkdir", call.path, 0, static_cast<std::uint32_t>(a[2]));
        return true;
    case SYS_write:
    case SYS_pwrite64:
    case SYS_writev:
    case SYS_pwritev:
        if (result > 0) {
            const FdTable& table = fds(pid);
            if (const auto it = table.find(static_cast<int>(a[0])); it != table.end()) {
                recorder_.addBytesWritten(it->second.file_index, static_cast<std::uint64_t>(result));
            }
        }
        return true;
    case SYS_ioctl: {
        const FdTable& table = fds(pid);
        if (const auto it = table.find(static_cast<int>(a[0]));
            it != table.end() && ObservationRecorder::isWatchdog(it->second.path)) {
            recordFile(pid, result, "ioctl", it->second.path, a[1], 0);
        }
        return true;
    }
    case SYS_close:
        if (result == 0) {
            fds(pid).erase(static_cast<int>(a[0]));
        }
        return true;
    default:
        return false;
    }
}

bool TraceSession::onNetworkExit(pid_t pid, const PendingCall& call, long result) {
    const auto& a = call.args;
    switch (call.nr) {
    case SYS_socket: {
        NetworkActivity activity;
        activity.pid = pid;
        activity.op = "socket";
        activity.domain = static_cast<int>(a[0]);
        activity.type = static_cast<int>(a[1]) & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
        activity.protocol = static_cast<int>(a[2]);
        activity.raw = activity.type == SOCK_RAW || activity.domain == AF_PACKET;
        activity.result = result;
        FdTable& table = fds(pid);
        if (result >= 0 && table.size() < kMaxFdsPerProcess) {
            FdInfo info;
            info.socket = true;
            info.domain = activity.domain;
            info.type = activity.type;
            info.protocol = activity.protocol;
            table[static_cast<int>(result)] = info;
        }
        recorder_.network(std::move(activity));
        return true;
    }
    case SYS_connect:
    case SYS_bind:
    case SYS_listen: {
        NetworkActivity activity;
        activity.pid = pid;
        activity.op = call.nr == SYS_connect ? "connect" : call.nr == SYS_bind ? "bind" : "listen";
        const FdTable& table = fds(pid);
        if (const auto it = table.find(static_cast<int>(a[0])); it != table.end() && it->second.socket) {
            activity.domain = it->second.domain;
            activity.type = it->second.type;
            activity.protocol = it->second.protocol;
            activity.raw = activity.type == SOCK_RAW || activity.domain == AF_PACKET;
        }
        if (call.addr) {
            activity.domain = call.addr->family;
            activity.address = call.addr->address;
            activity.port = call.addr->port;
        }
        activity.result = result;
        recorder_.network(std::move(activity));
        return true;
    }
    case SYS_sendto:
    case SYS_sendmsg:
        if (call.addr && !call.addr->address.empty()) {
            recorder_.sent(call.addr->address, call.addr->port, call.nr == SYS_sendto ? a[2] : 0);
        }
        return true;
    default:
        return false;
    }
}

bool TraceSession::onProcessExit(pid_t pid, Tracee& tracee, long result) {
    const PendingCall& call = tracee.call;
    const auto& a = call.args;
    switch (call.nr) {
    case SYS_execve:
    case SYS_execveat:
        recorder_.exec(pid, call.path, call.argv, result); // success is recorded at PTRACE_EVENT_EXEC
        return true;
    case SYS_kill:
        recorder_.signal(tracee.tgid, "kill", call.target, static_cast<int>(a[1]), result);
        return true;
    case SYS_tkill:
        recorder_.signal(pid, "tkill", call.target, static_cast<int>(a[1]), result);
        return true;
    case SYS_tgkill:
        recorder_.signal(tracee.tgid, "tgkill", call.target, static_cast<int>(a[2]), result);
        return true;
    case SYS_prctl:
        if (a[0] == PR_SET_NAME && result == 0) {
            recorder_.renamed(pid, "prctl", call.old_name, call.path);
        }
        return true;
    default:
        return false;
    }
}

bool TraceSession::execEmulator(pid_t pid, Tracee& self, const std::string& path,
                                const std::vector<std::string>& argv) {
    self.emulated = false;
    self.own_threads = 0;
    self.abort_signal = 0;
    if (options_.emulator_path.empty() ||
        (path != options_.emulator_path &&
         readLink("/proc/" + std::to_string(pid) + "/exe") != options_.emulator_path)) {
        return false;
    }
    std::vector<std::string> words = argv;
    if (words.empty()) { // exec seen without its entry stop: qemu's argv is still in /proc (qemu never rewrites it)
        const std::string raw = readProcFile(pid, "cmdline", 64 * 1024);
        for (std::size_t at = 0; at < raw.size();) {
            const std::size_t end = std::min(raw.find('\0', at), raw.size());
            words.push_back(raw.substr(at, end - at));
            at = end + 1;
        }
    }
    self.emulated = true;
    self.own_threads = 1;
    self.exec_cmdline.clear(); // the guest's argv lives in guest memory, not in /proc/PID/cmdline
    const auto program = parseQemuCommandLine(words);
    if (!program) {
        recorder_.exec(pid, path, std::move(words), 0);
        self.guest_comm = emulator_comm_;
        return true;
    }
    const std::string guest_path = resolvePath(pid, AT_FDCWD, program->path);
    self.guest_comm = commName(program->path);
    recorder_.exec(pid, guest_path, program->argv, 0);
    return true;
}

pid_t TraceSession::hostPid(int pid) {
    if (pid <= 0) {
        return pid;
    }
    for (auto& [host, tracee] : tracees_) {
        if (tracee.ns_pid == 0) {
            // "NSpid:\t7338\t4": the last number is the pid in the innermost namespace (the jail's).
            const std::string status = readProcFile(host, "status", 4096);
            const auto at = status.find("\nNSpid:");
            const auto end = at == std::string::npos ? at : status.find('\n', at + 1);
            const auto last = at == std::string::npos ? at : status.find_last_of(" \t", end);
            tracee.ns_pid = last == std::string::npos ? -1 : std::atoi(status.c_str() + last + 1);
        }
        if (tracee.ns_pid == pid) {
            return host;
        }
    }
    return pid;
}

bool TraceSession::isEmulatorHousekeeping(const Tracee& tracee) const {
    if (!tracee.emulated || tracee.abort_signal == 0) {
        return false;
    }
    const auto& a = tracee.call.args;
    const auto signal = static_cast<std::uint64_t>(tracee.abort_signal);
    const bool self = tracee.call.target == tracee.tgid;
    return self && ((tracee.call.nr == SYS_kill && a[1] == signal) || (tracee.call.nr == SYS_tgkill && a[2] == signal));
}

void TraceSession::handleEvent(pid_t pid, int event) {
    Tracee& tracee = tracees_[pid];
    unsigned long message = 0;
    ::ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &message);
    if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE) {
        const auto child = static_cast<pid_t>(message);
        bool thread = false;
        if (event == PTRACE_EVENT_CLONE && tracee.call.active) {
            std::uint64_t flags = tracee.call.args[0];
            if (tracee.call.nr == SYS_clone3) {
                flags = 0;
                readMemory(pid, tracee.call.args[0], &flags, sizeof(flags)); // struct clone_args.flags
            }
            thread = (flags & CLONE_THREAD) != 0;
        }
        const char* origin = thread                        ? "thread"
                             : event == PTRACE_EVENT_FORK  ? "fork"
                             : event == PTRACE_EVENT_VFORK ? "vfork"
                                                           : "clone";
        const bool seen = tracees_.count(child) != 0;
        // qemu-user starts its call_rcu thread in every process it runs (at start-up and after each fork):
        // the first thread of an emulated process is the emulator's, not the guest's.
        const auto leader = tracees_.find(tracee.tgid);
        const bool leader_owes = leader != tracees_.end() && leader->second.emulated && leader->second.own_threads > 0;
        bool housekeeping = seen ? tracees_[child].housekeeping : false;
        if (!seen && thread && (tracee.housekeeping || leader_owes)) {
            housekeeping = true;
            if (!tracee.housekeeping) {
                --leader->second.own_threads; // leader_owes: the leader is known
            }
        }
        const std::string guest_comm = tracee.guest_comm;
        const bool emulated = tracee.emulated;
        const std::string exec_cmdline = tracee.exec_cmdline;
        Tracee& next = tracees_[child];
        if (!seen) {
            next.awaiting_initial_stop = true;
        }
        next.tgid = thread ? tracee.tgid : child;
        next.exec_cmdline = exec_cmdline;
        next.emulated = emulated;
        next.guest_comm = guest_comm;
        next.housekeeping = housekeeping;
        if (!seen) {
            next.own_threads = emulated && !thread ? 1 : 0;
        }
        if (!thread) {
            const FdTable& parent_fds = fd_tables_[tracee.tgid];
            fd_tables_[child] = parent_fds;
        }
        if (!housekeeping) {
            recorder_.processStarted(child, tracee.tgid, origin);
        }
        return;
    }
    if (event == PTRACE_EVENT_EXEC) {
        const auto former = static_cast<pid_t>(message);
        if (former != pid && tracees_.count(former) != 0) {
            // A non-leader thread exec'd: it now has the leader's pid; the old tid is gone.
            tracees_[pid].call = tracees_[former].call;
            tracees_.erase(former);
        }
        Tracee& self = tracees_[pid];
        self.tgid = pid;
        self.cmdline_checked = false;
        self.exec_cmdline = cmdlineText(readProcFile(pid, "cmdline", options_.limits.max_string_bytes));
        fd_tables_[pid].clear(); // close-on-exec is not tracked; forget what we knew
        std::string path = self.call.active ? self.call.path : readLink("/proc/" + std::to_string(pid) + "/exe");
        std::vector<std::string> argv = self.call.active ? self.call.argv : std::vector<std::string>{};
        self.call.active = false; // the exit stop that follows is not recorded again
        if (execEmulator(pid, self, path, argv)) {
            return;
        }
        recorder_.exec(pid, path, std::move(argv), 0);
        if (const std::string exe = readLink("/proc/" + std::to_string(pid) + "/exe"); !exe.empty() && exe != path) {
            recorder_.rememberExecutable(exe); // a symlinked path differs from the file itself
        }
        return;
    }
    if (event == PTRACE_EVENT_EXIT) {
        checkCmdline(pid, tracee);
    }
}

void TraceSession::handleSyscall(pid_t pid) {
    Tracee& tracee = tracees_[pid];
    if (tracee.housekeeping) {
        ++recorder_.counters().emulator_syscalls;
        return;
    }
    if (syscall_info_) {
        __ptrace_syscall_info info{};
        const long size = ::ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(info), &info);
        if (size > 0) {
            if (info.arch != AUDIT_ARCH_X86_64) {
                ++recorder_.counters().compat_syscalls;
                tracee.call.active = false;
                return;
            }
            if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
                tracee.call = PendingCall{};
                tracee.call.active = true;
                tracee.call.nr = info.entry.nr;
                std::copy(std::begin(info.entry.args), std::end(info.entry.args), tracee.call.args.begin());
                onEntry(pid, tracee);
            } else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
                if (tracee.call.active) {
                    onExit(pid, tracee, static_cast<long>(info.exit.rval));
                }
                tracee.call.active = false;
            }
            return;
        }
        syscall_info_ = false;
    }
    // Older kernels: registers, with rax == -ENOSYS telling an entry stop from an exit stop.
    user_regs_struct regs{};
    if (::ptrace(PTRACE_GETREGS, pid, nullptr, &regs) != 0) {
        return;
    }
    const bool entry =
        static_cast<long>(regs.rax) == -ENOSYS && !(tracee.call.active && tracee.call.nr == regs.orig_rax);
    if (entry) {
        tracee.call = PendingCall{};
        tracee.call.active = true;
        tracee.call.nr = regs.orig_rax;
        tracee.call.args = {regs.rdi, regs.rsi, regs.rdx, regs.r10, regs.r8, regs.r9};
        onEntry(pid, tracee);
    } else {
        if (tracee.call.active) {
            onExit(pid, tracee, static_cast<long>(regs.rax));
        }
        tracee.call.active = false;
    }
}

void TraceSession::handleStop(pid_t pid, int status) {
    const int signal = WSTOPSIG(status);
    const int event = status >> 16;
    auto it = tracees_.find(pid);
    if (it == tracees_.end()) {
        // A new child can stop before its parent's fork event names it.
        ++recorder_.counters().unknown_pids;
        Tracee fresh;
        fresh.tgid = readTgid(pid);
        if (const auto leader = tracees_.find(fresh.tgid); fresh.tgid != pid && leader != tracees_.end()) {
            // A thread: the emulator's own if its process still owes one (see handleEvent).
            fresh.emulated = leader->second.emulated;
            fresh.guest_comm = leader->second.guest_comm;
            fresh.housekeeping = leader->second.emulated && leader->second.own_threads > 0;
            leader->second.own_threads -= fresh.housekeeping ? 1 : 0;
        } else if (fresh.tgid == pid && !options_.emulator_path.empty() &&
                   readLink("/proc/" + std::to_string(pid) + "/exe") == options_.emulator_path) {
            fresh.emulated = true; // a fork of an emulated process; its parent's event fills in the rest
            fresh.own_threads = 1;
        }
        const bool housekeeping = fresh.housekeeping;
        it = tracees_.emplace(pid, std::move(fresh)).first;
        if (!housekeeping) {
            recorder_.processStarted(pid, 0, "unknown");
        }
        if (signal == SIGSTOP) {
            resume(pid, 0);
            return;
        }
    }
    if (signal == (SIGTRAP | 0x80)) {
        ++recorder_.counters().syscalls;
        handleSyscall(pid);
        resume(pid, 0);
    } else if (signal == SIGTRAP && event != 0) {
        handleEvent(pid, event);
        resume(pid, 0);
    } else if (signal == SIGSTOP && it->second.awaiting_initial_stop) {
        it->second.awaiting_initial_stop = false;
        resume(pid, 0);
    } else {
        resume(pid, signal); // signal-delivery stop: deliver it
    }
}

// Attach mode: waits only on the pids this session traces (never waitpid(-1), which could reap the
// jail's init, a child of the calling thread). Returns a pid with news, 0 for none, -1 (ECHILD) when
// no tracee is left to wait for.
pid_t TraceSession::pollTracees(int& status) {
    std::vector<pid_t> gone;
    pid_t found = 0;
    for (const auto& [pid, tracee] : tracees_) {
        const pid_t got = ::waitpid(pid, &status, __WALL | WNOHANG);
        if (got > 0) {
            found = got;
            break;
        }
        if (got < 0 && errno == ECHILD) {
            gone.push_back(pid); // no longer ours (reaped elsewhere or detached)
        }
    }
    for (const pid_t pid : gone) {
        tracees_.erase(pid);
    }
    if (found == 0 && tracees_.empty()) {
        errno = ECHILD;
        return -1;
    }
    return found;
}

Result<Observation> TraceSession::run() {
    int status = 0;
    if (options_.attach) {
        // The jail's sample sits in a group-stop (SIGSTOP); a seized, stopped task re-traps and reports
        // a PTRACE_EVENT_STOP to waitpid(pid, __WALL) below.
        if (::ptrace(PTRACE_SEIZE, root_, nullptr, reinterpret_cast<void*>(kOptions)) != 0) {
            return fail("tracer: PTRACE_SEIZE {}: {}", root_, std::strerror(errno));
        }
    }
    if (options_.wait_for_initial_stop) {
        pid_t got = 0;
        do {
            got = ::waitpid(root_, &status, __WALL);
        } while (got < 0 && errno == EINTR);
        if (got != root_) {
            return fail("tracer: waitpid({}): {}", root_, std::strerror(errno));
        }
        if (!WIFSTOPPED(status)) {
            return fail("tracer: child {} did not stop (status {:#x})", root_, status);
        }
    }
    if (::ptrace(PTRACE_SETOPTIONS, root_, nullptr, reinterpret_cast<void*>(kOptions)) != 0) {
        const int saved = errno;
        ::kill(root_, SIGKILL);
        ::waitpid(root_, &status, __WALL);
        return fail("tracer: PTRACE_SETOPTIONS on {}: {}", root_, std::strerror(saved));
    }
    Tracee root;
    root.tgid = root_;
    root.exec_cmdline = cmdlineText(readProcFile(root_, "cmdline", options_.limits.max_string_bytes));
    tracees_.emplace(root_, std::move(root));
    recorder_.processStarted(root_, 0, "root");
    resume(root_, 0);

    const auto deadline = Clock::now() + options_.timeout;
    std::optional<Clock::time_point> killed_at;
    bool deadline_reached = false;
    auto backoff = std::chrono::microseconds(20);
    while (!tracees_.empty()) {
        const auto now = Clock::now();
        if (!killed_at && (now >= deadline || (options_.stop != nullptr && options_.stop->load()))) {
            deadline_reached = now >= deadline;
            killAll();
            killed_at = now;
        } else if (killed_at && now >= *killed_at + options_.reap_grace) {
            break;
        }
        const pid_t pid = options_.attach ? pollTracees(status) : ::waitpid(-1, &status, __WALL | WNOHANG);
        if (pid == 0) {
            std::this_thread::sleep_for(backoff);
            backoff = std::min(backoff * 2, std::chrono::microseconds(1000));
            continue;
        }
        if (pid < 0) {
            if (errno == EINTR) {
                continue;
            }
            break; // ECHILD: nothing left to wait for
        }
        backoff = std::chrono::microseconds(20);
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (tracees_.erase(pid) != 0) {
                recorder_.processExited(pid, WIFEXITED(status) ? std::optional<int>(WEXITSTATUS(status)) : std::nullopt,
                                        WIFSIGNALED(status) ? std::optional<int>(WTERMSIG(status)) : std::nullopt);
            }
            continue;
        }
        if (WIFSTOPPED(status)) {
            handleStop(pid, status);
        }
    }
    Observation observation = recorder_.take();
    observation.deadline_reached = deadline_reached;
    return observation;
}

} // namespace

Result<Observation> Tracer::run(pid_t pid) {
    TraceSession session(options_, pid);
    return session.run();
}

} // namespace kansoku::sandbox
