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

/// One TCP honeypot listener.
struct ListenerConfig {
    bool enabled = true;
    std::string address = "127.0.0.1";
    int64_t port = 0;
};

struct HoneypotCredentialsConfig {
    /// "accept_all", "listed" (the pairs in `file`) or "after_tries" (the `tries`-th attempt of a source).
    std::string policy = "after_tries";
    std::string file;
    int64_t tries = 2;
};

struct HoneypotLimitsConfig {
    int64_t max_sessions = 1024;
    int64_t max_sessions_per_source = 16;
    int64_t idle_timeout_s = 180;
    int64_t session_timeout_s = 900;
    int64_t max_input_kb = 256;
};

struct DownloaderConfig {
    bool enabled = true;
    int64_t max_mb = 8;
    int64_t timeout_s = 30;
    int64_t per_host_per_minute = 6;
    int64_t max_concurrent = 16;
    bool allow_loopback = false;
    bool allow_private = false;
};

struct ReflectorConfig {
    bool enabled = true;
    std::string address = "127.0.0.1";
    int64_t dns_port = 10053;
    int64_t ntp_port = 10123;
    int64_t ssdp_port = 11900;
    int64_t chargen_port = 10019;
    int64_t memcached_port = 11211;
    int64_t answers_per_source = 3;
    int64_t attack_min_requests = 100;
    int64_t flow_idle_timeout_s = 3600;
};

struct HoneypotConfig {
    /// Whether `kansoku run` starts the honeypots (`kansoku honeypot` always does).
    bool enabled = true;
    /// A persona name (rules/personas/NAME.toml) or a path to a persona file.
    std::string persona = "tplink-wr841n-mips";
    /// Folder with personas/ and http/; empty: the rules compiled into the binary.
    std::string rules_dir;
    std::string samples_dir = "var/samples";
    std::string host_keys_dir = "var/ssh-host-keys";
    /// Telnet and SSH events also in Cowrie's JSON format here; empty disables it.
    std::string cowrie_jsonl;
    HoneypotLimitsConfig limits;
    HoneypotCredentialsConfig credentials;
    ListenerConfig telnet{true, "127.0.0.1", 2323};
    /// BusyBox login's pause before "Login incorrect" (LOGIN_FAIL_DELAY).
    int64_t telnet_failure_delay_ms = 3000;
    ListenerConfig ssh{true, "127.0.0.1", 2222};
    std::string ssh_version = "SSH-2.0-dropbear_2019.78";
    ListenerConfig http{true, "127.0.0.1", 8081};
    /// The web interface shown (rules/http/personas/NAME.toml, or a path).
    std::string http_persona = "tplink-wr841n";
    ReflectorConfig reflector;
    DownloaderConfig download;
};

/// [sandbox]: new samples from the honeypots are analysed automatically (issue 5).
struct SandboxConfig {
    /// Analyse every new sample the honeypots store (needs root; skipped with a warning otherwise).
    /// Static triage runs whatever this says.
    bool enabled = false;
    int64_t workers = 2;
    int64_t timeout_s = 30;
    int64_t queue_size = 256;
    int64_t triage_workers = 1; ///< static triage threads (0 = one per CPU)
    int64_t max_drop_depth = 2; ///< files dropped by dropped files ... are stored and triaged; run up to this depth
    bool resume = true;         ///< at start, process stored samples that lack their triage or sandbox document
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
    HoneypotConfig honeypot;
    SandboxConfig sandbox;

    /// Parses TOML text; `origin` names the source in errors ("config/site.toml").
    static Result<Config> parse(std::string_view toml_text, std::string_view origin);
    static Result<Config> load(const std::string& path);
    /// The embedded default (config/local.toml compiled into the binary).
    static Config embeddedDefault();
    static std::string_view embeddedDefaultText();
};

} // namespace kansoku
