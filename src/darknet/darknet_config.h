#pragma once

/// [darknet]: the prefixes a sensor watches, its capture, and the thresholds of its trackers
/// (docs/configuration.md). DarknetAnalyzerOptions::fromConfig turns it into tracker options.

#include <cstdint>
#include <string>
#include <vector>

#include "common/config_visitor.h"

namespace kansoku::darknet {

struct DarknetConfig {
    /// TEST-NET-3 and the IPv6 documentation prefix: a config that names none watches nothing real.
    std::vector<std::string> prefixes = {"203.0.113.0/24", "2001:db8:dead::/48"};
    std::string interface;
    std::string bpf;
    ByteSize buffer = ByteSize::fromMiB(64);
    int64_t snaplen = 256;
    Duration stats_interval = Duration::fromSeconds(60);
    int64_t workers = 0; ///< analysis threads; 0: automatic (live fanout: one per core; files: one)
    struct Scan {
        Duration idle_timeout = Duration::fromMinutes(10);
        int64_t min_packets = 1;
        int64_t many_ports = 5;
        int64_t many_hosts = 5;
        int64_t top_ports = 8;
    } scan;
    /// CAIDA corsaro's backscatter thresholds.
    struct Backscatter {
        int64_t min_packets = 25;
        Duration min_duration = Duration::fromSeconds(60);
        int64_t min_ppm = 30;
        Duration idle_timeout = Duration::fromMinutes(5);
    } backscatter;
    struct Campaign {
        Duration window = Duration::fromMinutes(10);
        int64_t min_sources = 3;
    } campaign;
    struct Outbreak {
        Duration interval = Duration::fromMinutes(10);
        int64_t warmup_intervals = 12;
        int64_t min_sources = 20;
    } outbreak;
    ByteSize max_memory = ByteSize::fromMiB(512); ///< [darknet.state]
};

void visitConfig(ConfigVisitor& v, DarknetConfig& c);

} // namespace kansoku::darknet
