// The ptrace Tracer on small x86-64 programs compiled here with gcc. Each runs as a PTRACE_TRACEME child
// in a network namespace of its own (unshare(CLONE_NEWNET): only a down loopback), so nothing it sends
// can reach any network; files it writes go to the test's temporary directory.

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox/tracer/tracer.h"
#include "support/temp_dir.h"

namespace kansoku::sandbox {
namespace {

using namespace std::chrono_literals;

constexpr int kNoNamespace = 125;

class TracerTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (std::system("command -v gcc >/dev/null 2>&1") != 0) {
            GTEST_SKIP() << "gcc not found: the traced test programs are compiled at test time";
        }
    }

    /// Compiles `source` into the temp dir; returns the executable's absolute path.
    std::string compile(const std::string& name, const std::string& source) {
        const std::string c_file = dir_.file(name + ".c");
        const std::string exe = dir_.file(name);
        std::ofstream(c_file) << source;
        const std::string command =
            "gcc -O0 -pthread -o '" + exe + "' '" + c_file + "' 2>'" + dir_.file(name + ".log") + "'";
        EXPECT_EQ(std::system(command.c_str()), 0) << "gcc failed for " << name;
        return exe;
    }

    /// Runs `exe` traced, in a fresh network namespace, with the temp dir as working directory.
    Observation trace(const std::string& exe, std::vector<std::string> args = {}, TracerOptions options = {}) {
        std::vector<std::string> argv_text{exe};
        argv_text.insert(argv_text.end(), args.begin(), args.end());
        std::vector<char*> argv;
        for (std::string& arg : argv_text) {
            argv.push_back(arg.data());
        }
        argv.push_back(nullptr);
        const std::string cwd = dir_.path().string();
        const pid_t child = ::fork();
        if (child == 0) {
            const bool isolated = ::unshare(CLONE_NEWNET) == 0 || ::unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0;
            ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
            ::raise(SIGSTOP);
            if (!isolated || ::chdir(cwd.c_str()) != 0) {
                ::_exit(kNoNamespace);
            }
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        if (options.timeout == TracerOptions{}.timeout) {
            options.timeout = 20s;
        }
        Tracer tracer(options);
        auto result = tracer.run(child);
        EXPECT_TRUE(result.has_value()) << (result ? "" : result.error().message);
        if (!result) {
            return {};
        }
        root_ = child;
        return std::move(*result);
    }

    bool skippedNoNamespace(const Observation& observation) {
        const ProcessRecord* root = observation.process(root_);
        return root != nullptr && root->exit_code == kNoNamespace && root->execs.empty();
    }

    kansoku::testing::TempDir dir_;
    pid_t root_ = 0;
};

#define SKIP_IF_NO_NAMESPACE(observation)                                                                              \
    if (skippedNoNamespace(observation)) {                                                                             \
        GTEST_SKIP() << "cannot create a network namespace (needs root or user namespaces)";                           \
    }

TEST_F(TracerTest, ProgramThatExitsAtOnce) {
    const std::string exe = compile("quick", "int main(void) { return 3; }\n");
    const Observation observation = trace(exe);
    SKIP_IF_NO_NAMESPACE(observation);
    ASSERT_EQ(observation.processes.size(), 1U);
    const ProcessRecord& root = observation.processes[0];
    EXPECT_EQ(root.pid, root_);
    EXPECT_EQ(root.origin, "root");
    ASSERT_EQ(root.execs.size(), 1U);
    EXPECT_EQ(root.execs[0].path, exe);
    EXPECT_EQ(root.execs[0].argv, std::vector<std::string>{exe});
    EXPECT_EQ(root.exit_code, 3);
    EXPECT_FALSE(observation.deadline_reached);
    EXPECT_GT(observation.counters.syscalls, 0U);
    EXPECT_EQ(observation.source, "ptrace");
    const auto json = observation.toJson();
    EXPECT_EQ(json["processes"][0]["exit_code"], 3);
}

TEST_F(TracerTest, ForkExecTree) {
    const std::string exe = compile("tree", R"(
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
    pid_t child = fork();
    if (child == 0) {
        char* argv[] = {"true", "first-arg", 0};
        execv("/bin/true", argv);
        _exit(99);
    }
    waitpid(child, 0, 0);
    return 7;
}
)");
    const Observation observation = trace(exe);
    SKIP_IF_NO_NAMESPACE(observation);
    ASSERT_EQ(observation.processes.size(), 2U);
    const ProcessRecord& child = observation.processes[1];
    EXPECT_EQ(child.parent, root_);
    EXPECT_EQ(child.origin, "fork");
    ASSERT_EQ(child.execs.size(), 1U);
    EXPECT_EQ(child.execs[0].path, "/bin/true");
    EXPECT_EQ(child.execs[0].argv, (std::vector<std::string>{"true", "first-arg"}));
    EXPECT_EQ(child.execs[0].result, 0);
    EXPECT_EQ(child.exit_code, 0);
    EXPECT_EQ(observation.process(root_)->exit_code, 7);
}

TEST_F(TracerTest, RenameByPrctlAndArgvOverwrite) {
    const std::string exe = compile("rename", R"(
#include <string.h>
#include <sys/prctl.h>
int main(int argc, char** argv) {
    (void)argc;
    prctl(PR_SET_NAME, "kworker/0:1", 0, 0, 0);
    size_t length = strlen(argv[0]);
    memset(argv[0], 0, length);
    memcpy(argv[0], "sshd", 4);
    return 0;
}
)");
    const Observation observation = trace(exe);
    SKIP_IF_NO_NAMESPACE(observation);
    ASSERT_EQ(observation.renames.size(), 2U);
    EXPECT_EQ(observation.renames[0].kind, "prctl");
    EXPECT_EQ(observation.renames[0].to, "kworker/0:1");
    EXPECT_EQ(observation.renames[0].from, "rename");
    EXPECT_EQ(observation.renames[1].kind, "argv");
    EXPECT_EQ(observation.renames[1].from, exe);
    EXPECT_EQ(observation.renames[1].to, "sshd");
    EXPECT_EQ(observation.process(root_)->name, "kworker/0:1");
}

TEST_F(TracerTest, SelfDeletion) {
    const std::string exe = compile("selfdelete", R"(
#include <unistd.h>
int main(int argc, char** argv) { (void)argc; unlink(argv[0]); unlink("not-me"); return 0; }
)");
    const Observation observation = trace(exe);
    SKIP_IF_NO_NAMESPACE(observation);
    ASSERT_EQ(observation.files.size(), 2U);
    EXPECT_EQ(observation.files[0].op, "unlink");
    EXPECT_EQ(observation.files[0].path, exe);
    EXPECT_EQ(observation.files[0].result, 0);
    EXPECT_TRUE(observation.files[0].self_delete);
    EXPECT_EQ(observation.files[1].path, dir_.file("not-me")); // relative path resolved against the cwd
    EXPECT_FALSE(observation.files[1].self_delete);
    EXPECT_LT(observation.files[1].result, 0);
    EXPECT_TRUE(observation.self_deleted);
    EXPECT_FALSE(std::ifstream(exe).good());
}

TEST_F(TracerTest, RawSocket) {
    if (::geteuid() != 0) {
        GTEST_SKIP() << "SOCK_RAW needs root";
    }
    const std::string exe = compile("raw", R"(
#include <netinet/in.h>
#include <sys/socket.h>
int main(void) { return socket(AF_INET, SOCK_RAW, IPPROTO_TCP) >= 0 ? 0 : 1; }
)");
    const Observation observation = trace(exe);
    SKIP_IF_NO_NAMESPACE(observation);
    ASSERT_EQ(observation.network.size(), 1U);
    EXPECT_EQ(observation.network[0].op, "socket");
    EXPECT_EQ(observation.network[0].domain, AF_INET);
    EXPECT_EQ(observation.network[0].type, SOCK_RAW);
    EXPECT_EQ(observation.network[0].protocol, 6);
    EXPECT_TRUE(observation.network[0].raw);
    EXPECT_GE(observation.network[0].result, 0);
}

TEST_F(TracerTest, ConnectBindListenSendto) {
    const std::string exe = compile("net", R"(
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
int main(void) {
    struct sockaddr_in resolver; memset(&resolver, 0, sizeof resolver);
    resolver.sin_family = AF_INET; resolver.sin_port = htons(53);
    inet_pton(AF_INET, "192.0.2.53", &resolver.sin_addr);
    int tcp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    connect(tcp, (struct sockaddr*)&resolver, sizeof resolver);
    int server = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in local; memset(&local, 0, sizeof local);
    local.sin_family = AF_INET; local.sin_port = htons(48101);
    inet_pton(AF_INET, "127.0.0.1", &local.sin_addr);
    bind(server, (struct sockaddr*)&local, sizeof local);
    listen(server, 5);
    int udp = socket(AF_INET, SOCK_DGRAM, 0);
    for (int i = 0; i < 3; ++i) sendto(udp, "hello", 5, 0, (struct sockaddr*)&resolver, sizeof resolver);
    return 0;
}
)");
    const Observation observation = trace(exe);
    SKIP_IF_NO_NAMESPACE(observation);
    std::vector<std::string> ops;
    for (const NetworkActivity& n : observation.network) {
        ops.push_back(n.op);
    }
    ASSERT_EQ(ops, (std::vector<std::string>{"socket", "connect", "socket", "bind", "listen", "socket"}));
    const NetworkActivity& connect = observation.network[1];
    EXPECT_EQ(connect.address, "192.0.2.53");
    EXPECT_EQ(connect.port, 53);
    EXPECT_EQ(connect.type, SOCK_STREAM); // from the socket() of that fd, flags stripped
    EXPECT_LT(connect.result, 0);         // no route in the empty namespace: still recorded
    const NetworkActivity& bind = observation.network[3];
    EXPECT_EQ(bind.address, "127.0.0.1");
    EXPECT_EQ(bind.port, 48101);
    ASSERT_EQ(observation.sends.size(), 1U);
    EXPECT_EQ(observation.sends[0].address, "192.0.2.53");
    EXPECT_EQ(observation.sends[0].port, 53);
    EXPECT_EQ(observation.sends[0].calls, 3U);
    EXPECT_EQ(observation.sends[0].bytes, 15U);
}

TEST_F(TracerTest, KillOfOwnChild) {
    const std::string exe = compile("killer", R"(
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
    pid_t child = fork();
    if (child == 0) { for (;;) pause(); }
    kill(child, SIGKILL);
    waitpid(child, 0, 0);
    kill(1, 0); /* pid 1 of the host: another process, signal 0 only probes */
    return 0;
}
)");
    const Observation observation = trace(exe);
    SKIP_IF_NO_NAMESPACE(observation);
    ASSERT_EQ(observation.processes.size(), 2U);
    const int child = observation.processes[1].pid;
    ASSERT_EQ(observation.signals.size(), 2U);
    EXPECT_EQ(observation.signals[0].call, "kill");
    EXPECT_EQ(observation.signals[0].target, child);
    EXPECT_EQ(observation.signals[0].signal, SIGKILL);
    EXPECT_EQ(observation.signals[0].target_kind, "tree");
    EXPECT_EQ(observation.signals[1].target, 1);
    EXPECT_EQ(observation.signals[1].target_kind, "other");
    EXPECT_EQ(observation.processes[1].exit_signal, SIGKILL);
}

TEST_F(TracerTest, FileWritesAndPersistenceAttempts) {
    const bool init_script_existed = std::ifstream("/etc/init.d/S95x").good();
    const std::string exe = compile("files", R"(
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>
int main(void) {
    int fd = open("x.sh", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    write(fd, "#!/bin/sh\n", 10);
    write(fd, "echo hi\n", 8);
    close(fd);
    chmod("x.sh", 0755);
    mkdir("sub", 0700);
    rename("x.sh", "sub/y.sh");
    /* No O_CREAT: fails where the file does not exist, and changes nothing where it does. */
    int init = open("/etc/init.d/S95x", O_WRONLY | O_APPEND);
    if (init >= 0) close(init);
    int profile = open(".bashrc", O_WRONLY | O_CREAT | O_APPEND, 0644);
    close(profile);
    return 0;
}
)");
    const Observation observation = trace(exe);
    SKIP_IF_NO_NAMESPACE(observation);
    std::vector<std::string> ops;
    for (const FileActivity& f : observation.files) {
        ops.push_back(f.op + " " + f.path);
    }
    const std::string x_sh = dir_.file("x.sh");
    ASSERT_EQ(ops,
              (std::vector<std::string>{"create " + x_sh, "chmod " + x_sh, "mkdir " + dir_.file("sub"),
                                        "rename " + x_sh, "write /etc/init.d/S95x", "create " + dir_.file(".bashrc")}));
    EXPECT_EQ(observation.files[0].bytes_written, 18U);
    EXPECT_EQ(observation.files[0].mode, 0644U);
    EXPECT_EQ(observation.files[1].mode, 0755U);
    EXPECT_EQ(observation.files[3].target, dir_.file("sub/y.sh"));
    ASSERT_EQ(observation.persistence.size(), 2U);
    EXPECT_EQ(observation.persistence[0].kind, "init_script");
    EXPECT_EQ(observation.persistence[0].path, "/etc/init.d/S95x");
    if (!init_script_existed) {
        EXPECT_LT(observation.persistence[0].result, 0);
        EXPECT_FALSE(std::ifstream("/etc/init.d/S95x").good());
    }
    EXPECT_EQ(observation.persistence[1].kind, "shell_profile");
    EXPECT_TRUE(std::ifstream(dir_.file("sub/y.sh")).good());
}

TEST_F(TracerTest, Multithreaded) {
    const std::string exe = compile("threads", R"(
#include <pthread.h>
#include <unistd.h>
static void* work(void* arg) { (void)arg; usleep(1000); return 0; }
int main(void) {
    pthread_t threads[4];
    for (int i = 0; i < 4; ++i) pthread_create(&threads[i], 0, work, 0);
    for (int i = 0; i < 4; ++i) pthread_join(threads[i], 0);
    return 0;
}
)");
    const Observation observation = trace(exe);
    SKIP_IF_NO_NAMESPACE(observation);
    ASSERT_EQ(observation.processes.size(), 5U);
    for (std::size_t i = 1; i < observation.processes.size(); ++i) {
        EXPECT_EQ(observation.processes[i].origin, "thread");
        EXPECT_EQ(observation.processes[i].parent, root_);
        EXPECT_TRUE(observation.processes[i].exit_code.has_value());
    }
    EXPECT_EQ(observation.process(root_)->exit_code, 0);
}

TEST_F(TracerTest, RunsPastDeadlineAndIsKilled) {
    const std::string exe = compile("sleeper", R"(
#include <unistd.h>
int main(void) { fork(); for (;;) sleep(60); }
)");
    TracerOptions options;
    options.timeout = 500ms;
    const auto start = std::chrono::steady_clock::now();
    const Observation observation = trace(exe, {}, options);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    SKIP_IF_NO_NAMESPACE(observation);
    EXPECT_LT(elapsed, 5s);
    EXPECT_TRUE(observation.deadline_reached);
    ASSERT_EQ(observation.processes.size(), 2U);
    EXPECT_EQ(observation.counters.processes_killed, 2U);
    for (const ProcessRecord& p : observation.processes) {
        EXPECT_TRUE(p.killed_at_deadline);
        EXPECT_EQ(p.exit_signal, SIGKILL);
    }
    // Nothing is left behind: no children to wait for.
    EXPECT_EQ(::waitpid(-1, nullptr, WNOHANG), -1);
}

TEST_F(TracerTest, StopFlagEndsTheRun) {
    const std::string exe = compile("sleeper2", "#include <unistd.h>\nint main(void) { sleep(60); return 0; }\n");
    std::atomic<bool> stop{true};
    TracerOptions options;
    options.stop = &stop;
    const Observation observation = trace(exe, {}, options);
    SKIP_IF_NO_NAMESPACE(observation);
    EXPECT_FALSE(observation.deadline_reached);
    EXPECT_EQ(observation.counters.processes_killed, 1U);
}

TEST_F(TracerTest, EventLimitIsCounted) {
    const std::string exe = compile("many", R"(
#include <unistd.h>
int main(void) { for (int i = 0; i < 50; ++i) unlink("nothing-here"); return 0; }
)");
    TracerOptions options;
    options.limits.max_events = 10;
    const Observation observation = trace(exe, {}, options);
    SKIP_IF_NO_NAMESPACE(observation);
    EXPECT_EQ(observation.files.size(), 10U);
    EXPECT_EQ(observation.counters.events_dropped, 40U);
}

TEST(TracerSetup, ChildThatDoesNotStopIsAnError) {
    const pid_t child = ::fork();
    if (child == 0) {
        ::_exit(0);
    }
    Tracer tracer;
    const auto result = tracer.run(child);
    ASSERT_FALSE(result.has_value());
    EXPECT_NE(result.error().message.find("did not stop"), std::string::npos);
}

} // namespace
} // namespace kansoku::sandbox
