#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "app/config.h"
#include "common/config_printer.h"
#include "support/temp_dir.h"

namespace kansoku::app {
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
    EXPECT_EQ(c.darknet.stats_interval, Duration::fromSeconds(60));
    EXPECT_EQ(c.darknet.scan.idle_timeout, Duration::fromMinutes(10));
    EXPECT_EQ(c.darknet.scan.many_ports, 5);
    EXPECT_EQ(c.darknet.scan.many_hosts, 5);
    // CAIDA corsaro's backscatter thresholds.
    EXPECT_EQ(c.darknet.backscatter.min_packets, 25);
    EXPECT_EQ(c.darknet.backscatter.min_duration, Duration::fromSeconds(60));
    EXPECT_EQ(c.darknet.backscatter.min_ppm, 30);
    EXPECT_EQ(c.darknet.backscatter.idle_timeout, Duration::fromMinutes(5));
    EXPECT_EQ(c.darknet.max_memory, ByteSize::fromMiB(512));
    EXPECT_EQ(c.honeypot.limits.idle_timeout, std::chrono::minutes(3));
    EXPECT_EQ(c.honeypot.limits.max_input_bytes_per_session, 256u * 1024);
    EXPECT_EQ(c.honeypot.download.options.max_bytes, 8u << 20);
    EXPECT_EQ(c.sandbox.timeout, Duration::fromSeconds(30));
}

TEST(Config, EmptyTextGivesDefaults) {
    const auto c = Config::parse("", "empty.toml");
    ASSERT_TRUE(c) << c.error().message;
    const Config defaults;
    EXPECT_EQ(c->sensor_name, defaults.sensor_name);
    EXPECT_EQ(c->darknet.scan.idle_timeout, defaults.darknet.scan.idle_timeout);
    EXPECT_EQ(c->flatten(), defaults.flatten());
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
buffer = "256MiB"
snaplen = 128
stats_interval = "10s"

[darknet.scan]
idle_timeout = "2m"
min_packets = 3
many_ports = 20
many_hosts = 30
top_ports = 4

[darknet.backscatter]
min_packets = 100
min_duration = "0s"
min_ppm = 0
idle_timeout = "60s"

[darknet.state]
max_memory = "64MiB"

[honeypot.limits]
idle_timeout = "90s"
max_input = "1MiB"

[honeypot.telnet]
failure_delay = "1500ms"
prompt_delay = "120ms"

[honeypot.download]
max_size = "2MiB"
timeout = "10s"

[sandbox]
timeout = "45s"
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
    EXPECT_EQ(c->darknet.buffer, ByteSize::fromMiB(256));
    EXPECT_EQ(c->darknet.snaplen, 128);
    EXPECT_EQ(c->darknet.stats_interval, Duration::fromSeconds(10));
    EXPECT_EQ(c->darknet.scan.idle_timeout, Duration::fromMinutes(2));
    EXPECT_EQ(c->darknet.scan.min_packets, 3);
    EXPECT_EQ(c->darknet.scan.many_ports, 20);
    EXPECT_EQ(c->darknet.scan.many_hosts, 30);
    EXPECT_EQ(c->darknet.scan.top_ports, 4);
    EXPECT_EQ(c->darknet.backscatter.min_packets, 100);
    EXPECT_EQ(c->darknet.backscatter.min_duration, Duration());
    EXPECT_EQ(c->darknet.backscatter.min_ppm, 0);
    EXPECT_EQ(c->darknet.backscatter.idle_timeout, Duration::fromSeconds(60));
    EXPECT_EQ(c->darknet.max_memory, ByteSize::fromMiB(64));
    EXPECT_EQ(c->honeypot.limits.idle_timeout, std::chrono::seconds(90));
    EXPECT_EQ(c->honeypot.limits.max_input_bytes_per_session, 1u << 20);
    EXPECT_EQ(c->honeypot.telnet_failure_delay, Duration::fromMillis(1500));
    EXPECT_EQ(c->honeypot.telnet_prompt_delay, Duration::fromMillis(120));
    EXPECT_EQ(c->honeypot.download.options.max_bytes, 2u << 20);
    EXPECT_EQ(c->honeypot.download.options.total_timeout, std::chrono::seconds(10));
    EXPECT_EQ(c->sandbox.timeout, Duration::fromSeconds(45));
}

TEST(Config, MissingKeysKeepDefaults) {
    const auto c = Config::parse("[darknet.scan]\nmany_ports = 9\n", "site.toml");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->darknet.scan.many_ports, 9);
    EXPECT_EQ(c->darknet.scan.many_hosts, darknet::DarknetConfig{}.scan.many_hosts);
    EXPECT_EQ(c->darknet.snaplen, darknet::DarknetConfig{}.snaplen);
    EXPECT_EQ(c->sensor_name, "local");
}

TEST(Config, UnknownKeysAreErrorsNamingTheKeyAndLine) {
    expectError("nmae = 1\n", "unknown key nmae (line 1)");
    expectError("[wbe]\nport = 8470\n", "unknown key wbe (line 1)");
    expectError("[sensor]\nname = \"x\"\nnam = \"y\"\n", "unknown key sensor.nam (line 3)");
    expectError("[storage]\ndatabse = \"x\"\n", "unknown key storage.databse (line 2)");
    expectError("[darknet]\nprefix = [\"203.0.113.0/24\"]\n", "unknown key darknet.prefix (line 2)");
    expectError("[darknet.scan]\nidle_timout = \"5s\"\n", "unknown key darknet.scan.idle_timout (line 2)");
    expectError("[darknet.backscatter]\nmin_pps = 5\n", "unknown key darknet.backscatter.min_pps (line 2)");
    expectError("[darknet.state]\nmax_mem = 5\n", "unknown key darknet.state.max_mem (line 2)");
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
    expectError("[darknet.state]\nmax_memory = 512\n", "darknet.state.max_memory must be a size with a unit");
    expectError("[darknet.scan]\nidle_timeout = 600\n", "darknet.scan.idle_timeout must be a duration with a unit");
    expectError("[honeypot.telnet]\nenabled = \"yes\"\n", "honeypot.telnet.enabled must be true or false");
    expectError("[honeypot.telnet]\nport = \"23\"\n", "honeypot.telnet.port must be an integer");
    expectError("sensor = \"local\"\n", "sensor must be a table");
    expectError("[darknet]\nscan = 5\n", "darknet.scan must be a table");
    expectError("[darknet]\nbackscatter = []\n", "darknet.backscatter must be a table");
    expectError("[darknet]\nstate = 1\n", "darknet.state must be a table");
}

TEST(Config, OutOfRangeValuesNameTheKeyAndRange) {
    expectError("[storage]\nbatch_size = 0\n", "storage.batch_size = 0 is out of range 1..1000000");
    expectError("[darknet]\nsnaplen = 63\n", "darknet.snaplen = 63 is out of range 64..262144");
    expectError("[darknet]\nsnaplen = 262145\n", "darknet.snaplen = 262145 is out of range 64..262144");
    expectError("[darknet]\nbuffer = \"0B\"\n", "darknet.buffer = \"0B\" is out of range 1MiB..64GiB");
    expectError("[darknet]\nstats_interval = \"0s\"\n", "darknet.stats_interval = \"0s\" is out of range 1s..1d");
    expectError("[darknet.scan]\nidle_timeout = \"-1s\"\n", "darknet.scan.idle_timeout: \"-1s\" is negative");
    expectError("[honeypot.telnet]\nport = 70000\n", "honeypot.telnet.port = 70000 is out of range 0..65535");
    expectError("[sandbox]\ntimeout = \"2h\"\n", "sandbox.timeout = \"2h\" is out of range 1s..1h");
    expectError("[darknet.scan]\nmany_ports = 1\n", "darknet.scan.many_ports = 1 is out of range 2..65536");
    expectError("[darknet.scan]\nmin_packets = 0\n", "darknet.scan.min_packets = 0 is out of range");
    expectError("[darknet.scan]\ntop_ports = 65\n", "darknet.scan.top_ports = 65 is out of range 1..");
    expectError("[darknet.backscatter]\nmin_packets = 0\n", "darknet.backscatter.min_packets = 0 is out of range");

    expectError("[darknet.backscatter]\nmin_ppm = -1\n", "darknet.backscatter.min_ppm = -1 is out of range");
    expectError("[darknet.state]\nmax_memory = \"0MiB\"\n", "darknet.state.max_memory = \"0B\" is out of range");
    // The edges themselves are accepted.
    EXPECT_EQ(errorOf("[darknet]\nsnaplen = 64\n"), "");
    EXPECT_EQ(errorOf("[darknet]\nsnaplen = 262144\n"), "");
    EXPECT_EQ(errorOf("[darknet.scan]\nmany_ports = 2\n"), "");
    EXPECT_EQ(errorOf("[darknet.backscatter]\nmin_ppm = 0\n"), "");
}

TEST(Config, DurationsAndSizesWithBadUnitsNameTheKey) {
    expectError("[darknet.scan]\nidle_timeout = \"10 minutes\"\n",
                "darknet.scan.idle_timeout: \"10 minutes\" has an unknown unit \" minutes\"");
    expectError("[darknet.scan]\nidle_timeout = \"10\"\n", "darknet.scan.idle_timeout: \"10\" has no unit");
    expectError("[darknet.scan]\nidle_timeout = \"m\"\n", "darknet.scan.idle_timeout: \"m\" is not a duration");
    expectError("[honeypot.limits]\nmax_input = \"256KB\"\n",
                "honeypot.limits.max_input: \"256KB\" has an unknown unit \"KB\"");
    expectError("[darknet]\nbuffer = \"big\"\n", "darknet.buffer: \"big\" is not a size");
}

TEST(Config, RenamedKeysSayWhatToWrite) {
    expectError("[darknet.scan]\nidle_timeout_s = 600\n",
                "darknet.scan.idle_timeout_s was renamed: write idle_timeout = \"10m\"");
    expectError("[honeypot.download]\nmax_mb = 8\n", "honeypot.download.max_mb was renamed: write max_size");
    expectError("[sandbox]\ntimeout_s = 30\n", "sandbox.timeout_s was renamed");
}

TEST(Config, CrossKeyRulesNameTheKeys) {
    expectError("[honeypot.credentials]\npolicy = \"listed\"\n",
                "honeypot.credentials.policy = \"listed\" needs honeypot.credentials.file");
    expectError("[honeypot.credentials]\npolicy = \"maybe\"\n",
                "honeypot.credentials.policy = \"maybe\" must be one of accept_all, listed, after_tries");
    expectError("[honeypot.ssh]\nversion = \"OpenSSH\"\n", "honeypot.ssh.version must start with");
}

/// The embedded default (config/local.toml) spells out every key, with the compiled-in default,
/// so the file documents what a config without it gets. Two deliberate differences: only the
/// embedded default lets the downloader fetch from loopback, where its honeypots listen, and opens
/// the dashboard's local admin session (web.local_admin, docs/web.md).
TEST(Config, LocalTomlAndCompiledDefaultsAgreeKeyByKey) {
    const auto defaults = Config{}.flatten();
    auto embedded = Config::embeddedDefault().flatten();
    ASSERT_EQ(embedded.count("honeypot.download.allow_loopback"), 1u);
    EXPECT_EQ(embedded["honeypot.download.allow_loopback"], "true");
    EXPECT_EQ(defaults.at("honeypot.download.allow_loopback"), "false");
    embedded["honeypot.download.allow_loopback"] = "false";
    EXPECT_EQ(embedded["web.local_admin"], "true");
    EXPECT_EQ(defaults.at("web.local_admin"), "false");
    embedded["web.local_admin"] = "false";
    for (const auto& [key, value] : defaults) {
        EXPECT_EQ(embedded[key], value) << key;
    }
    EXPECT_EQ(embedded.size(), defaults.size());

    // Every key is written in the file (not left to the default): flatten the text's own keys.
    const std::string text(Config::embeddedDefaultText());
    for (const auto& [key, value] : defaults) {
        const auto dot = key.rfind('.');
        const std::string leaf = key.substr(dot + 1);
        const std::string table = "[" + key.substr(0, dot) + "]";
        const auto table_at = text.find(table + "\n");
        ASSERT_NE(table_at, std::string::npos) << table;
        const auto next_table = text.find("\n[", table_at + 1);
        const auto section = text.substr(table_at, next_table - table_at);
        EXPECT_NE(section.find("\n" + leaf + " = "), std::string::npos) << key << " is not written in local.toml";
    }
}

TEST(Config, ShowPrintsEveryKeyAndParsesBack) {
    auto config = Config::embeddedDefault();
    config.darknet.scan.many_ports = 7;
    const std::string shown = config.show();
    EXPECT_NE(shown.find("[darknet.scan]\n"), std::string::npos);
    EXPECT_NE(shown.find("many_ports = 7  # default: 5\n"), std::string::npos) << shown;
    EXPECT_NE(shown.find("many_hosts = 5  # default\n"), std::string::npos);
    EXPECT_NE(shown.find("idle_timeout = \"10m\"  # default\n"), std::string::npos);
    EXPECT_NE(shown.find("allow_loopback = true  # default: false\n"), std::string::npos);
    // What show prints is a valid config that gives the same configuration back.
    const auto reparsed = Config::parse(shown, "shown.toml");
    ASSERT_TRUE(reparsed) << reparsed.error().message;
    EXPECT_EQ(reparsed->flatten(), config.flatten());
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
    EXPECT_EQ(missing.error().message.rfind("config " + dir.file("missing.toml") + ": cannot be read", 0), 0u)
        << missing.error().message;
}

} // namespace
} // namespace kansoku::app
