#include "sandbox/jail/jail.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_reader.h"
#include "malware/file_type.h"
#include "sandbox/jail/emulator.h"
#include "sandbox/jail/jail_cgroup.h"
#include "sandbox/jail/jail_network.h"
#include "sandbox/jail/jail_root.h"
#include "sandbox/jail/seccomp_policy.h"

namespace kansoku::sandbox {
namespace fs = std::filesystem;

namespace {

/// Held while an executable the jail will run is written (sample, BusyBox and qemu copies) and across the clone()
/// of a jail's init: a child cloned by another thread while such a copy is open for writing inherits the write
/// descriptor (init never execs nor closes it), and execve of the copy then fails with ETXTBSY for that other
/// jail's whole run. Parallel analyses (AnalysisQueue workers) hit this.
std::mutex& executableWriteMutex() {
    static std::mutex mutex;
    return mutex;
}

constexpr auto kSetupTimeout = std::chrono::seconds(15);

// Control-socket message types (SOCK_SEQPACKET, first byte).
constexpr char kMsgGo = 'G';     // parent -> init: id maps are written
constexpr char kMsgTun = 'T';    // init -> parent: the TUN fd (SCM_RIGHTS)
constexpr char kMsgError = 'E';  // init/sample -> parent: set-up failed, text follows
constexpr char kMsgSample = 'S'; // sample -> parent: about to execve; SO_PASSCRED yields its host pid
constexpr char kMsgReaped = 'X'; // init -> parent: the sample was reaped, int status follows
constexpr char kMsgOther = 'C';  // init -> parent: another jailed process was reaped, int status follows

// Capabilities the sample keeps (in its own user namespace): what a bot running as root on a device uses
// (raw sockets, low ports, kill, file ownership). CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_SYS_PTRACE, ... go.
constexpr int kKeptCapabilities[] = {
    CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH,  CAP_FOWNER,        CAP_FSETID, CAP_KILL,
    CAP_SETGID, CAP_SETUID,       CAP_NET_BIND_SERVICE, CAP_NET_BROADCAST, CAP_NET_RAW};

int closeFd(int& fd) {
    int rc = 0;
    if (fd >= 0) {
        rc = close(fd);
        fd = -1;
    }
    return rc;
}

/// A cgroup control file's text, or "" when it cannot be read.
std::string readCgroupFile(const std::string& path) {
    constexpr uint64_t kMaxCgroupFileBytes = 64 * 1024;
    return readFileBounded(path, kMaxCgroupFileBytes).value_or(std::string());
}

// ---- child side: runs after a raw clone, so only syscalls and pre-built data (no allocation, no locks) ----

size_t appendText(char* buffer, size_t at, size_t capacity, const char* text) {
    while (*text != '\0' && at + 1 < capacity) {
        buffer[at++] = *text++;
    }
    return at;
}

size_t appendNumber(char* buffer, size_t at, size_t capacity, long value) {
    char digits[24];
    size_t n = 0;
    bool negative = value < 0;
    unsigned long magnitude = negative ? static_cast<unsigned long>(-value) : static_cast<unsigned long>(value);
    do {
        digits[n++] = static_cast<char>('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude != 0 && n < sizeof(digits));
    if (negative && at + 1 < capacity) {
        buffer[at++] = '-';
    }
    while (n > 0 && at + 1 < capacity) {
        buffer[at++] = digits[--n];
    }
    return at;
}

[[noreturn]] void childFail(int sock, const char* what, int err) {
    char message[256];
    size_t at = 0;
    message[at++] = kMsgError;
    at = appendText(message, at, sizeof(message), what);
    at = appendText(message, at, sizeof(message), ": ");
    at = appendText(message, at, sizeof(message), strerrorname_np(err) != nullptr ? strerrorname_np(err) : "?");
    at = appendText(message, at, sizeof(message), " (errno ");
    at = appendNumber(message, at, sizeof(message), err);
    at = appendText(message, at, sizeof(message), ")");
    send(sock, message, at, MSG_NOSIGNAL);
    _exit(127);
}

void sendStatus(int sock, char type, int status) {
    char message[1 + sizeof(int)];
    message[0] = type;
    std::memcpy(message + 1, &status, sizeof(int));
    send(sock, message, sizeof(message), MSG_NOSIGNAL | MSG_DONTWAIT);
}

int sendFd(int sock, char type, int fd) {
    char byte = type;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -errno;
}

pid_t rawFork() {
    return static_cast<pid_t>(syscall(SYS_clone, SIGCHLD, nullptr, nullptr, nullptr, nullptr));
}

} // namespace

struct detail::ChildPlan {
    std::string root; // host path of the jail root
    std::string hostname;
    std::vector<std::pair<std::string, std::string>> device_binds;   // host node -> mount point under root
    std::vector<std::pair<std::string, std::string>> writable_binds; // host dir -> mount point under root
    std::string proc_target;
    std::string tun_node; // host path of a /dev/net/tun node the outside uid may open; empty = NetworkMode::None
    char tun_name[IFNAMSIZ] = {};
    uint32_t tun_address = 0;
    uint32_t tun_netmask = 0;
    uint32_t tun_gateway = 0;
    std::string workdir;
    std::string exec_path;
    std::vector<std::string> argv_text;
    std::vector<std::string> env_text;
    std::vector<char*> argv;
    std::vector<char*> envp;
    SeccompProgram seccomp;
    std::vector<std::pair<int, rlimit>> limits;
    int stdio[3] = {-1, -1, -1};
    int child_sock = -1;
    int parent_sock = -1;
    bool trace = false;
};

namespace {

[[noreturn]] void runSample(const detail::ChildPlan& plan);

// The namespace's init (PID 1): finishes the jail from inside, starts the sample, reaps everything.
[[noreturn]] void runInit(const detail::ChildPlan& plan) {
    const int sock = plan.child_sock;
    close(plan.parent_sock);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char go = 0;
    if (recv(sock, &go, 1, 0) != 1 || go != kMsgGo) {
        _exit(126);
    }
    // Become root of the new user namespace (outside: the unprivileged outside_uid/gid).
    // Raw syscalls, not the glibc wrappers: those broadcast the change to every thread glibc believes this
    // process has (nptl setxid); after a raw clone of a multi-threaded parent they wait forever for a thread that
    // was being created at clone time (seen with parallel AnalysisQueue workers: "jail: set-up timed out").
    if (syscall(SYS_setgroups, 0, nullptr) != 0) {
        childFail(sock, "setgroups", errno);
    }
    if (syscall(SYS_setresgid, 0, 0, 0) != 0 || syscall(SYS_setresuid, 0, 0, 0) != 0) {
        childFail(sock, "setresuid/setresgid to root of the user namespace", errno);
    }
    if (sethostname(plan.hostname.data(), plan.hostname.size()) != 0) {
        childFail(sock, "sethostname", errno);
    }
    if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        childFail(sock, "make / private", errno);
    }
    if (mount(plan.root.c_str(), plan.root.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
        childFail(sock, "bind jail root", errno);
    }
    if (mount("proc", plan.proc_target.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
        childFail(sock, "mount /proc", errno);
    }
    for (const auto& [source, target] : plan.device_binds) {
        if (mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
            continue; // e.g. no /dev/tty on the host: the jail goes without it
        }
        mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, nullptr);
    }
    for (const auto& [source, target] : plan.writable_binds) {
        if (mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
            childFail(sock, "bind a writable directory", errno);
        }
    }
    if (int rc = detail::bringLoopbackUp(); rc != 0) {
        childFail(sock, "bring lo up", -rc);
    }
    if (!plan.tun_node.empty()) {
        const int tun = open(plan.tun_node.c_str(), O_RDWR | O_CLOEXEC);
        if (tun < 0) {
            childFail(sock, "open tun node", errno);
        }
        if (int rc = detail::configureTun(tun, plan.tun_name, plan.tun_address, plan.tun_netmask, plan.tun_gateway);
            rc != 0) {
            childFail(sock, "configure tun", -rc);
        }
        if (int rc = sendFd(sock, kMsgTun, tun); rc != 0) {
            childFail(sock, "send tun fd", -rc);
        }
        close(tun);
    }
    // pivot_root into the jail root and drop the old root (pivot_root(".", ".") stacks the old root on top).
    if (chdir(plan.root.c_str()) != 0) {
        childFail(sock, "chdir jail root", errno);
    }
    if (syscall(SYS_pivot_root, ".", ".") != 0) {
        childFail(sock, "pivot_root", errno);
    }
    if (umount2(".", MNT_DETACH) != 0) {
        childFail(sock, "unmount old root", errno);
    }
    if (chdir("/") != 0) {
        childFail(sock, "chdir /", errno);
    }
    // Read-only root. Flags the kernel locked when it copied the host's mounts must be repeated.
    struct statvfs root_stat {};
    if (statvfs("/", &root_stat) != 0) {
        childFail(sock, "statvfs /", errno);
    }
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV;
    if ((root_stat.f_flag & ST_NOEXEC) != 0) {
        flags |= MS_NOEXEC;
    }
    if ((root_stat.f_flag & ST_NOATIME) != 0) {
        flags |= MS_NOATIME;
    }
    if ((root_stat.f_flag & ST_NODIRATIME) != 0) {
        flags |= MS_NODIRATIME;
    }
    if ((root_stat.f_flag & ST_RELATIME) != 0) {
        flags |= MS_RELATIME;
    }
    if (mount(nullptr, "/", nullptr, flags, nullptr) != 0) {
        childFail(sock, "remount / read-only", errno);
    }

    const pid_t sample = rawFork();
    if (sample < 0) {
        childFail(sock, "fork sample", errno);
    }
    if (sample == 0) {
        runSample(plan);
    }
    for (int fd : plan.stdio) {
        close(fd);
    }
    for (;;) {
        int status = 0;
        const pid_t reaped = static_cast<pid_t>(syscall(SYS_wait4, -1, &status, __WALL, nullptr));
        if (reaped < 0) {
            if (errno == EINTR) {
                continue;
            }
            break; // ECHILD: the sample and everything it left behind are gone
        }
        sendStatus(sock, reaped == sample ? kMsgReaped : kMsgOther, status);
    }
    _exit(0);
}

[[noreturn]] void runSample(const detail::ChildPlan& plan) {
    const int sock = plan.child_sock;
    for (int fd = 0; fd < 3; ++fd) {
        if (dup2(plan.stdio[fd], fd) < 0) {
            childFail(sock, "dup2 stdio", errno);
        }
    }
    if (chdir(plan.workdir.c_str()) != 0) {
        childFail(sock, "chdir workdir", errno);
    }
    for (const auto& [resource, limit] : plan.limits) {
        if (setrlimit(static_cast<__rlimit_resource>(resource), &limit) != 0) {
            childFail(sock, "setrlimit", errno);
        }
    }
    for (int cap = 0; cap <= 63; ++cap) {
        bool keep = false;
        for (int kept : kKeptCapabilities) {
            keep = keep || kept == cap;
        }
        if (!keep && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
            childFail(sock, "drop capability from the bounding set", errno);
        }
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        childFail(sock, "no_new_privs", errno);
    }
    if (int rc = loadSeccompProgram(plan.seccomp); rc != 0) {
        childFail(sock, "load seccomp policy", -rc);
    }
    // Tell the parent (SO_PASSCRED gives it our host pid), then close everything but stdio.
    const char ready = kMsgSample;
    if (send(sock, &ready, 1, MSG_NOSIGNAL) != 1) {
        _exit(126);
    }
    syscall(SYS_close_range, 3U, ~0U, 0U);
    if (plan.trace) {
        kill(getpid(), SIGSTOP); // the tracer PTRACE_SEIZEs us here
    }
    execve(plan.exec_path.c_str(), plan.argv.data(), plan.envp.data());
    const char message[] = "kansoku jail: execve failed\n";
    [[maybe_unused]] ssize_t n = write(2, message, sizeof(message) - 1);
    _exit(127);
}

} // namespace

Jail::Jail(JailOptions options) : options_(std::move(options)) {}

Jail::~Jail() {
    stopWatchdog();
    if (started_ && !reaped_) {
        killAll();
        int status = 0;
        waitpid(process_.init_pid, &status, __WALL);
    }
    teardown();
}

std::string Jail::sampleJailPath() const {
    return options_.workdir + "/" + options_.filename;
}

Result<void> Jail::setUpCgroup() {
    auto cgroup = createJailCgroup(options_.cgroup_parent, work_dir_.filename().string(), options_.limits);
    if (!cgroup) {
        return fail("{}", cgroup.error().message);
    }
    cgroup_path_ = cgroup->path;
    result_.cgroup_path = cgroup->path;
    result_.cgroup_cpu = cgroup->cpu;
    return {};
}

namespace {

Result<void> checkOptions(const JailOptions& o) {
    if (o.sample_path.empty()) {
        return fail("jail: no sample given");
    }
    if (o.filename.empty() || o.filename.find('/') != std::string::npos || o.filename == "." || o.filename == "..") {
        return fail("jail: sample file name '{}' must be a plain name", o.filename);
    }
    if (o.hostname.empty() || o.hostname.size() > 64) {
        return fail("jail: hostname must have 1..64 characters");
    }
    if (std::find(o.writable_dirs.begin(), o.writable_dirs.end(), o.workdir) == o.writable_dirs.end()) {
        return fail("jail: workdir {} is not one of the writable directories", o.workdir);
    }
    return {};
}

/// How to run the sample: its CPU (given, or sniffed from its first bytes) and the emulator for it.
Result<Emulation> chooseEmulation(const JailOptions& o) {
    std::string arch = o.arch;
    if (arch.empty()) {
        std::ifstream in(o.sample_path, std::ios::binary);
        if (!in) {
            return fail("jail: cannot read sample {}", o.sample_path);
        }
        std::array<uint8_t, 64> head{};
        in.read(reinterpret_cast<char*>(head.data()), head.size());
        arch = runArch(malware::sniffFileType(std::span<const uint8_t>(head.data(), size_t(in.gcount()))));
    }
    const auto emulation = emulationFor(arch);
    if (!emulation) {
        return fail("jail: no way to run a sample for CPU '{}'", arch);
    }
    return *emulation;
}

/// The TUN device node, name and addresses of NetworkMode::FakeTun.
Result<void> planFakeTun(const JailOptions& o, const fs::path& work_dir, detail::ChildPlan& plan) {
    const fs::path node = work_dir / "tun";
    if (mknod(node.c_str(), S_IFCHR | 0600, makedev(10, 200)) != 0) {
        return fail("jail: mknod {} (10,200): {}", node.string(), std::strerror(errno));
    }
    chown(node.c_str(), o.outside_uid, o.outside_gid);
    plan.tun_node = node.string();
    if (o.tun_name.empty() || o.tun_name.size() >= IFNAMSIZ) {
        return fail("jail: bad tun name '{}'", o.tun_name);
    }
    std::memcpy(plan.tun_name, o.tun_name.c_str(), o.tun_name.size() + 1);
    in_addr address{};
    in_addr gateway{};
    if (inet_pton(AF_INET, o.tun_address.c_str(), &address) != 1 ||
        inet_pton(AF_INET, o.tun_gateway.c_str(), &gateway) != 1 || o.tun_prefix_length < 1 ||
        o.tun_prefix_length > 32) {
        return fail("jail: bad tun address {}/{} via {}", o.tun_address, o.tun_prefix_length, o.tun_gateway);
    }
    plan.tun_address = address.s_addr;
    plan.tun_gateway = gateway.s_addr;
    plan.tun_netmask = htonl(o.tun_prefix_length == 32 ? 0xffffffffu : ~(0xffffffffu >> o.tun_prefix_length));
    return {};
}

/// What to execve: the sample itself, or qemu-user-static with the sample as its guest.
void planExec(const JailOptions& o, const Emulation& emulation, const std::string& qemu_host_path,
              const std::string& sample_jail_path, detail::ChildPlan& plan) {
    const std::string argv0 = o.argv0.empty() ? o.filename : o.argv0;
    if (!emulation.native) {
        plan.exec_path = jailQemuPath(qemu_host_path);
        plan.argv_text = {fs::path(qemu_host_path).filename().string(), "-0", argv0};
        if (emulation.supports_reserve) {
            plan.argv_text.insert(plan.argv_text.end(), {"-R", std::to_string(o.limits.qemu_guest_reserve_bytes)});
        }
        if (!o.qemu_strace_path.empty()) {
            plan.argv_text.insert(plan.argv_text.end(), {"-strace", "-D", o.qemu_strace_path});
        }
        plan.argv_text.push_back(sample_jail_path);
    } else {
        plan.exec_path = sample_jail_path;
        plan.argv_text = {argv0};
    }
    plan.argv_text.insert(plan.argv_text.end(), o.args.begin(), o.args.end());
    plan.env_text = o.env;
    for (std::string& arg : plan.argv_text) {
        plan.argv.push_back(arg.data());
    }
    plan.argv.push_back(nullptr);
    for (std::string& var : plan.env_text) {
        plan.envp.push_back(var.data());
    }
    plan.envp.push_back(nullptr);
}

/// The rlimits and the seccomp filter the sample runs under.
Result<void> planConfinement(const JailLimits& l, const Emulation& emulation, detail::ChildPlan& plan) {
    // qemu reserves the guest's address space up front (MAP_NORESERVE, no memory used): RLIMIT_AS must leave
    // room for it on top of the sample's allowance.
    uint64_t address_space = l.address_space_bytes;
    if (!emulation.native) {
        address_space += emulation.supports_reserve ? l.qemu_guest_reserve_bytes : (uint64_t{4} << 30);
    }
    plan.limits = {
        {RLIMIT_CPU, {l.cpu_seconds, l.cpu_seconds + 1}},
        {RLIMIT_AS, {address_space, address_space}},
        {RLIMIT_NPROC, {l.processes, l.processes}},
        {RLIMIT_FSIZE, {l.file_size_bytes, l.file_size_bytes}},
        {RLIMIT_NOFILE, {l.open_files, l.open_files}},
        {RLIMIT_CORE, {0, 0}},
        {RLIMIT_MEMLOCK, {0, 0}},
    };
    auto seccomp = compileSeccompPolicy();
    if (!seccomp) {
        return fail(seccomp.error());
    }
    plan.seccomp = std::move(*seccomp);
    return {};
}

/// stdin from /dev/null; stdout and stderr to the configured files or /dev/null.
Result<void> openStdio(const JailOptions& o, detail::ChildPlan& plan) {
    const std::string* outputs[3] = {nullptr, &o.stdout_path, &o.stderr_path};
    for (int i = 0; i < 3; ++i) {
        const bool to_file = outputs[i] != nullptr && !outputs[i]->empty();
        plan.stdio[i] = to_file ? open(outputs[i]->c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)
                                : open("/dev/null", (i == 0 ? O_RDONLY : O_WRONLY) | O_CLOEXEC);
        if (plan.stdio[i] < 0) {
            return fail("jail: cannot open {}: {}", to_file ? *outputs[i] : "/dev/null", std::strerror(errno));
        }
    }
    return {};
}

} // namespace

Result<fs::path> Jail::makeWorkDirectory() {
    const JailOptions& o = options_;
    // Work directory: root/ (the jail root), rw/ (writable directories), tun (device node).
    const char* tmp = std::getenv("TMPDIR");
    std::string parent = !o.work_parent.empty() ? o.work_parent : (tmp != nullptr && *tmp != '\0' ? tmp : "/tmp");
    std::string pattern = parent + "/kansoku-jail-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
        return fail("jail: mkdtemp {}: {}", pattern, std::strerror(errno));
    }
    work_dir_ = pattern;
    chmod(work_dir_.c_str(), 0711); // the child (outside uid) must traverse it
    const fs::path root = work_dir_ / "root";
    rw_dir_ = work_dir_ / "rw";
    std::error_code ec;
    fs::create_directories(root, ec);
    fs::create_directories(rw_dir_, ec);
    if (ec) {
        return fail("jail: cannot create {}: {}", work_dir_.string(), ec.message());
    }
    if (o.writable_tmpfs) {
        const std::string data = "size=" + std::to_string(o.limits.writable_bytes) +
                                 ",mode=0755,uid=" + std::to_string(o.outside_uid) +
                                 ",gid=" + std::to_string(o.outside_gid);
        if (mount("kansoku-jail", rw_dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, data.c_str()) == 0) {
            rw_mounted_ = true;
        }
    }
    return root;
}

Result<void> Jail::populateRoot(const fs::path& root, const std::string& qemu_host_path, detail::ChildPlan& plan) {
    const JailOptions& o = options_;
    std::unique_lock executable_write_lock(executableWriteMutex());
    KANSOKU_TRY(buildJailRoot(root, JailRootSpec{o.busybox_path, o.hostname, o.writable_dirs, qemu_host_path}));

    std::error_code ec;
    for (size_t i = 0; i < o.writable_dirs.size(); ++i) {
        const fs::path host_dir = rw_dir_ / std::to_string(i);
        fs::create_directory(host_dir, ec);
        if (ec) {
            return fail("jail: cannot create {}: {}", host_dir.string(), ec.message());
        }
        chown(host_dir.c_str(), o.outside_uid, o.outside_gid);
        chmod(host_dir.c_str(), o.writable_dirs[i] == "/tmp" ? 01777 : 0755);
        plan.writable_binds.emplace_back(host_dir.string(), (root / o.writable_dirs[i].substr(1)).string());
        if (o.writable_dirs[i] == o.workdir) {
            const fs::path copy = host_dir / o.filename;
            fs::copy_file(o.sample_path, copy, ec);
            if (ec) {
                return fail("jail: cannot copy sample {}: {}", o.sample_path, ec.message());
            }
            chmod(copy.c_str(), 0755);
            chown(copy.c_str(), o.outside_uid, o.outside_gid);
        }
    }
    executable_write_lock.unlock();
    for (const std::string& node : jailDeviceNodes()) {
        plan.device_binds.emplace_back("/dev/" + node, (root / "dev" / node).string());
    }
    plan.root = root.string();
    plan.proc_target = (root / "proc").string();
    return {};
}

Result<void> Jail::prepare(detail::ChildPlan& plan) {
    const JailOptions& o = options_;
    KANSOKU_TRY(checkOptions(o));
    const auto emulation = chooseEmulation(o);
    KANSOKU_TRY(emulation);
    process_.emulated = !emulation->native;
    const auto root = makeWorkDirectory();
    KANSOKU_TRY(root);
    std::string qemu_host_path;
    if (process_.emulated) {
        qemu_host_path = o.qemu_dir + "/" + std::string(emulation->qemu_binary);
        if (access(qemu_host_path.c_str(), X_OK) != 0) {
            return fail("jail: emulator {} not installed (Debian qemu-user-static)", qemu_host_path);
        }
    }
    KANSOKU_TRY(populateRoot(*root, qemu_host_path, plan));
    plan.hostname = o.hostname;
    plan.workdir = o.workdir;
    plan.trace = o.trace;
    if (o.network == NetworkMode::FakeTun) {
        KANSOKU_TRY(planFakeTun(o, work_dir_, plan));
    }
    planExec(o, *emulation, qemu_host_path, sampleJailPath(), plan);
    if (process_.emulated) {
        process_.emulator_path = plan.exec_path;
    }
    KANSOKU_TRY(planConfinement(o.limits, *emulation, plan));
    KANSOKU_TRY(openStdio(o, plan));
    if (o.use_cgroup) {
        auto cgroup = setUpCgroup();
        result_.cgroup_used = cgroup.has_value();
        if (!cgroup) {
            result_.cgroup_fallback = "rlimits only: " + cgroup.error().message;
        }
    }
    return {};
}

Result<pid_t> Jail::cloneInit(detail::ChildPlan& plan) {
    int socks[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, socks) != 0) {
        return fail("jail: socketpair: {}", std::strerror(errno));
    }
    control_fd_ = socks[0];
    plan.parent_sock = socks[0];
    plan.child_sock = socks[1];
    const int one = 1;
    setsockopt(control_fd_, SOL_SOCKET, SO_PASSCRED, &one, sizeof(one));

    const unsigned long flags =
        CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | SIGCHLD;
    start_time_ = std::chrono::steady_clock::now();
    std::unique_lock clone_lock(executableWriteMutex()); // see executableWriteMutex()
    const pid_t pid = static_cast<pid_t>(syscall(SYS_clone, flags, nullptr, nullptr, nullptr, nullptr));
    if (pid == 0) {
        runInit(plan);
    }
    clone_lock.unlock();
    close(socks[1]);
    if (pid < 0) {
        return fail("jail: clone: {}", std::strerror(errno));
    }
    return pid;
}

Result<void> Jail::mapIdentity(pid_t pid) {
    // Root inside = outside_uid/gid outside: one id, so nothing else of the host is reachable as "owner".
    const std::string proc = "/proc/" + std::to_string(pid);
    KANSOKU_TRY(detail::writeControlFile(proc + "/uid_map", fmt::format("0 {} 1\n", options_.outside_uid)));
    KANSOKU_TRY(detail::writeControlFile(proc + "/gid_map", fmt::format("0 {} 1\n", options_.outside_gid)));
    if (!cgroup_path_.empty()) {
        KANSOKU_TRY(detail::writeControlFile(cgroup_path_ + "/cgroup.procs", std::to_string(pid)));
    }
    return {};
}

Result<void> Jail::awaitSample() {
    // Read set-up messages until the sample reports in.
    const auto setup_deadline = std::chrono::steady_clock::now() + kSetupTimeout;
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(setup_deadline - std::chrono::steady_clock::now());
        pollfd pfd{control_fd_, POLLIN, 0};
        if (left.count() <= 0 || poll(&pfd, 1, static_cast<int>(left.count())) <= 0) {
            return fail("jail: set-up timed out");
        }
        char buffer[512];
        iovec iov{buffer, sizeof(buffer)};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(ucred)) + CMSG_SPACE(sizeof(int))] = {};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        const ssize_t n = recvmsg(control_fd_, &msg, MSG_CMSG_CLOEXEC);
        if (n <= 0) {
            return fail("jail: init exited during set-up");
        }
        ucred creds{};
        bool have_creds = false;
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                int fd = -1;
                std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
                if (buffer[0] == kMsgTun && process_.tun_fd < 0) {
                    process_.tun_fd = fd;
                } else {
                    close(fd);
                }
            } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) {
                std::memcpy(&creds, CMSG_DATA(c), sizeof(creds));
                have_creds = true;
            }
        }
        if (buffer[0] == kMsgError) {
            return fail("jail: set-up failed in the jail: {}", std::string(buffer + 1, size_t(n - 1)));
        }
        if (buffer[0] == kMsgSample) {
            if (!have_creds || creds.pid <= 0) {
                return fail("jail: no pid from the sample");
            }
            process_.sample_pid = creds.pid;
            return {};
        }
    }
}

Result<JailedProcess> Jail::start() {
    if (started_) {
        return fail("jail: already started");
    }
    detail::ChildPlan plan;
    auto close_stdio = [&plan] {
        for (int& fd : plan.stdio) {
            closeFd(fd);
        }
    };
    auto prepared = prepare(plan);
    Result<pid_t> pid = prepared ? cloneInit(plan) : Result<pid_t>(fail(prepared.error()));
    close_stdio();
    KANSOKU_TRY(pid);
    started_ = true;
    process_.init_pid = *pid;
    process_.init_pidfd = static_cast<int>(syscall(SYS_pidfd_open, *pid, 0));

    const char go = kMsgGo;
    auto ready = mapIdentity(*pid);
    if (ready && send(control_fd_, &go, 1, MSG_NOSIGNAL) != 1) {
        ready = fail("jail: control socket: {}", std::strerror(errno));
    }
    if (ready) {
        ready = awaitSample();
    }
    if (!ready) {
        killAll();
        int status = 0;
        waitpid(process_.init_pid, &status, __WALL);
        reaped_ = true;
        return fail(ready.error());
    }
    deadline_ = start_time_ + options_.timeout;
    watchdog_ = std::thread([this] { watchdog(deadline_); });
    return process_;
}

void Jail::watchdog(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_until(lock, deadline, [this] { return stop_watchdog_; })) {
        timed_out_ = true;
        killAll();
    }
}

void Jail::stopWatchdog() {
    {
        std::lock_guard lock(mutex_);
        stop_watchdog_ = true;
    }
    cv_.notify_all();
    if (watchdog_.joinable()) {
        watchdog_.join();
    }
}

void Jail::killAll() {
    if (!started_ || reaped_) {
        return;
    }
    if (!cgroup_path_.empty()) {
        (void)detail::writeControlFile(cgroup_path_ + "/cgroup.kill", "1");
    }
    if (process_.init_pidfd >= 0) {
        syscall(SYS_pidfd_send_signal, process_.init_pidfd, SIGKILL, nullptr, 0);
    } else {
        kill(process_.init_pid, SIGKILL);
    }
}

void Jail::drainReports(bool block_until_eof) {
    for (;;) {
        char buffer[64];
        const ssize_t n = recv(control_fd_, buffer, sizeof(buffer), block_until_eof ? 0 : MSG_DONTWAIT);
        if (n <= 0) {
            return;
        }
        if ((buffer[0] != kMsgReaped && buffer[0] != kMsgOther) || n < static_cast<ssize_t>(1 + sizeof(int))) {
            continue;
        }
        int status = 0;
        std::memcpy(&status, buffer + 1, sizeof(int));
        ++result_.processes_reaped;
        if (WIFSIGNALED(status)) {
            result_.cpu_limit_hit = result_.cpu_limit_hit || WTERMSIG(status) == SIGXCPU;
            result_.file_size_limit_hit = result_.file_size_limit_hit || WTERMSIG(status) == SIGXFSZ;
        }
        if (buffer[0] == kMsgReaped) {
            result_.sample_status_known = true;
            result_.sample_exited = WIFEXITED(status);
            result_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            result_.term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
        }
    }
}

Result<JailResult> Jail::wait() {
    return wait(deadline_);
}

Result<JailResult> Jail::wait(std::chrono::steady_clock::time_point deadline) {
    if (!started_) {
        return fail("jail: not started");
    }
    if (reaped_) {
        return result_;
    }
    deadline = std::min(deadline, deadline_);
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out_ = true;
            killAll();
            break;
        }
        pollfd pfd{process_.init_pidfd, POLLIN, 0};
        const int ready = poll(&pfd, 1, static_cast<int>(std::min<long>(left.count(), 1000)));
        if (ready > 0 || (ready < 0 && errno != EINTR)) {
            break; // init has exited (or was reaped by a tracer's waitpid(-1))
        }
    }
    int status = 0;
    rusage usage{};
    const pid_t got = static_cast<pid_t>(syscall(SYS_wait4, process_.init_pid, &status, __WALL, &usage));
    reaped_ = true;
    stopWatchdog();
    result_.wall =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start_time_);
    if (got == process_.init_pid) {
        result_.user_seconds = double(usage.ru_utime.tv_sec) + double(usage.ru_utime.tv_usec) / 1e6;
        result_.system_seconds = double(usage.ru_stime.tv_sec) + double(usage.ru_stime.tv_usec) / 1e6;
        result_.max_rss_kb = usage.ru_maxrss;
    }
    // Init is gone, so the socket's other end is closed: read every report up to EOF.
    drainReports(true);
    result_.timed_out = timed_out_;
    if (result_.timed_out && !result_.sample_status_known) {
        result_.term_signal = SIGKILL; // still running at the deadline: it died with the namespace's init
    }
    if (result_.sample_status_known && result_.term_signal == SIGKILL &&
        result_.user_seconds + result_.system_seconds >= double(options_.limits.cpu_seconds)) {
        result_.cpu_limit_hit = true;
    }
    if (!cgroup_path_.empty()) {
        const std::string events = readCgroupFile(cgroup_path_ + "/memory.events");
        const auto at = events.find("oom_kill ");
        result_.memory_limit_hit = at != std::string::npos && std::atol(events.c_str() + at + 9) > 0;
    }
    return result_;
}

std::vector<JailFile> Jail::writableFiles() const {
    std::vector<JailFile> files;
    for (size_t i = 0; i < options_.writable_dirs.size(); ++i) {
        const fs::path base = rw_dir_ / std::to_string(i);
        std::error_code ec;
        for (fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec), end;
             !ec && it != end; it.increment(ec)) {
            JailFile file;
            file.host_path = it->path();
            file.jail_path = options_.writable_dirs[i] + "/" + fs::relative(it->path(), base, ec).string();
            file.symlink = it->is_symlink(ec);
            file.directory = !file.symlink && it->is_directory(ec);
            if (!file.symlink && !file.directory) {
                file.size = it->file_size(ec);
            }
            files.push_back(std::move(file));
        }
    }
    std::sort(files.begin(), files.end(),
              [](const JailFile& a, const JailFile& b) { return a.jail_path < b.jail_path; });
    return files;
}

void Jail::teardown() {
    closeFd(control_fd_);
    closeFd(process_.init_pidfd);
    closeFd(process_.tun_fd);
    if (!cgroup_path_.empty()) {
        rmdir(cgroup_path_.c_str());
    }
    if (rw_mounted_) {
        umount2(rw_dir_.c_str(), MNT_DETACH);
    }
    if (!work_dir_.empty()) {
        std::error_code ec;
        fs::remove_all(work_dir_, ec);
    }
}

} // namespace kansoku::sandbox
