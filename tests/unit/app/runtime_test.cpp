#include <fstream>
#include <map>
#include <string>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "app/runtime.h"
#include "support/temp_dir.h"

namespace kansoku::app {
namespace {

using testing::TempDir;

/// Everything under `dir`, every listener on a free loopback port, no sandbox runs.
Config testConfig(const TempDir& dir) {
    Config config = Config::embeddedDefault();
    config.sensor_name = "unit";
    config.storage.data_dir = dir.file("var");
    config.storage.database = dir.file("var/kansoku.db");
    config.storage.events_jsonl = dir.file("var/events.jsonl");
    config.honeypot.samples_dir = dir.file("var/samples");
    config.honeypot.host_keys_dir = dir.file("var/ssh-host-keys");
    config.honeypot.cowrie_jsonl = dir.file("var/cowrie.json");
    config.honeypot.telnet.port = 0;
    config.honeypot.ssh.enabled = false; // host key generation is slow and tested elsewhere
    config.honeypot.http.port = 0;
    auto& r = config.honeypot.reflector;
    r.dns_port = r.ntp_port = r.ssdp_port = r.chargen_port = r.memcached_port = 0;
    config.sandbox.enabled = false;
    config.sandbox.resume = false;
    config.web.port = 0;
    config.web.access_log = dir.file("var/access.log");
    return config;
}

std::map<std::string, int> countByType(const std::string& jsonl) {
    std::map<std::string, int> counts;
    std::ifstream in(jsonl);
    std::string line;
    while (std::getline(in, line)) {
        ++counts[nlohmann::json::parse(line).at("type").get<std::string>()];
    }
    return counts;
}

uint16_t portOf(const std::vector<std::string>& listening, const std::string& service) {
    for (const auto& line : listening) {
        if (line.rfind(service + " ", 0) == 0) {
            return static_cast<uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
        }
    }
    return 0;
}

/// Connects to 127.0.0.1:port and reads until the peer has sent something (or 5 s).
std::string greet(uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    std::string got;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        char buffer[256];
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            got.assign(buffer, static_cast<size_t>(n));
        }
    }
    ::close(fd);
    return got;
}

TEST(Runtime, RunsDarknetAndHoneypotsAndFlushesEverythingAtStop) {
    TempDir dir;
    const Config config = testConfig(dir);
    auto runtime = Runtime::start(config, {});
    ASSERT_TRUE(runtime) << runtime.error().message;
    const std::atomic<bool> never{false};
    (*runtime)->wait(never, true); // the demo capture is analysed
    ASSERT_NE((*runtime)->sensor().darknet(), nullptr);
    EXPECT_TRUE((*runtime)->sensor().darknet()->finished());

    const uint16_t telnet = portOf((*runtime)->listening(), "telnet");
    ASSERT_NE(telnet, 0);
    EXPECT_FALSE(greet(telnet).empty()); // the telnet negotiation

    ASSERT_TRUE((*runtime)->stop());
    const auto counts = countByType(config.storage.events_jsonl);
    EXPECT_GT(counts.at("darknet.scan"), 0);
    EXPECT_GT(counts.at("ddos.attack"), 0);
    EXPECT_GE(counts.at("honeypot.connect"), 1);
    EXPECT_GE(counts.at("honeypot.session"), 1); // closed by stop, published and delivered before the bus stopped

    const auto bus = (*runtime)->bus().counters();
    EXPECT_EQ(bus.dropped, 0u);
    int total = 0;
    for (const auto& [type, n] : counts) {
        total += n;
    }
    EXPECT_EQ(bus.published, static_cast<uint64_t>(total));
    ASSERT_EQ(bus.consumers.size(), 5u); // events file, store, correlation, the web's live stream, Cowrie log
    for (const auto& consumer : bus.consumers) {
        EXPECT_EQ(consumer.delivered, bus.published) << consumer.name;
        EXPECT_EQ(consumer.errors, 0u) << consumer.name;
    }
    EXPECT_NE((*runtime)->summary().find("event bus: "), std::string::npos);
    EXPECT_TRUE((*runtime)->stop()); // idempotent
}

TEST(Runtime, HoneypotsAloneWithoutDarknet) {
    TempDir dir;
    const Config config = testConfig(dir);
    RuntimeOptions options;
    options.sensor.darknet = false;
    auto runtime = Runtime::start(config, options);
    ASSERT_TRUE(runtime) << runtime.error().message;
    EXPECT_EQ((*runtime)->sensor().darknet(), nullptr);
    EXPECT_FALSE(greet(portOf((*runtime)->listening(), "telnet")).empty());
    ASSERT_TRUE((*runtime)->stop());
    const auto counts = countByType(config.storage.events_jsonl);
    EXPECT_EQ(counts.count("darknet.scan"), 0u);
    EXPECT_GE(counts.at("honeypot.connect"), 1);
}

TEST(Runtime, StartFailsWithOneLineNamingThePortInUse) {
    TempDir dir;
    Config config = testConfig(dir);
    RuntimeOptions options;
    options.sensor.darknet = false;
    auto first = Runtime::start(config, options);
    ASSERT_TRUE(first) << first.error().message;
    config.honeypot.telnet.port = portOf((*first)->listening(), "telnet");
    config.storage.database = dir.file("var/second.db");
    config.storage.events_jsonl = dir.file("var/second.jsonl");
    config.honeypot.cowrie_jsonl = "";
    auto second = Runtime::start(config, options);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find(std::to_string(config.honeypot.telnet.port)), std::string::npos)
        << second.error().message;
    EXPECT_EQ(second.error().message.find('\n'), std::string::npos);
}

TEST(Runtime, ABadCaptureInterfaceAfterTheHoneypotsStartedFailsCleanly) {
    TempDir dir;
    Config config = testConfig(dir);
    config.darknet.interface = "ks-no-such-if0";
    auto runtime = Runtime::start(config, {});
    ASSERT_FALSE(runtime);
    EXPECT_NE(runtime.error().message.find("ks-no-such-if0"), std::string::npos) << runtime.error().message;
    // The honeypots (and their Cowrie log, a consumer) were built and torn down again; the events
    // file and store were opened and closed without events.
    EXPECT_TRUE(countByType(config.storage.events_jsonl).empty());
}

TEST(Runtime, BadDataDirectoryFailsBeforeAnythingRuns) {
    TempDir dir;
    Config config = testConfig(dir);
    { std::ofstream(dir.file("file")) << "x"; }
    config.storage.data_dir = dir.file("file/var");
    auto runtime = Runtime::start(config, {});
    ASSERT_FALSE(runtime);
    EXPECT_NE(runtime.error().message.find("data directory"), std::string::npos) << runtime.error().message;
}

} // namespace
} // namespace kansoku::app
