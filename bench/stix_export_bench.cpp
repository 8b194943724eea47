// STIX export of 1 million indicators (issue 12 "Speed": under 30 s).
//
// stix_export_bench [--db PATH] [--indicators N] [--rounds R] [--out FILE]
//
// Builds (once; an existing PATH is reused as it is) an SQLite store with N C2 endpoints (default
// 1 million: 90% IPv4 addresses, 10% domains, families from a small set, one sample each) through
// IntelStore::upsertC2 as correlation writes them. Then R rounds (default 3) of, on the same rows:
//   read    the baseline: IntelStore::c2Records() (every row, as the producer reads them)
//   export  kansoku export stix's path: StixProducer into a StixBundleWriter on a file (default
//           /dev/null; --out to keep one): per endpoint an indicator, its observable, an
//           infrastructure and 2-3 relationships
// and prints each round and the medians, with export / read as the ratio.
// Pin it to one core: taskset -c 1 build/bench/stix_export_bench.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "share/stix/stix_bundle_writer.h"
#include "share/stix/stix_producer.h"
#include "store/sqlite_store.h"

using namespace kansoku;

namespace {

using Clock = std::chrono::steady_clock;

struct Args {
    std::string db;
    uint64_t indicators = 1'000'000;
    int rounds = 3;
    std::string out = "/dev/null";
};

double seconds(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// CPU time of the process (user + system), seconds: the figure that does not move with a shared machine's load.
double cpuSeconds() {
    return static_cast<double>(std::clock()) / CLOCKS_PER_SEC;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

[[noreturn]] void die(const std::string& message) {
    std::fprintf(stderr, "stix_export_bench: %s\n", message.c_str());
    std::exit(1);
}

void fill(store::SqliteStore& db, uint64_t n) {
    const char* families[] = {"mirai", "gafgyt", "mozi", "tsunami", "unknown"};
    const Timestamp now = nowMicros();
    if (!db.begin()) {
        die("begin failed");
    }
    for (uint64_t i = 0; i < n; ++i) {
        store::C2Record record;
        if (i % 10 == 9) {
            record.kind = "domain";
            record.indicator = fmt::format("c2-{}.example.net", i);
        } else {
            // Public-looking addresses spread over 45.0.0.0 - 108.255.255.255 (none private or reserved).
            const uint32_t a = 0x2D000000u + static_cast<uint32_t>(i * 61);
            record.kind = "ip";
            record.indicator = IpAddress::fromV4(a).toString();
            record.port = static_cast<uint16_t>(1024 + i % 50000);
        }
        record.family = families[i % 5];
        record.samples = {fmt::format("{:064x}", i)};
        record.first_seen = now - 86'400'000'000LL * static_cast<Timestamp>(1 + i % 20);
        record.last_seen = now - 3'600'000'000LL * static_cast<Timestamp>(i % 24);
        if (auto r = db.upsertC2(record); !r) {
            die(r.error().message);
        }
    }
    if (!db.commit()) {
        die("commit failed");
    }
}

} // namespace

int main(int argc, char** argv) {
    Args args;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const std::string value = argv[i + 1];
        if (flag == "--db") {
            args.db = value;
        } else if (flag == "--indicators") {
            args.indicators = std::stoull(value);
        } else if (flag == "--rounds") {
            args.rounds = std::stoi(value);
        } else if (flag == "--out") {
            args.out = value;
        } else {
            die("unknown option " + flag);
        }
    }
    if (args.db.empty()) {
        args.db = fmt::format("/tmp/kansoku-stix-bench-{}.db", args.indicators);
    }
    const bool exists = std::filesystem::exists(args.db);
    auto opened = store::SqliteStore::open(args.db, store::OpenMode::ReadWriteCreate);
    if (!opened) {
        die(opened.error().message);
    }
    store::SqliteStore& db = **opened;
    if (!exists) {
        const auto start = Clock::now();
        fill(db, args.indicators);
        std::printf("filled %s with %llu C2 endpoints in %.1f s\n", args.db.c_str(),
                    static_cast<unsigned long long>(args.indicators), seconds(start));
    }

    std::vector<double> reads, exports, export_cpu;
    uint64_t objects = 0, indicators = 0;
    for (int round = 1; round <= args.rounds; ++round) {
        auto start = Clock::now();
        auto records = db.c2Records(std::nullopt);
        if (!records) {
            die(records.error().message);
        }
        const size_t rows = records->size();
        records->clear();
        reads.push_back(seconds(start));

        start = Clock::now();
        const double cpu_start = cpuSeconds();
        std::ofstream file(args.out, std::ios::binary | std::ios::trunc);
        share::stix::StixBundleWriter bundle(file);
        share::stix::StixProducer producer(db, share::stix::ProducerIdentity{});
        auto done = producer.produce({}, [&bundle](share::stix::StixObject&& o) { return bundle.add(o); });
        if (!done || !bundle.finish()) {
            die(done ? "write failed" : done.error().message);
        }
        file.close();
        exports.push_back(seconds(start));
        export_cpu.push_back(cpuSeconds() - cpu_start);
        objects = producer.counts().objects;
        const auto it = producer.counts().by_type.find("indicator");
        indicators = it == producer.counts().by_type.end() ? 0 : it->second;
        std::printf("round %d: read %zu rows %.2f s | export %llu objects (%llu indicators) %.2f s wall, %.2f s CPU | "
                    "ratio %.1f\n",
                    round, rows, reads.back(), static_cast<unsigned long long>(objects),
                    static_cast<unsigned long long>(indicators), exports.back(), export_cpu.back(),
                    exports.back() / reads.back());
    }
    std::printf("median: read %.2f s, export %.2f s wall / %.2f s CPU (%.0f indicators/s wall), ratio %.1f\n",
                median(reads), median(exports), median(export_cpu), static_cast<double>(indicators) / median(exports),
                median(exports) / median(reads));
    return 0;
}
