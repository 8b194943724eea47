#include "intel/correlation_config.h"

namespace kansoku::intel {

void visitConfig(ConfigVisitor& v, CorrelationConfig& c) {
    v.boolean("enabled", c.enabled, "correlate events into infected hosts and C2 endpoints in `kansoku run`");
    v.texts("bot_tools", c.bot_tools, "darknet.scan tool labels that are bot fingerprints (infection evidence)");
    v.texts("scanner_tools", c.scanner_tools,
            "tool labels of general-purpose scanners: never infection evidence, not even by scan profile");
    v.texts("loader_commands", c.loader_commands,
            "honeypot commands that fetch a payload; run after a successful login they make the source infected");
    v.texts("yara_non_family", c.yara_non_family,
            "first words of YARA rule names that do not name a malware family (packers)");
    v.integer("max_hosts", c.max_hosts, 1'000, 100'000'000, "infected hosts held in memory (about 300 bytes each)");
    v.integer("max_scan_sources", c.max_scan_sources, 1'000, 100'000'000,
              "scan sources kept for scan-profile matches with later sandbox reports (about 100 bytes each)");
    v.integer("max_sessions", c.max_sessions, 100, 10'000'000, "honeypot sessions after a successful login");
    v.integer("max_samples", c.max_samples, 100, 10'000'000, "samples and C2 endpoints remembered");
    v.integer("max_evidence", c.max_evidence, 1, 16, "evidence references kept per host");
    v.duration("refresh_interval", c.refresh_interval, Duration::fromMinutes(1), Duration::fromDays(30),
               "an unchanged host is announced again at most this often while it stays active");
}

} // namespace kansoku::intel
