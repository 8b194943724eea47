#include "common/config.h"

#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

namespace kansoku {
namespace {

/// Reads keys of one TOML table and remembers which were read, so unknown keys are reported.
class TableReader {
public:
    TableReader(const toml::table* table, std::string path, std::string_view origin)
        : table_(table), path_(std::move(path)), origin_(origin) {}

    Result<void> readInt(std::string_view key, int64_t& out, int64_t min, int64_t max) {
        const auto* node = find(key);
        if (node == nullptr) {
            return {};
        }
        const auto value = node->value<int64_t>();
        if (!value || !node->is_integer()) {
            return fail("{}: {}.{} must be an integer", origin_, path_, key);
        }
        if (*value < min || *value > max) {
            return fail("{}: {}.{} = {} is out of range {}..{}", origin_, path_, key, *value, min, max);
        }
        out = *value;
        return {};
    }

    Result<void> readString(std::string_view key, std::string& out) {
        const auto* node = find(key);
        if (node == nullptr) {
            return {};
        }
        if (!node->is_string()) {
            return fail("{}: {}.{} must be a string", origin_, path_, key);
        }
        out = *node->value<std::string>();
        return {};
    }

    Result<void> readBool(std::string_view key, bool& out) {
        const auto* node = find(key);
        if (node == nullptr) {
            return {};
        }
        if (!node->is_boolean()) {
            return fail("{}: {}.{} must be true or false", origin_, path_, key);
        }
        out = *node->value<bool>();
        return {};
    }

    Result<void> readStrings(std::string_view key, std::vector<std::string>& out) {
        const auto* node = find(key);
        if (node == nullptr) {
            return {};
        }
        const auto* array = node->as_array();
        if (array == nullptr) {
            return fail("{}: {}.{} must be an array of strings", origin_, path_, key);
        }
        out.clear();
        for (const auto& element : *array) {
            if (!element.is_string()) {
                return fail("{}: {}.{} must be an array of strings", origin_, path_, key);
            }
            out.push_back(*element.value<std::string>());
        }
        return {};
    }

    /// A sub-table, or nullptr when absent.
    Result<const toml::table*> subTable(std::string_view key) {
        const auto* node = find(key);
        if (node == nullptr) {
            return nullptr;
        }
        if (!node->is_table()) {
            return fail("{}: {}.{} must be a table", origin_, path_, key);
        }
        return node->as_table();
    }

    Result<void> checkNoUnknownKeys() const {
        if (table_ == nullptr) {
            return {};
        }
        for (const auto& [key, node] : *table_) {
            if (!seen_.contains(std::string(key.str()))) {
                return fail("{}: unknown key {}{}{} (line {})", origin_, path_, path_.empty() ? "" : ".", key.str(),
                            node.source().begin.line);
            }
        }
        return {};
    }

private:
    const toml::node* find(std::string_view key) {
        seen_.insert(std::string(key));
        if (table_ == nullptr) {
            return nullptr;
        }
        return table_->get(key);
    }

    const toml::table* table_;
    std::string path_;
    std::string_view origin_;
    std::set<std::string> seen_;
};

constexpr int64_t kMaxSeconds = 365LL * 86400;

Result<void> readScan(const toml::table* table, std::string_view origin, ScanConfig& scan) {
    TableReader r(table, "darknet.scan", origin);
    KANSOKU_TRY(r.readInt("idle_timeout_s", scan.idle_timeout_s, 1, kMaxSeconds));
    KANSOKU_TRY(r.readInt("min_packets", scan.min_packets, 1, 1'000'000'000));
    KANSOKU_TRY(r.readInt("many_ports", scan.many_ports, 2, 65536));
    KANSOKU_TRY(r.readInt("many_hosts", scan.many_hosts, 2, 1LL << 32));
    KANSOKU_TRY(r.readInt("top_ports", scan.top_ports, 1, 8));
    return r.checkNoUnknownKeys();
}

Result<void> readBackscatter(const toml::table* table, std::string_view origin, BackscatterConfig& bs) {
    TableReader r(table, "darknet.backscatter", origin);
    KANSOKU_TRY(r.readInt("min_packets", bs.min_packets, 1, 1'000'000'000));
    KANSOKU_TRY(r.readInt("min_duration_s", bs.min_duration_s, 0, kMaxSeconds));
    KANSOKU_TRY(r.readInt("min_ppm", bs.min_ppm, 0, 1'000'000'000));
    KANSOKU_TRY(r.readInt("idle_timeout_s", bs.idle_timeout_s, 1, kMaxSeconds));
    return r.checkNoUnknownKeys();
}

Result<void> readDarknet(const toml::table* table, std::string_view origin, DarknetConfig& darknet) {
    TableReader r(table, "darknet", origin);
    KANSOKU_TRY(r.readStrings("prefixes", darknet.prefixes));
    KANSOKU_TRY(r.readString("interface", darknet.interface));
    KANSOKU_TRY(r.readString("bpf", darknet.bpf));
    KANSOKU_TRY(r.readInt("buffer_mb", darknet.buffer_mb, 1, 64 * 1024));
    KANSOKU_TRY(r.readInt("snaplen", darknet.snaplen, 64, 262144));
    KANSOKU_TRY(r.readInt("stats_interval_s", darknet.stats_interval_s, 1, 86400));
    auto scan = r.subTable("scan");
    KANSOKU_TRY(scan);
    KANSOKU_TRY(readScan(*scan, origin, darknet.scan));
    auto backscatter = r.subTable("backscatter");
    KANSOKU_TRY(backscatter);
    KANSOKU_TRY(readBackscatter(*backscatter, origin, darknet.backscatter));
    auto campaign = r.subTable("campaign");
    KANSOKU_TRY(campaign);
    TableReader c(*campaign, "darknet.campaign", origin);
    KANSOKU_TRY(c.readInt("window_s", darknet.campaign.window_s, 60, 86400));
    KANSOKU_TRY(c.readInt("min_sources", darknet.campaign.min_sources, 2, 1'000'000));
    KANSOKU_TRY(c.checkNoUnknownKeys());
    auto outbreak = r.subTable("outbreak");
    KANSOKU_TRY(outbreak);
    TableReader ob(*outbreak, "darknet.outbreak", origin);
    KANSOKU_TRY(ob.readInt("interval_s", darknet.outbreak.interval_s, 60, 86400));
    KANSOKU_TRY(ob.readInt("warmup_intervals", darknet.outbreak.warmup_intervals, 0, 100'000));
    KANSOKU_TRY(ob.readInt("min_sources", darknet.outbreak.min_sources, 1, 1'000'000'000));
    KANSOKU_TRY(ob.checkNoUnknownKeys());
    auto state = r.subTable("state");
    KANSOKU_TRY(state);
    TableReader s(*state, "darknet.state", origin);
    KANSOKU_TRY(s.readInt("max_memory_mb", darknet.max_memory_mb, 1, 1024 * 1024));
    KANSOKU_TRY(s.checkNoUnknownKeys());
    return r.checkNoUnknownKeys();
}

/// The keys every TCP honeypot listener has.
Result<void> readListener(TableReader& table, ListenerConfig& listener) {
    KANSOKU_TRY(table.readBool("enabled", listener.enabled));
    KANSOKU_TRY(table.readString("address", listener.address));
    return table.readInt("port", listener.port, 0, 65535);
}

Result<void> readHoneypot(const toml::table* table, std::string_view origin, HoneypotConfig& hp) {
    TableReader r(table, "honeypot", origin);
    KANSOKU_TRY(r.readBool("enabled", hp.enabled));
    KANSOKU_TRY(r.readString("persona", hp.persona));
    KANSOKU_TRY(r.readString("rules_dir", hp.rules_dir));
    KANSOKU_TRY(r.readString("samples_dir", hp.samples_dir));
    KANSOKU_TRY(r.readString("host_keys_dir", hp.host_keys_dir));
    KANSOKU_TRY(r.readString("cowrie_jsonl", hp.cowrie_jsonl));
    if (hp.persona.empty() || hp.samples_dir.empty()) {
        return fail("{}: honeypot.persona and honeypot.samples_dir must not be empty", origin);
    }

    auto limits = r.subTable("limits");
    KANSOKU_TRY(limits);
    TableReader l(*limits, "honeypot.limits", origin);
    KANSOKU_TRY(l.readInt("max_sessions", hp.limits.max_sessions, 1, 1'000'000));
    KANSOKU_TRY(l.readInt("max_sessions_per_source", hp.limits.max_sessions_per_source, 1, 1'000'000));
    KANSOKU_TRY(l.readInt("idle_timeout_s", hp.limits.idle_timeout_s, 1, kMaxSeconds));
    KANSOKU_TRY(l.readInt("session_timeout_s", hp.limits.session_timeout_s, 1, kMaxSeconds));
    KANSOKU_TRY(l.readInt("max_input_kb", hp.limits.max_input_kb, 1, 1024 * 1024));
    KANSOKU_TRY(l.checkNoUnknownKeys());

    auto credentials = r.subTable("credentials");
    KANSOKU_TRY(credentials);
    TableReader c(*credentials, "honeypot.credentials", origin);
    KANSOKU_TRY(c.readString("policy", hp.credentials.policy));
    KANSOKU_TRY(c.readString("file", hp.credentials.file));
    KANSOKU_TRY(c.readInt("tries", hp.credentials.tries, 1, 1000));
    KANSOKU_TRY(c.checkNoUnknownKeys());
    const auto& policy = hp.credentials.policy;
    if (policy != "accept_all" && policy != "listed" && policy != "after_tries") {
        return fail("{}: honeypot.credentials.policy = \"{}\" must be accept_all, listed or after_tries", origin,
                    policy);
    }
    if (policy == "listed" && hp.credentials.file.empty()) {
        return fail("{}: honeypot.credentials.policy = \"listed\" needs honeypot.credentials.file", origin);
    }

    {
        auto telnet = r.subTable("telnet");
        KANSOKU_TRY(telnet);
        TableReader t(*telnet, "honeypot.telnet", origin);
        KANSOKU_TRY(readListener(t, hp.telnet));
        KANSOKU_TRY(t.readInt("failure_delay_ms", hp.telnet_failure_delay_ms, 0, 60'000));
        KANSOKU_TRY(t.checkNoUnknownKeys());
    }
    {
        auto http = r.subTable("http");
        KANSOKU_TRY(http);
        TableReader h(*http, "honeypot.http", origin);
        KANSOKU_TRY(readListener(h, hp.http));
        KANSOKU_TRY(h.readString("persona", hp.http_persona));
        KANSOKU_TRY(h.checkNoUnknownKeys());
    }
    {
        auto ssh = r.subTable("ssh");
        KANSOKU_TRY(ssh);
        TableReader s(*ssh, "honeypot.ssh", origin);
        KANSOKU_TRY(readListener(s, hp.ssh));
        KANSOKU_TRY(s.readString("version", hp.ssh_version));
        KANSOKU_TRY(s.checkNoUnknownKeys());
        if (!hp.ssh_version.starts_with("SSH-2.0-") || hp.ssh_version.size() > 200) {
            return fail("{}: honeypot.ssh.version must start with \"SSH-2.0-\" (at most 200 bytes)", origin);
        }
    }

    auto reflector = r.subTable("reflector");
    KANSOKU_TRY(reflector);
    TableReader u(*reflector, "honeypot.reflector", origin);
    auto& rf = hp.reflector;
    KANSOKU_TRY(u.readBool("enabled", rf.enabled));
    KANSOKU_TRY(u.readString("address", rf.address));
    KANSOKU_TRY(u.readInt("dns_port", rf.dns_port, 0, 65535));
    KANSOKU_TRY(u.readInt("ntp_port", rf.ntp_port, 0, 65535));
    KANSOKU_TRY(u.readInt("ssdp_port", rf.ssdp_port, 0, 65535));
    KANSOKU_TRY(u.readInt("chargen_port", rf.chargen_port, 0, 65535));
    KANSOKU_TRY(u.readInt("memcached_port", rf.memcached_port, 0, 65535));
    KANSOKU_TRY(u.readInt("answers_per_source", rf.answers_per_source, 0, 1000));
    KANSOKU_TRY(u.readInt("attack_min_requests", rf.attack_min_requests, 2, 1'000'000'000));
    KANSOKU_TRY(u.readInt("flow_idle_timeout_s", rf.flow_idle_timeout_s, 1, kMaxSeconds));
    KANSOKU_TRY(u.checkNoUnknownKeys());

    auto download = r.subTable("download");
    KANSOKU_TRY(download);
    TableReader d(*download, "honeypot.download", origin);
    auto& dl = hp.download;
    KANSOKU_TRY(d.readBool("enabled", dl.enabled));
    KANSOKU_TRY(d.readInt("max_mb", dl.max_mb, 1, 1024));
    KANSOKU_TRY(d.readInt("timeout_s", dl.timeout_s, 1, 3600));
    KANSOKU_TRY(d.readInt("per_host_per_minute", dl.per_host_per_minute, 1, 100'000));
    KANSOKU_TRY(d.readInt("max_concurrent", dl.max_concurrent, 1, 10'000));
    KANSOKU_TRY(d.readBool("allow_loopback", dl.allow_loopback));
    KANSOKU_TRY(d.readBool("allow_private", dl.allow_private));
    KANSOKU_TRY(d.checkNoUnknownKeys());
    return r.checkNoUnknownKeys();
}

Result<Config> parseTable(const toml::table& root, std::string_view origin) {
    Config config;
    TableReader top(&root, "", origin);

    auto sensor = top.subTable("sensor");
    KANSOKU_TRY(sensor);
    TableReader s(*sensor, "sensor", origin);
    KANSOKU_TRY(s.readString("name", config.sensor_name));
    KANSOKU_TRY(s.checkNoUnknownKeys());
    if (config.sensor_name.empty()) {
        return fail("{}: sensor.name must not be empty", origin);
    }

    auto storage = top.subTable("storage");
    KANSOKU_TRY(storage);
    TableReader st(*storage, "storage", origin);
    KANSOKU_TRY(st.readString("data_dir", config.storage.data_dir));
    KANSOKU_TRY(st.readString("database", config.storage.database));
    KANSOKU_TRY(st.readString("events_jsonl", config.storage.events_jsonl));
    KANSOKU_TRY(st.readInt("batch_size", config.storage.batch_size, 1, 1'000'000));
    KANSOKU_TRY(st.checkNoUnknownKeys());

    auto darknet = top.subTable("darknet");
    KANSOKU_TRY(darknet);
    KANSOKU_TRY(readDarknet(*darknet, origin, config.darknet));

    auto intel = top.subTable("intel");
    KANSOKU_TRY(intel);
    TableReader in(*intel, "intel", origin);
    KANSOKU_TRY(in.readString("warning_lists", config.intel.warning_lists));
    KANSOKU_TRY(in.readStrings("benign_lists", config.intel.benign_lists));
    KANSOKU_TRY(in.checkNoUnknownKeys());

    auto honeypot = top.subTable("honeypot");
    KANSOKU_TRY(honeypot);
    KANSOKU_TRY(readHoneypot(*honeypot, origin, config.honeypot));

    auto sandbox = top.subTable("sandbox");
    KANSOKU_TRY(sandbox);
    TableReader sb(*sandbox, "sandbox", origin);
    KANSOKU_TRY(sb.readBool("enabled", config.sandbox.enabled));
    KANSOKU_TRY(sb.readInt("workers", config.sandbox.workers, 1, 256));
    KANSOKU_TRY(sb.readInt("timeout_s", config.sandbox.timeout_s, 1, 3600));
    KANSOKU_TRY(sb.readInt("queue_size", config.sandbox.queue_size, 1, 1'000'000));
    KANSOKU_TRY(sb.readInt("triage_workers", config.sandbox.triage_workers, 0, 256));
    KANSOKU_TRY(sb.readInt("max_drop_depth", config.sandbox.max_drop_depth, 0, 16));
    KANSOKU_TRY(sb.readBool("resume", config.sandbox.resume));
    KANSOKU_TRY(sb.checkNoUnknownKeys());

    KANSOKU_TRY(top.checkNoUnknownKeys());
    return config;
}

} // namespace

// Defined in the generated embedded_config.cpp (config/local.toml).
extern const char* const kEmbeddedDefaultConfig;

Result<Config> Config::parse(std::string_view toml_text, std::string_view origin) {
    try {
        const toml::table root = toml::parse(toml_text, origin);
        return parseTable(root, origin);
    } catch (const toml::parse_error& e) {
        return fail("{}:{}:{}: {}", origin, e.source().begin.line, e.source().begin.column, e.description());
    }
}

Result<Config> Config::load(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        return fail("config {}: cannot be read", path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse(text.str(), path);
}

std::string_view Config::embeddedDefaultText() {
    return kEmbeddedDefaultConfig;
}

Config Config::embeddedDefault() {
    auto config = parse(embeddedDefaultText(), "embedded config/local.toml");
    // The embedded default is tested; failing here is a build defect, not user input.
    if (!config) {
        std::fprintf(stderr, "kansoku: %s\n", config.error().message.c_str());
        std::abort();
    }
    return *config;
}

} // namespace kansoku
