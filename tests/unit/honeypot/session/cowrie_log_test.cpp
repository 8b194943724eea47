#include <fstream>

#include <gtest/gtest.h>

#include "honeypot/session/cowrie_log.h"
#include "honeypot/session/honeypot_events.h"
#include "support/temp_dir.h"

namespace kansoku::honeypot {
namespace {

SessionContext ssh() {
    return SessionContext{"00000000000000b2", "ssh", "198.51.100.8", 51000, 22, "203.0.113.5"};
}

TEST(CowrieLog, ConnectCarriesCowriesAddressFields) {
    Event event = makeConnectEvent(ssh());
    event.sensor = "site-a";
    const auto records = toCowrie(event);
    ASSERT_EQ(records.size(), 1u);
    const auto& r = records[0];
    EXPECT_EQ(r["eventid"], "cowrie.session.connect");
    EXPECT_EQ(r["src_ip"], "198.51.100.8");
    EXPECT_EQ(r["src_port"], 51000);
    EXPECT_EQ(r["dst_ip"], "203.0.113.5");
    EXPECT_EQ(r["dst_port"], 22);
    EXPECT_EQ(r["session"], "00000000000000b2");
    EXPECT_EQ(r["sensor"], "site-a");
    EXPECT_EQ(r["protocol"], "ssh");
    EXPECT_TRUE(r["timestamp"].get<std::string>().ends_with("Z"));
    EXPECT_TRUE(r.contains("message"));
}

TEST(CowrieLog, LoginSuccessAndFailure) {
    auto failed = toCowrie(makeLoginEvent(ssh(), "root", "admin", false, "password", 1));
    auto success = toCowrie(makeLoginEvent(ssh(), "root", "vizxv", true, "password", 2));
    ASSERT_EQ(failed.size(), 1u);
    ASSERT_EQ(success.size(), 1u);
    EXPECT_EQ(failed[0]["eventid"], "cowrie.login.failed");
    EXPECT_EQ(success[0]["eventid"], "cowrie.login.success");
    EXPECT_EQ(success[0]["username"], "root");
    EXPECT_EQ(success[0]["password"], "vizxv");
}

TEST(CowrieLog, UnknownCommandAlsoLogsCommandFailed) {
    shell::ShellResult result;
    result.status = 127;
    auto records = toCowrie(makeCommandEvent(ssh(), "/bin/busybox ECCHI", false, true, result));
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0]["eventid"], "cowrie.command.input");
    EXPECT_EQ(records[0]["input"], "/bin/busybox ECCHI");
    EXPECT_EQ(records[1]["eventid"], "cowrie.command.failed");
    result.status = 0;
    EXPECT_EQ(toCowrie(makeCommandEvent(ssh(), "uname -a", false, true, result)).size(), 1u);
}

TEST(CowrieLog, StoredDownloadsOnly) {
    Event ok = makeSessionEvent("honeypot.download", ssh());
    ok.add("url", "http://192.0.2.9/x");
    ok.add("outcome", "ok");
    ok.add("sha256", std::string(64, 'a'));
    auto records = toCowrie(ok);
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0]["eventid"], "cowrie.session.file_download");
    EXPECT_EQ(records[0]["url"], "http://192.0.2.9/x");
    EXPECT_EQ(records[0]["shasum"], std::string(64, 'a'));
    EXPECT_TRUE(records[0].contains("outfile"));

    Event refused = makeSessionEvent("honeypot.download", ssh());
    refused.add("url", "http://10.0.0.1/x");
    refused.add("outcome", "refused_policy");
    EXPECT_TRUE(toCowrie(refused).empty());
}

TEST(CowrieLog, SshClientBecomesVersionAndKex) {
    Event event = makeSessionEvent("honeypot.ssh_client", ssh());
    event.add("client_version", "SSH-2.0-OpenSSH_9.2p1");
    event.add("hassh", "472b5de333ad665af5cbf10ff892c4df");
    event.add("hassh_algorithms", "curve25519-sha256,ext-info-c;aes128-ctr;hmac-sha2-256;none,zlib@openssh.com");
    const auto records = toCowrie(event);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0]["eventid"], "cowrie.client.version");
    EXPECT_EQ(records[0]["version"], "SSH-2.0-OpenSSH_9.2p1");
    const auto& kex = records[1];
    EXPECT_EQ(kex["eventid"], "cowrie.client.kex");
    EXPECT_EQ(kex["hassh"], "472b5de333ad665af5cbf10ff892c4df");
    EXPECT_EQ(kex["kexAlgs"], nlohmann::ordered_json({"curve25519-sha256", "ext-info-c"}));
    EXPECT_EQ(kex["encCS"], nlohmann::ordered_json({"aes128-ctr"}));
    EXPECT_EQ(kex["macCS"], nlohmann::ordered_json({"hmac-sha2-256"}));
    EXPECT_EQ(kex["compCS"], nlohmann::ordered_json({"none", "zlib@openssh.com"}));
    EXPECT_TRUE(kex["keyAlgs"].is_array());
}

TEST(CowrieLog, OtherServicesAndEventTypesAreLeftOut) {
    SessionContext http = ssh();
    http.protocol = "http";
    EXPECT_TRUE(toCowrie(makeConnectEvent(http)).empty());
    Event scan;
    scan.type = "darknet.scan";
    EXPECT_TRUE(toCowrie(scan).empty());
}

TEST(CowrieLog, SinkWritesOneJsonObjectPerLine) {
    kansoku::testing::TempDir dir;
    const std::string path = (dir.path() / "cowrie.json").string();
    {
        auto sink = CowrieLogSink::open(path);
        ASSERT_TRUE(sink) << sink.error().message;
        (*sink)->publish(makeConnectEvent(ssh()));
        (*sink)->publish(makeLoginEvent(ssh(), "root", "\xff\xfe", false, "password", 1));
        ASSERT_TRUE((*sink)->flush());
    }
    std::ifstream in(path);
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        ++lines;
        EXPECT_TRUE(nlohmann::json::accept(line)) << line;
    }
    EXPECT_EQ(lines, 2);
}

} // namespace
} // namespace kansoku::honeypot
