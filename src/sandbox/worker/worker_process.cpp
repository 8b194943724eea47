#include "sandbox/worker/worker_process.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace kansoku::sandbox::worker {

namespace {

constexpr int kChildChannelFd = 3;

/// In the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void execChild(char* const* argv, int channel, int devnull, pid_t parent, int max_fd) {
    if (::dup2(devnull, STDIN_FILENO) < 0) {
        ::_exit(126);
    }
    if (channel == kChildChannelFd) {
        ::fcntl(channel, F_SETFD, 0);
    } else if (::dup2(channel, kChildChannelFd) < 0) { // dup2 clears close-on-exec on the copy
        ::_exit(126);
    }
    // Every descriptor above the channel: the parent's sockets and files are none of the worker's business.
    if (::syscall(SYS_close_range, kChildChannelFd + 1, ~0U, 0) != 0) {
        for (int fd = kChildChannelFd + 1; fd < max_fd; ++fd) {
            ::close(fd);
        }
    }
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) {
        ::_exit(126); // the parent is already gone
    }
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) {
        ::sigaction(sig, &dfl, nullptr); // ignored signals (SIGPIPE) would stay ignored across exec
    }
    ::execv(argv[0], argv);
    ::_exit(127);
}

} // namespace

Result<WorkerProcess> WorkerProcess::spawn(const std::vector<std::string>& command) {
    if (command.empty()) {
        return fail("sandbox worker: empty command");
    }
    std::vector<std::string> args = command;
    args.emplace_back("--channel-fd");
    args.emplace_back(std::to_string(kChildChannelFd));
    std::vector<char*> argv;
    for (std::string& arg : args) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);

    int fds[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
        return fail("sandbox worker: socketpair: {}", std::strerror(errno));
    }
    const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) {
        const int saved = errno;
        ::close(fds[0]);
        ::close(fds[1]);
        return fail("sandbox worker: /dev/null: {}", std::strerror(saved));
    }
    rlimit files{};
    const int max_fd = ::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur != RLIM_INFINITY
                           ? static_cast<int>(std::min<rlim_t>(files.rlim_cur, 1 << 20))
                           : 65536;
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid == 0) {
        execChild(argv.data(), fds[1], devnull, parent, max_fd);
    }
    const int saved = errno;
    ::close(fds[1]);
    ::close(devnull);
    if (pid < 0) {
        ::close(fds[0]);
        return fail("sandbox worker: fork: {}", std::strerror(saved));
    }
    ::fcntl(fds[0], F_SETFL, ::fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    return WorkerProcess(pid, fds[0]);
}

WorkerProcess::WorkerProcess(WorkerProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), fd_(std::exchange(other.fd_, -1)), killed_(other.killed_),
      reaped_(other.reaped_), status_(other.status_) {}

WorkerProcess& WorkerProcess::operator=(WorkerProcess&& other) noexcept {
    if (this != &other) {
        release();
        pid_ = std::exchange(other.pid_, -1);
        fd_ = std::exchange(other.fd_, -1);
        killed_ = other.killed_;
        reaped_ = other.reaped_;
        status_ = other.status_;
    }
    return *this;
}

WorkerProcess::~WorkerProcess() {
    release();
}

void WorkerProcess::release() {
    closeChannel();
    if (pid_ > 0 && !reaped_) {
        kill();
        while (::waitpid(pid_, &status_, 0) < 0 && errno == EINTR) {
        }
        reaped_ = true;
    }
    pid_ = -1;
}

void WorkerProcess::closeChannel() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

void WorkerProcess::kill() {
    if (pid_ > 0 && !reaped_ && !killed_) {
        ::kill(pid_, SIGKILL);
        killed_ = true;
    }
}

std::optional<int> WorkerProcess::tryReap() {
    if (reaped_) {
        return status_;
    }
    if (pid_ <= 0) {
        return std::nullopt;
    }
    int status = 0;
    const pid_t got = ::waitpid(pid_, &status, WNOHANG);
    if (got == pid_ || (got < 0 && errno == ECHILD)) {
        reaped_ = true;
        status_ = got == pid_ ? status : 0;
        return status_;
    }
    return std::nullopt;
}

std::string describeWaitStatus(int status) {
    if (WIFSIGNALED(status)) {
        return fmt::format("signal {} ({})", WTERMSIG(status), ::strsignal(WTERMSIG(status)));
    }
    if (WIFEXITED(status)) {
        return fmt::format("exit status {}", WEXITSTATUS(status));
    }
    return fmt::format("wait status {}", status);
}

} // namespace kansoku::sandbox::worker
