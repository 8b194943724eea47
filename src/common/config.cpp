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
