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
#include <ctime>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

#include "common/prefix.h"
#include "event_mix.h"
#include "store/dashboard_reader.h"
#include "store/event_row.h"
#include "store/sqlite_store.h"

namespace {

using namespace kansoku;
using Clock = std::chrono::steady_clock;

constexpr Timestamp kDay = int64_t{24} * 3600 * kMicrosPerSecond;
constexpr Timestamp kEnd = 1'796'083'200'000'000; // the month ends on a day boundary
constexpr Timestamp kBegin = kEnd - 30 * kDay;
constexpr int64_t kFillBatch = 100'000; // events per transaction, as a busy live sink commits

/// The baseline of the fill: the same events' rows (the store's own JSON line and columns) put into a
/// bare table with one prepared INSERT in transactions of the same size, no index, trigger or rollup.
/// Events per second.
double plainInsertRate(const std::string& path, int64_t events) {
    std::filesystem::remove(path);
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
        return 0;
    }
    sqlite3_exec(db,
                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; CREATE TABLE events (id INTEGER PRIMARY "
                 "KEY, type TEXT NOT NULL, ts BIGINT NOT NULL, sensor TEXT NOT NULL, subject TEXT, body TEXT NOT NULL)",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO events (type, ts, sensor, subject, body) VALUES (?, ?, ?, ?, ?)", -1, &insert,
                       nullptr);
    std::mt19937_64 rng(13);
    const auto started = Clock::now();
    for (int64_t done = 0; done < events;) {
        sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
        for (int64_t i = 0; i < kFillBatch && done < events; ++i, ++done) {
            const store::EventRow row =
                store::toEventRow(bench::dashboardMixEvent(rng, kBegin + (kEnd - kBegin) / events * done));
            sqlite3_bind_text(insert, 1, row.type.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_int64(insert, 2, row.ts);
            sqlite3_bind_text(insert, 3, row.sensor.c_str(), -1, SQLITE_STATIC);
            if (row.subject) {
                sqlite3_bind_text(insert, 4, row.subject->c_str(), -1, SQLITE_STATIC);
            } else {
                sqlite3_bind_null(insert, 4);
            }
            sqlite3_bind_text(insert, 5, row.body.c_str(), static_cast<int>(row.body.size()), SQLITE_STATIC);
            sqlite3_step(insert);
            sqlite3_reset(insert);
        }
        sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    sqlite3_finalize(insert);
    sqlite3_close(db);
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    return static_cast<double>(events) / seconds;
}

/// CPU time of the calling thread, in milliseconds.
double threadCpuMs() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
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
        for (int64_t done = 0; done < events;) {
            if (!store.begin()) {
                return fail("begin failed");
            }
            for (int64_t i = 0; i < kFillBatch && done < events; ++i, ++done) {
                // Time order, as the sink writes: the month spread evenly.
                const Timestamp ts = kBegin + (kEnd - kBegin) / events * done;
                if (auto appended = store.append(bench::dashboardMixEvent(rng, ts)); !appended) {
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
        const double rate = static_cast<double>(events) / seconds;
        // The baseline in the same run, over the first million events (or all, if fewer).
        const double baseline = plainInsertRate(db + ".baseline", std::min<int64_t>(events, 1'000'000));
        std::printf("fill: %lld events in %.1f s: %.0f events/s through SqliteStore (indexes and rollups included); "
                    "baseline plain prepared inserts %.0f events/s; ratio %.2f\n",
                    static_cast<long long>(events), seconds, rate, baseline, baseline > 0 ? rate / baseline : 0.0);
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
    // "last 24h" as the dashboard asks it at 23:23 (not on an hour), a calendar day, and the month.
    constexpr Timestamp kOffHour = 37 * 60 * kMicrosPerSecond;
    const std::vector<std::pair<std::string, store::TimeRange>> ranges = {
        {"last 24h", store::TimeRange{kEnd - kDay - kOffHour, kEnd - kOffHour}},
        {"day", store::TimeRange{kEnd - kDay, kEnd}},
        {"month", store::TimeRange{kBegin, kEnd}}};
    for (const auto& [label, range] : ranges) {
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
    // Wall time is what the target is about; the thread's CPU time beside it tells the query's own work from
    // waiting for a core on a loaded machine.
    std::printf("%-32s %10s %10s %10s %8s\n", "query", "median ms", "cpu ms", "target ms", "");
    for (const auto& c : cases) {
        std::vector<double> times;
        std::vector<double> cpu;
        for (int i = 0; i < rounds; ++i) {
            const auto started = Clock::now();
            const double cpu_started = threadCpuMs();
            if (!c.run()) {
                return fail(c.name + " failed");
            }
            cpu.push_back(threadCpuMs() - cpu_started);
            times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - started).count());
        }
        const double m = median(times);
        const bool ok = m < c.target_ms;
        missed += ok ? 0 : 1;
        std::printf("%-32s %10.1f %10.1f %10.0f %8s\n", c.name.c_str(), m, median(cpu), c.target_ms,
                    ok ? "PASS" : "FAIL");
    }
    std::printf("%d of %zu queries missed their target\n", missed, cases.size());
    // How far the summarised top lists may be off (error_bound) against the figures they list.
    std::printf("%-32s %12s %12s %12s\n", "top list accuracy", "error_bound", "first item", "10th item");
    for (const auto& [label, range] : ranges) {
        for (const auto kind : {store::TopKind::Sources, store::TopKind::Ports}) {
            auto top = r.top(kind, range, 10, nullptr);
            if (!top) {
                return fail(top.error().message);
            }
            const auto figure = [&top](size_t i) { return i < top->items.size() ? top->items[i].amount : 0; };
            std::printf("%-32s %12lld %12lld %12lld\n",
                        fmt::format("top {}/{}", store::topKindName(kind), label).c_str(),
                        static_cast<long long>(top->error_bound), static_cast<long long>(figure(0)),
                        static_cast<long long>(figure(9)));
        }
    }
    return 0;
}
