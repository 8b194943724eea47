#pragma once

/// [intel.correlation]: which evidence makes a source an infected host, and the bounds of the
/// correlator's memory (docs/correlation.md).

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/config_visitor.h"

namespace kansoku::intel {

struct CorrelationConfig {
    /// Correlation runs in `kansoku run` (it always runs for `kansoku intel correlate`).
    bool enabled = true;
    /// darknet.scan `tool` labels that are bot fingerprints: a source carrying one is infected.
    std::vector<std::string> bot_tools = {"mirai"};
    /// Tool labels of general-purpose scanners: never infection evidence, not even through a scan
    /// profile match (an nmap source is not an infected host).
    std::vector<std::string> scanner_tools = {"nmap", "zmap", "masscan"};
    /// argv[0] of honeypot commands that fetch a payload (a loader); `executed` non-empty counts too.
    std::vector<std::string> loader_commands = {"wget", "curl", "tftp", "ftpget"};
    /// YARA rule names whose first word (up to `_`) is not a malware family (packers, test rules).
    std::vector<std::string> yara_non_family = {"upx"};
    /// Infected hosts held in memory (least recently seen dropped first, counted).
    int64_t max_hosts = 1'000'000;
    /// Scan sources without a verdict kept for scan-profile matches of later sandbox reports.
    int64_t max_scan_sources = 1'000'000;
    /// Honeypot sessions with a successful login being followed.
    int64_t max_sessions = 200'000;
    /// Samples (family, scan profile) and C2 endpoints remembered.
    int64_t max_samples = 100'000;
    /// Evidence references kept per host (distinct type and reference; later ones are counted).
    int64_t max_evidence = 16;
    /// A host whose verdict did not change is announced again (intel.infected_host) at most this
    /// often while it stays active, so last_seen moves in the events too.
    std::chrono::seconds refresh_interval{3600};
};

void visitConfig(ConfigVisitor& v, CorrelationConfig& c);

} // namespace kansoku::intel
