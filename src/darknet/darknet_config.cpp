#include "darknet/darknet_config.h"

namespace kansoku::darknet {
namespace {

constexpr Duration kYear = Duration::fromDays(365);

} // namespace

void visitConfig(ConfigVisitor& v, DarknetConfig& c) {
    v.texts("prefixes", c.prefixes, "unused address space watched by this sensor (CIDR prefixes)");
    v.text("interface", c.interface, "live capture interface; empty: analyse a generated demo capture");
    v.text("bpf", c.bpf, "BPF filter applied in the kernel (tcpdump syntax)");
    v.size("buffer", c.buffer, ByteSize::fromMiB(1), ByteSize::fromGiB(64), "kernel capture buffer");
    v.renamed("buffer_mb", "write buffer = \"64MiB\"");
    v.integer("snaplen", c.snaplen, 64, 262144, "bytes kept of each packet (headers only are analysed)");
    v.duration("stats_interval", c.stats_interval, Duration::fromSeconds(1), Duration::fromDays(1),
               "how often capture.stats events are emitted");
    v.renamed("stats_interval_s", "write stats_interval = \"60s\"");
    v.integer("workers", c.workers, 0, 1024,
              "analysis threads, each with the records of the sources whose address hashes to it; 0: automatic "
              "(live capture: one per core, each reading its own ring; files: one)");
    v.section("scan", "per-source scan records (darknet.scan)", [&c](ConfigVisitor& s) {
        s.duration("idle_timeout", c.scan.idle_timeout, Duration::fromSeconds(1), kYear,
                   "a source's record closes after this much silence (packet time)");
        s.renamed("idle_timeout_s", "write idle_timeout = \"10m\"");
        s.integer("min_packets", c.scan.min_packets, 1, 1'000'000'000,
                  "sources with fewer packets get no darknet.scan event");
        s.integer("many_ports", c.scan.many_ports, 2, 65536, "a vertical scan starts at this many ports");
        s.integer("many_hosts", c.scan.many_hosts, 2, 1LL << 32, "a horizontal scan starts at this many hosts");
        s.integer("top_ports", c.scan.top_ports, 1, 8, "ports listed in each scan record");
    });
    v.section("backscatter", "DDoS backscatter (ddos.attack, evidence backscatter)", [&c](ConfigVisitor& s) {
        s.integer("min_packets", c.backscatter.min_packets, 1, 1'000'000'000, "packets before a victim is an attack");
        s.duration("min_duration", c.backscatter.min_duration, Duration(), kYear, "attack duration threshold");
        s.renamed("min_duration_s", "write min_duration = \"60s\"");
        s.integer("min_ppm", c.backscatter.min_ppm, 0, 1'000'000'000, "packets per minute threshold");
        s.duration("idle_timeout", c.backscatter.idle_timeout, Duration::fromSeconds(1), kYear,
                   "an attack ends after this much silence");
        s.renamed("idle_timeout_s", "write idle_timeout = \"5m\"");
    });
    v.section(
        "campaign", "sources probing one port with one tool in a window (darknet.campaign)", [&c](ConfigVisitor& s) {
            s.duration("window", c.campaign.window, Duration::fromMinutes(1), Duration::fromDays(1), "campaign window");
            s.renamed("window_s", "write window = \"10m\"");
            s.integer("min_sources", c.campaign.min_sources, 2, 1'000'000, "sources that make a campaign");
        });
    v.section("outbreak", "early warning per port (alert events)", [&c](ConfigVisitor& s) {
        s.duration("interval", c.outbreak.interval, Duration::fromMinutes(1), Duration::fromDays(1),
                   "baseline interval");
        s.renamed("interval_s", "write interval = \"10m\"");
        s.integer("warmup_intervals", c.outbreak.warmup_intervals, 0, 100'000, "intervals of baseline before alerts");
        s.integer("min_sources", c.outbreak.min_sources, 1, 1'000'000'000,
                  "source-minutes a port needs in an interval to alert");
    });
    v.section("state", "memory of all in-memory darknet state", [&c](ConfigVisitor& s) {
        s.size("max_memory", c.max_memory, ByteSize::fromMiB(1), ByteSize::fromTiB(1),
               "cap for scan, victim and port tables; when full the oldest records close early (counted)");
        s.renamed("max_memory_mb", "write max_memory = \"512MiB\"");
    });
}

} // namespace kansoku::darknet
