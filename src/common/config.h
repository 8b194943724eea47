#pragma once

/// The configuration, read from TOML (config/local.toml is the embedded default and documents
/// every key). Unknown keys are errors, so a typo never silently falls back to a default.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kansoku {

struct ScanConfig {
    int64_t idle_timeout_s = 600;
    int64_t min_packets = 1;
    int64_t many_ports = 5;
    int64_t many_hosts = 5;
    int64_t top_ports = 8;
};

struct BackscatterConfig {
    int64_t min_packets = 25;
    int64_t min_duration_s = 60;
    int64_t min_ppm = 30;
    int64_t idle_timeout_s = 300;
};

struct CampaignConfig {
    int64_t window_s = 600;
    int64_t min_sources = 3;
};

struct OutbreakConfig {
    int64_t interval_s = 600;
    int64_t warmup_intervals = 12;
    int64_t min_sources = 20;
};

struct DarknetConfig {
    std::vector<std::string> prefixes;
    std::string interface;
    std::string bpf;
    int64_t buffer_mb = 64;
    int64_t snaplen = 256;
    int64_t stats_interval_s = 60;
    ScanConfig scan;
    BackscatterConfig backscatter;
    CampaignConfig campaign;
    OutbreakConfig outbreak;
    int64_t max_memory_mb = 512;
};

struct IntelConfig {
    /// A MISP warning lists checkout (the folder holding lists/); empty disables benign labels.
    std::string warning_lists;
    /// Which lists name benign scanners (globs over list folder names).
    std::vector<std::string> benign_lists = {"*-nt-scanning", "censys-scanning", "shodan-scanning"};
};

struct StorageConfig {
    std::string data_dir = "var";
    std::string database = "var/kansoku.db";
    std::string events_jsonl = "var/events.jsonl";
    int64_t batch_size = 1000;
};

struct Config {
    std::string sensor_name = "local";
    StorageConfig storage;
    DarknetConfig darknet;
    IntelConfig intel;

    /// Parses TOML text; `origin` names the source in errors ("config/site.toml").
    static Result<Config> parse(std::string_view toml_text, std::string_view origin);
    static Result<Config> load(const std::string& path);
    /// The embedded default (config/local.toml compiled into the binary).
    static Config embeddedDefault();
    static std::string_view embeddedDefaultText();
};

} // namespace kansoku
