#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "common/config.h"
#include "temp_dir.h"

namespace kansoku {
namespace {

using testing::TempDir;

/// Parses `text`; the error message, or "" on success.
std::string errorOf(std::string_view text) {
    const auto config = Config::parse(text, "site.toml");
    return config ? "" : config.error().message;
}

/// Asserts `text` fails with a one-line message naming the origin and containing `expected`.
void expectError(std::string_view text, std::string_view expected) {
    SCOPED_TRACE(std::string(text));
    const std::string message = errorOf(text);
    ASSERT_FALSE(message.empty()) << "parsed, but should fail with: " << expected;
    EXPECT_NE(message.find(expected), std::string::npos) << message;
    EXPECT_EQ(message.rfind("site.toml", 0), 0U) << "does not start with the origin: " << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "not one line: " << message;
}

TEST(Config, EmbeddedDefaultParses) {
    const auto text = Config::embeddedDefaultText();
    ASSERT_FALSE(text.empty());
    const auto parsed = Config::parse(text, "embedded");
    ASSERT_TRUE(parsed) << parsed.error().message;

    const Config c = Config::embeddedDefault();
    EXPECT_EQ(c.sensor_name, "local");
    EXPECT_EQ(c.storage.data_dir, "var");
    EXPECT_EQ(c.storage.database, "var/kansoku.db");
    EXPECT_EQ(c.storage.events_jsonl, "var/events.jsonl");
    EXPECT_EQ(c.storage.batch_size, 1000);
    EXPECT_EQ(c.darknet.prefixes, (std::vector<std::string>{"203.0.113.0/24", "2001:db8:dead::/48"}));
    EXPECT_EQ(c.darknet.interface, "");
    EXPECT_EQ(c.darknet.snaplen, 256);
    EXPECT_EQ(c.darknet.stats_interval_s, 60);
    EXPECT_EQ(c.darknet.scan.idle_timeout_s, 600);
    EXPECT_EQ(c.darknet.scan.many_ports, 5);
    EXPECT_EQ(c.darknet.scan.many_hosts, 5);
    // CAIDA corsaro's backscatter thresholds.
    EXPECT_EQ(c.darknet.backscatter.min_packets, 25);
    EXPECT_EQ(c.darknet.backscatter.min_duration_s, 60);
    EXPECT_EQ(c.darknet.backscatter.min_ppm, 30);
    EXPECT_EQ(c.darknet.backscatter.idle_timeout_s, 300);
    EXPECT_EQ(c.darknet.max_memory_mb, 512);
}

TEST(Config, EmptyTextGivesDefaults) {
    const auto c = Config::parse("", "empty.toml");
    ASSERT_TRUE(c) << c.error().message;
    const Config defaults;
    EXPECT_EQ(c->sensor_name, defaults.sensor_name);
    EXPECT_EQ(c->darknet.scan.idle_timeout_s, defaults.darknet.scan.idle_timeout_s);
    EXPECT_TRUE(c->darknet.prefixes.empty());
}

TEST(Config, ReadsEverySection) {
    const auto c = Config::parse(R"(
[sensor]
name = "tokyo-1"

[storage]
data_dir = "/srv/kansoku"
database = "/srv/kansoku/k.db"
events_jsonl = ""
batch_size = 50

[darknet]
prefixes = ["198.18.0.0/16"]
interface = "eth1"
bpf = "not port 22"
buffer_mb = 256
snaplen = 128
stats_interval_s = 10

[darknet.scan]
idle_timeout_s = 120
min_packets = 3
many_ports = 20
many_hosts = 30
top_ports = 4

[darknet.backscatter]
min_packets = 100
min_duration_s = 0
min_ppm = 0
idle_timeout_s = 60

[darknet.state]
max_memory_mb = 64
)",
                                 "site.toml");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->sensor_name, "tokyo-1");
    EXPECT_EQ(c->storage.data_dir, "/srv/kansoku");
    EXPECT_EQ(c->storage.database, "/srv/kansoku/k.db");
    EXPECT_EQ(c->storage.events_jsonl, "");
    EXPECT_EQ(c->storage.batch_size, 50);
    EXPECT_EQ(c->darknet.prefixes, std::vector<std::string>{"198.18.0.0/16"});
    EXPECT_EQ(c->darknet.interface, "eth1");
    EXPECT_EQ(c->darknet.bpf, "not port 22");
    EXPECT_EQ(c->darknet.buffer_mb, 256);
    EXPECT_EQ(c->darknet.snaplen, 128);
    EXPECT_EQ(c->darknet.stats_interval_s, 10);
    EXPECT_EQ(c->darknet.scan.idle_timeout_s, 120);
    EXPECT_EQ(c->darknet.scan.min_packets, 3);
    EXPECT_EQ(c->darknet.scan.many_ports, 20);
    EXPECT_EQ(c->darknet.scan.many_hosts, 30);
    EXPECT_EQ(c->darknet.scan.top_ports, 4);
    EXPECT_EQ(c->darknet.backscatter.min_packets, 100);
    EXPECT_EQ(c->darknet.backscatter.min_duration_s, 0);
    EXPECT_EQ(c->darknet.backscatter.min_ppm, 0);
    EXPECT_EQ(c->darknet.backscatter.idle_timeout_s, 60);
    EXPECT_EQ(c->darknet.max_memory_mb, 64);
}

TEST(Config, MissingKeysKeepDefaults) {
    const auto c = Config::parse("[darknet.scan]\nmany_ports = 9\n", "site.toml");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->darknet.scan.many_ports, 9);
    EXPECT_EQ(c->darknet.scan.many_hosts, ScanConfig{}.many_hosts);
    EXPECT_EQ(c->darknet.snaplen, DarknetConfig{}.snaplen);
    EXPECT_EQ(c->sensor_name, "local");
}

TEST(Config, UnknownKeysAreErrorsNamingTheKeyAndLine) {
    expectError("nmae = 1\n", "unknown key nmae (line 1)");
    expectError("[web]\nport = 8470\n", "unknown key web (line 1)");
    expectError("[sensor]\nname = \"x\"\nnam = \"y\"\n", "unknown key sensor.nam (line 3)");
    expectError("[storage]\ndatabse = \"x\"\n", "unknown key storage.databse (line 2)");
    expectError("[darknet]\nprefix = [\"203.0.113.0/24\"]\n", "unknown key darknet.prefix (line 2)");
    expectError("[darknet.scan]\nidle_timeout = 5\n", "unknown key darknet.scan.idle_timeout (line 2)");
    expectError("[darknet.backscatter]\nmin_pps = 5\n", "unknown key darknet.backscatter.min_pps (line 2)");
    expectError("[darknet.state]\nmax_memory = 5\n", "unknown key darknet.state.max_memory (line 2)");
    expectError("[darknet.honeypot]\n", "unknown key darknet.honeypot");
}

TEST(Config, WrongTypesNameTheKey) {
    expectError("[sensor]\nname = 5\n", "sensor.name must be a string");
    expectError("[storage]\ndatabase = [\"a\"]\n", "storage.database must be a string");
    expectError("[storage]\nbatch_size = \"1000\"\n", "storage.batch_size must be an integer");
    expectError("[darknet]\nprefixes = \"203.0.113.0/24\"\n", "darknet.prefixes must be an array of strings");
    expectError("[darknet]\nprefixes = [\"203.0.113.0/24\", 5]\n", "darknet.prefixes must be an array of strings");
    expectError("[darknet]\nsnaplen = 128.0\n", "darknet.snaplen must be an integer");
    expectError("[darknet]\nsnaplen = true\n", "darknet.snaplen must be an integer");
    expectError("[darknet]\ninterface = 1\n", "darknet.interface must be a string");
    expectError("[darknet.scan]\nmany_ports = \"5\"\n", "darknet.scan.many_ports must be an integer");
    expectError("[darknet.backscatter]\nmin_ppm = 1.5\n", "darknet.backscatter.min_ppm must be an integer");
    expectError("[darknet.state]\nmax_memory_mb = \"512\"\n", "darknet.state.max_memory_mb must be an integer");
    expectError("sensor = \"local\"\n", "sensor must be a table");
    expectError("[darknet]\nscan = 5\n", "darknet.scan must be a table");
    expectError("[darknet]\nbackscatter = []\n", "darknet.backscatter must be a table");
    expectError("[darknet]\nstate = 1\n", "darknet.state must be a table");
}

TEST(Config, OutOfRangeValuesNameTheKeyAndRange) {
    expectError("[storage]\nbatch_size = 0\n", "storage.batch_size = 0 is out of range 1..1000000");
    expectError("[darknet]\nsnaplen = 63\n", "darknet.snaplen = 63 is out of range 64..262144");
    expectError("[darknet]\nsnaplen = 262145\n", "darknet.snaplen = 262145 is out of range 64..262144");
    expectError("[darknet]\nbuffer_mb = 0\n", "darknet.buffer_mb = 0 is out of range");
    expectError("[darknet]\nstats_interval_s = 0\n", "darknet.stats_interval_s = 0 is out of range 1..86400");
    expectError("[darknet.scan]\nidle_timeout_s = -1\n", "darknet.scan.idle_timeout_s = -1 is out of range");
    expectError("[darknet.scan]\nmany_ports = 1\n", "darknet.scan.many_ports = 1 is out of range 2..65536");
    expectError("[darknet.scan]\nmin_packets = 0\n", "darknet.scan.min_packets = 0 is out of range");
    expectError("[darknet.scan]\ntop_ports = 65\n", "darknet.scan.top_ports = 65 is out of range 1..");
    expectError("[darknet.backscatter]\nmin_packets = 0\n", "darknet.backscatter.min_packets = 0 is out of range");
    expectError("[darknet.backscatter]\nmin_duration_s = -5\n",
                "darknet.backscatter.min_duration_s = -5 is out of range");
    expectError("[darknet.backscatter]\nmin_ppm = -1\n", "darknet.backscatter.min_ppm = -1 is out of range");
    expectError("[darknet.state]\nmax_memory_mb = 0\n", "darknet.state.max_memory_mb = 0 is out of range");
    // The edges themselves are accepted.
    EXPECT_EQ(errorOf("[darknet]\nsnaplen = 64\n"), "");
    EXPECT_EQ(errorOf("[darknet]\nsnaplen = 262144\n"), "");
    EXPECT_EQ(errorOf("[darknet.scan]\nmany_ports = 2\n"), "");
    EXPECT_EQ(errorOf("[darknet.backscatter]\nmin_ppm = 0\n"), "");
}

TEST(Config, EmptySensorNameIsAnError) {
    expectError("[sensor]\nname = \"\"\n", "sensor.name must not be empty");
}

TEST(Config, SyntaxErrorsNameOriginLineAndColumn) {
    const std::string message = errorOf("[sensor]\nname = \"unterminated\n");
    ASSERT_FALSE(message.empty());
    EXPECT_EQ(message.rfind("site.toml:2:", 0), 0U) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    expectError("[sensor\n", "site.toml:1:");
    expectError("[sensor]\n[sensor]\n", "site.toml:2:");
}

TEST(Config, LoadReadsAFileAndNamesItInErrors) {
    TempDir dir;
    const std::string path = dir.file("site.toml");
    {
        std::ofstream out(path);
        out << "[sensor]\nname = \"osaka-2\"\n";
    }
    const auto c = Config::load(path);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->sensor_name, "osaka-2");

    {
        std::ofstream out(path);
        out << "[sensor]\nname = 2\n";
    }
    const auto bad = Config::load(path);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, path + ": sensor.name must be a string");

    const auto missing = Config::load(dir.file("missing.toml"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "config " + dir.file("missing.toml") + ": cannot be read");
}

} // namespace
} // namespace kansoku
