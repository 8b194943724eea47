// QemuStraceParser on real qemu-user logs (data/README.md says how they were made) and on cut,
// interleaved and garbage lines; plus the shared classifications of ObservationRecorder.

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>

#include "common/attacker_text.h"
#include "sandbox/tracer/observation_recorder.h"
#include "sandbox/tracer/qemu_strace_parser.h"

namespace kansoku::sandbox {
namespace {

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(KANSOKU_TRACER_TEST_DATA) + "/" + name, std::ios::binary);
    EXPECT_TRUE(in.good()) << "missing fixture " << name;
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The sample (data/qemu_strace_sample.c) did the same on ARM and MIPS; both logs say so.
void expectSampleBehaviour(const Observation& o, int root) {
    EXPECT_EQ(o.source, "qemu-strace");
    EXPECT_EQ(o.counters.lines_malformed, 0U);
    ASSERT_EQ(o.processes.size(), 3U);
    EXPECT_EQ(o.processes[0].pid, root);
    EXPECT_EQ(o.processes[0].origin, "root");
    EXPECT_EQ(o.processes[0].exit_code, 3);
    EXPECT_EQ(o.processes[1].parent, root);
    EXPECT_EQ(o.processes[1].origin, "fork");
    const ProcessRecord& exec_child = o.processes[2];
    ASSERT_EQ(exec_child.execs.size(), 1U);
    EXPECT_EQ(exec_child.execs[0].path, "/bin/true");
    EXPECT_EQ(exec_child.execs[0].argv, (std::vector<std::string>{"/bin/true", "x"}));

    ASSERT_EQ(o.files.size(), 6U);
    EXPECT_EQ(o.files[0].op, "create");
    EXPECT_EQ(o.files[0].path, "/tmp/kq_x.sh");
    EXPECT_EQ(o.files[0].mode, 0755U);
    EXPECT_EQ(o.files[0].bytes_written, 10U);
    EXPECT_EQ(o.files[1].op, "unlink");
    EXPECT_EQ(o.files[2].op, "mkdir");
    EXPECT_EQ(o.files[2].mode, 0700U);
    EXPECT_EQ(o.files[3].op, "rmdir");
    EXPECT_EQ(o.files[4].op, "chmod");
    EXPECT_EQ(o.files[4].result, -2);
    EXPECT_EQ(o.files[5].op, "rename");
    EXPECT_EQ(o.files[5].target, "/tmp/nonexist_b");

    ASSERT_EQ(o.network.size(), 4U);
    EXPECT_EQ(o.network[0].op, "socket");
    EXPECT_EQ(o.network[0].domain, AF_INET);
    EXPECT_EQ(o.network[0].type, SOCK_STREAM);
    EXPECT_EQ(o.network[1].op, "connect");
    EXPECT_LT(o.network[1].result, 0);
    EXPECT_EQ(o.network[2].type, SOCK_DGRAM);
    EXPECT_EQ(o.network[3].op, "bind");
    EXPECT_EQ(o.network[3].address, "127.0.0.1");
    EXPECT_EQ(o.network[3].port, 48101);

    ASSERT_EQ(o.signals.size(), 1U);
    EXPECT_EQ(o.signals[0].target, o.processes[1].pid);
    EXPECT_EQ(o.signals[0].signal, SIGKILL);
    EXPECT_EQ(o.signals[0].target_kind, "tree");
    ASSERT_EQ(o.renames.size(), 1U);
    EXPECT_EQ(o.renames[0].kind, "prctl");
}

TEST(QemuStraceParser, ArmLog) {
    expectSampleBehaviour(parseQemuStrace(fixture("qemu_arm_strace.log")), 27744);
}

TEST(QemuStraceParser, MipsLog) {
    expectSampleBehaviour(parseQemuStrace(fixture("qemu_mips_strace.log")), 27749);
}

TEST(QemuStraceParser, InterleavedStderrLog) {
    // -strace on stderr: a child's " = 0" lands on a line of its own.
    expectSampleBehaviour(parseQemuStrace(fixture("qemu_arm_strace_stderr.log")), 28557);
}

TEST(QemuStraceParser, ChunkedFeedEqualsWhole) {
    const std::string text = fixture("qemu_arm_strace.log");
    for (const std::size_t step : {1U, 7U, 64U}) {
        QemuStraceParser parser;
        for (std::size_t at = 0; at < text.size(); at += step) {
            parser.feed(std::string_view(text).substr(at, step));
        }
        EXPECT_EQ(parser.finish().toJson(), parseQemuStrace(text).toJson()) << "step " << step;
    }
}

TEST(QemuStraceParser, ConnectWithDecodedAddressAndSendto) {
    const Observation o = parseQemuStrace(
        "100 socket(PF_INET,SOCK_RAW,IPPROTO_TCP) = 3\n"
        "100 connect(3,{sin_family=AF_INET,sin_port=htons(23),sin_addr=inet_addr(\"192.0.2.7\")}, 16) = -1 errno=111 "
        "(Connection refused)\n"
        "100 sendto(3,0x1000,40,0,{sin_family=AF_INET,sin_port=htons(80),sin_addr=inet_addr(\"198.51.100.9\")},16) = "
        "40\n"
        "100 sendto(3,0x1000,40,0,{sin_family=AF_INET,sin_port=htons(80),sin_addr=inet_addr(\"198.51.100.9\")},16) = "
        "40\n"
        "100 listen(3,1) = 0\n");
    ASSERT_EQ(o.network.size(), 3U);
    EXPECT_TRUE(o.network[0].raw);
    EXPECT_EQ(o.network[0].protocol, 6);
    EXPECT_EQ(o.network[1].address, "192.0.2.7");
    EXPECT_EQ(o.network[1].port, 23);
    EXPECT_EQ(o.network[1].result, -111);
    EXPECT_EQ(o.network[2].op, "listen");
    ASSERT_EQ(o.sends.size(), 1U);
    EXPECT_EQ(o.sends[0].calls, 2U);
    EXPECT_EQ(o.sends[0].bytes, 80U);
}

TEST(QemuStraceParser, SelfDeletionPersistenceAndKills) {
    const Observation o = parseQemuStrace(
        "5 execve(\"/tmp/bot\",{\"/tmp/bot\",NULL}) = 0\n"
        "5 unlink(\"/tmp/bot\") = 0\n"
        "5 openat(AT_FDCWD,\"/etc/init.d/S95x\",O_WRONLY|O_CREAT|O_TRUNC,0777) = -1 errno=30 (Read-only file system)\n"
        "5 open(\"/dev/watchdog\",O_RDWR) = -1 errno=2 (No such file or directory)\n"
        "5 kill(-1,SIGKILL) = 0\n"
        "5 kill(4242,SIGTERM) = 0\n"
        "5 clone(CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM,child_stack=0x1) = 6\n");
    EXPECT_TRUE(o.self_deleted);
    EXPECT_TRUE(o.files[0].self_delete);
    ASSERT_EQ(o.persistence.size(), 1U);
    EXPECT_EQ(o.persistence[0].kind, "init_script");
    EXPECT_EQ(o.persistence[0].result, -30);
    EXPECT_TRUE(o.watchdog_access);
    ASSERT_EQ(o.signals.size(), 2U);
    EXPECT_EQ(o.signals[0].target_kind, "all");
    EXPECT_EQ(o.signals[1].target_kind, "other");
    EXPECT_EQ(o.signals[1].signal, SIGTERM);
    ASSERT_EQ(o.processes.size(), 2U);
    EXPECT_EQ(o.processes[1].origin, "thread");
}

TEST(QemuStraceParser, TruncatedAndGarbageLinesAreCounted) {
    const Observation o = parseQemuStrace("27744 openat(AT_FDCWD,\"/tmp/kq\n"   // cut mid-call
                                          "hello world\n"                       // no pid
                                          "-5 open(\"/x\",O_RDONLY) = 3\n"      // bad pid
                                          "12 )(\n"                             // no name
                                          "12 open(\"/x\",O_WRONLY) = banana\n" // bad result
                                          "\x01\xff\xfe garbage \x80\n"
                                          "12 Unknown syscall 398\n"
                                          "12 --- SIGSEGV {si_signo=SIGSEGV} ---\n"
                                          " = 0\n"
                                          "12 exit_group(0)");
    EXPECT_EQ(o.counters.lines_malformed, 6U);
    EXPECT_TRUE(o.files.empty());
    ASSERT_EQ(o.processes.size(), 1U);
    EXPECT_EQ(o.processes[0].exit_code, 0);
    EXPECT_FALSE(o.toJson().dump().empty());
}

TEST(QemuStraceParser, LimitsAreCounted) {
    ObservationLimits limits;
    limits.max_events = 3;
    limits.max_string_bytes = 8;
    limits.max_processes = 2;
    std::string text;
    for (int i = 0; i < 10; ++i) {
        text += "1 unlink(\"/a/very/long/path/name\") = -1 errno=2 (No such file or directory)\n";
        text += std::to_string(100 + i) + " fork() = " + std::to_string(200 + i) + "\n";
    }
    text += "1 " + std::string(10000, 'x') + "\n";
    const Observation o = parseQemuStrace(text, limits);
    EXPECT_EQ(o.files.size(), 3U);
    EXPECT_EQ(o.files[0].path, "/a/very/");
    EXPECT_EQ(o.counters.events_dropped, 7U);
    EXPECT_EQ(o.processes.size(), 2U);
    EXPECT_GT(o.counters.processes_dropped, 0U);
    EXPECT_GT(o.counters.strings_truncated, 0U);
}

TEST(ObservationRecorder, PersistenceAndWatchdogPaths) {
    EXPECT_EQ(ObservationRecorder::persistenceKind("/etc/init.d/S95x"), "init_script");
    EXPECT_EQ(ObservationRecorder::persistenceKind("/etc/rc.local"), "rc");
    EXPECT_EQ(ObservationRecorder::persistenceKind("/etc/rcS.d/S99bot"), "rc");
    EXPECT_EQ(ObservationRecorder::persistenceKind("/etc/crontab"), "cron");
    EXPECT_EQ(ObservationRecorder::persistenceKind("/var/spool/cron/crontabs/root"), "cron");
    EXPECT_EQ(ObservationRecorder::persistenceKind("/etc/inittab"), "inittab");
    EXPECT_EQ(ObservationRecorder::persistenceKind("/root/.bashrc"), "shell_profile");
    EXPECT_EQ(ObservationRecorder::persistenceKind("/etc/systemd/system/bot.service"), "systemd");
    EXPECT_FALSE(ObservationRecorder::persistenceKind("/tmp/x.sh"));
    EXPECT_FALSE(ObservationRecorder::persistenceKind("/etc/passwd"));
    EXPECT_TRUE(ObservationRecorder::isWatchdog("/dev/watchdog"));
    EXPECT_TRUE(ObservationRecorder::isWatchdog("/dev/watchdog0"));
    EXPECT_TRUE(ObservationRecorder::isWatchdog("/dev/misc/watchdog"));
    EXPECT_FALSE(ObservationRecorder::isWatchdog("/dev/null"));
}

TEST(Observation, JsonKeepsHostileBytesByTheAttackerBytesRule) {
    ObservationRecorder recorder("ptrace");
    recorder.processStarted(1, 0, "root");
    const std::string path = "/tmp/\xff\x01name";
    recorder.exec(1, path, {"a\"b", std::string("\xc3\x28")}, 0);
    const auto json = recorder.observation().toJson();
    const std::string text = json.dump(); // throws if a string is not valid UTF-8
    const auto& exec = json["processes"][0]["execs"].back();
    EXPECT_EQ(exec["path"], "/tmp/\xEF\xBF\xBD\x01name") << text;
    EXPECT_EQ(exec["path_b64"], base64Encode(path));
    EXPECT_EQ(exec["argv"][0], "a\"b");
    EXPECT_TRUE(exec["argv_b64"][0].is_null());
    EXPECT_EQ(exec["argv_b64"][1], base64Encode("\xc3\x28"));
}

} // namespace
} // namespace kansoku::sandbox
