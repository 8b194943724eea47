// Enrichment lookups (issue 11 "Speed": 1 million lookups per second per core, against a plain binary
// search over the same sorted ranges measured in the same run).
//
// enrichment_bench [--asn-v4 CSV] [--asn-v6 CSV] [--country-mmdb MMDB] [--lookups N] [--rounds R]
//
// Loads the installed ip-location-db data (defaults: src/intel/enrichment_options.h) and, R rounds,
// looks up N addresses of each input shape:
//   v4 random      uniform over the whole IPv4 space (the share that lands in a range is printed)
//   v4 in ranges   a range picked uniformly, then an address uniformly inside it
//   v6 random      uniform between the first and the last address of the IPv6 AS ranges
//                  (2001:: to 2c0f:ffff:...; uniform over all of IPv6 would be nearly all gaps)
//   v6 in ranges   as for IPv4
// For each shape, AS lookup three ways on the same addresses in the same round:
//   baseline   std::upper_bound over the sorted {first, last, value} ranges, then the end check
//   kansoku    RangeIndex::find (first-level index + branch-free search), what AsnTable::lookup does
//   full       EnrichmentData::lookup from an IpAddress: AS number and name + country
// and, for reference, libmaxminddb's own lookup (MMDB_lookup_sockaddr + MMDB_get_value) of the
// country, which EnrichmentData replaces by its flattened copy. Every kansoku answer is checked
// against the baseline's. Prints each round and the medians; the ratio is kansoku / baseline.
// Pin it to one core for stable figures: taskset -c 1 build/bench/enrichment_bench.

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>

#include "intel/enrichment_data.h"

using kansoku::IpAddress;
using kansoku::intel::Uint128;

namespace {

template <typename Key>
struct Range {
    Key first;
    Key last;
    uint32_t value;
};

/// The baseline: the textbook search over the ranges as loaded.
template <typename Key>
uint32_t baselineFind(const std::vector<Range<Key>>& ranges, Key address) {
    const auto it =
        std::upper_bound(ranges.begin(), ranges.end(), address, [](Key a, const Range<Key>& r) { return a < r.first; });
    if (it == ranges.begin()) {
        return kansoku::intel::Ipv4RangeIndex::kNoValue;
    }
    const Range<Key>& range = *(it - 1);
    return address <= range.last ? range.value : kansoku::intel::Ipv4RangeIndex::kNoValue;
}

template <typename Key, typename Index>
std::vector<Range<Key>> rangesOf(const Index& index) {
    std::vector<Range<Key>> out;
    index.forEachRange([&out](auto first, auto last, uint32_t value) {
        out.push_back({static_cast<Key>(first), static_cast<Key>(last), value});
    });
    return out;
}

IpAddress fromKey(Uint128 key) {
    uint8_t bytes[16];
    for (int i = 15; i >= 0; --i) {
        bytes[i] = static_cast<uint8_t>(key);
        key >>= 8;
    }
    return IpAddress::fromV6(bytes);
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

struct Shape {
    std::string name;
    bool v4 = true;
    std::vector<uint32_t> v4_keys;
    std::vector<Uint128> v6_keys;
    std::vector<IpAddress> addresses;
    std::vector<double> baseline, kansoku, full, libmaxminddb; // million lookups per second, per round
};

double threadCpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

/// Times `body(i)` over every address; returns million lookups per second of this thread's CPU
/// time (per core, whatever else the machine runs). `sink` defeats the optimiser.
template <typename Body>
double rate(std::size_t n, Body&& body, uint64_t& sink) {
    const double start = threadCpuSeconds();
    uint64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
        sum += body(i);
    }
    const double elapsed = threadCpuSeconds() - start;
    sink += sum;
    return static_cast<double>(n) / elapsed / 1e6;
}

} // namespace

int main(int argc, char** argv) {
    kansoku::intel::EnrichmentOptions options;
    std::size_t lookups = 2'000'000;
    int rounds = 7;
    for (int i = 1; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            std::fprintf(stderr, "enrichment_bench: %s needs a value\n", flag.c_str());
            return 2;
        }
        const char* value = argv[++i];
        if (flag == "--asn-v4") {
            options.asn_v4_csv = value;
        } else if (flag == "--asn-v6") {
            options.asn_v6_csv = value;
        } else if (flag == "--country-mmdb") {
            options.country_mmdb = value;
        } else if (flag == "--lookups") {
            lookups = std::strtoull(value, nullptr, 10);
        } else if (flag == "--rounds") {
            rounds = std::atoi(value);
        } else {
            std::fprintf(stderr,
                         "usage: %s [--asn-v4 CSV] [--asn-v6 CSV] [--country-mmdb MMDB] [--lookups N] "
                         "[--rounds R]\n",
                         argv[0]);
            return 2;
        }
    }
    if (lookups == 0 || rounds < 1) {
        std::fprintf(stderr, "enrichment_bench: --lookups and --rounds must be positive\n");
        return 2;
    }

    auto loaded = kansoku::intel::EnrichmentData::load(options);
    if (!loaded) {
        std::fprintf(stderr, "enrichment_bench: %s\n", loaded.error().message.c_str());
        return 1;
    }
    const kansoku::intel::EnrichmentData& data = *loaded;
    const auto& asn = data.asn();
    const auto v4_ranges = rangesOf<uint32_t>(asn.v4());
    const auto v6_ranges = rangesOf<Uint128>(asn.v6());
    uint64_t v4_covered = 0;
    for (const auto& range : v4_ranges) {
        v4_covered += uint64_t{range.last} - range.first + 1;
    }
    std::printf("IPv4 space covered by AS ranges: %.1f%%\n", 100.0 * static_cast<double>(v4_covered) / 4294967296.0);
    std::printf("data: %zu AS rows -> %zu IPv4 ranges (%zu entries with gaps) + %zu IPv6 ranges (%zu entries); "
                "country: %zu + %zu ranges; loaded in %lld ms\n",
                asn.rowCount(), v4_ranges.size(), asn.v4().entryCount(), v6_ranges.size(), asn.v6().entryCount(),
                data.country().v4RangeCount(), data.country().v6RangeCount(),
                static_cast<long long>(data.loadTime().count()));

    MMDB_s mmdb;
    if (MMDB_open(options.country_mmdb.c_str(), MMDB_MODE_MMAP, &mmdb) != MMDB_SUCCESS) {
        std::fprintf(stderr, "enrichment_bench: libmaxminddb cannot open %s\n", options.country_mmdb.c_str());
        return 1;
    }

    std::mt19937_64 rng(20261207);
    std::vector<Shape> shapes(4);
    shapes[0].name = "v4 random";
    shapes[1].name = "v4 in ranges";
    shapes[2].name = "v6 random";
    shapes[3].name = "v6 in ranges";
    shapes[2].v4 = shapes[3].v4 = false;
    for (std::size_t i = 0; i < lookups; ++i) {
        shapes[0].v4_keys.push_back(static_cast<uint32_t>(rng()));
        const auto& r4 = v4_ranges[rng() % v4_ranges.size()];
        shapes[1].v4_keys.push_back(r4.first + static_cast<uint32_t>(rng() % (uint64_t{r4.last} - r4.first + 1)));
        const Uint128 v6_span = v6_ranges.back().last - v6_ranges.front().first;
        shapes[2].v6_keys.push_back(v6_ranges.front().first + ((Uint128{rng()} << 64) | rng()) % v6_span);
        const auto& r6 = v6_ranges[rng() % v6_ranges.size()];
        const Uint128 span = r6.last - r6.first;
        const Uint128 offset = ((Uint128{rng()} << 64) | rng()) % (span == ~Uint128{0} ? span : span + 1);
        shapes[3].v6_keys.push_back(r6.first + offset);
    }
    for (Shape& shape : shapes) {
        if (shape.v4) {
            for (const uint32_t key : shape.v4_keys) {
                shape.addresses.push_back(IpAddress::fromV4(key));
            }
        } else {
            for (const Uint128 key : shape.v6_keys) {
                shape.addresses.push_back(fromKey(key));
            }
        }
    }

    // Correctness first: the index answers what the baseline answers, for every address.
    for (const Shape& shape : shapes) {
        for (std::size_t i = 0; i < lookups; ++i) {
            const bool same = shape.v4 ? asn.v4().find(shape.v4_keys[i]) == baselineFind(v4_ranges, shape.v4_keys[i])
                                       : asn.v6().find(shape.v6_keys[i]) == baselineFind(v6_ranges, shape.v6_keys[i]);
            if (!same) {
                std::fprintf(stderr, "enrichment_bench: %s: index and baseline disagree on %s\n", shape.name.c_str(),
                             shape.addresses[i].toString().c_str());
                return 1;
            }
        }
    }

    uint64_t sink = 0;
    for (int round = 0; round < rounds; ++round) {
        for (Shape& shape : shapes) {
            if (shape.v4) {
                shape.baseline.push_back(rate(
                    lookups, [&](std::size_t i) { return baselineFind(v4_ranges, shape.v4_keys[i]); }, sink));
                shape.kansoku.push_back(rate(
                    lookups, [&](std::size_t i) { return asn.v4().find(shape.v4_keys[i]); }, sink));
            } else {
                shape.baseline.push_back(rate(
                    lookups, [&](std::size_t i) { return baselineFind(v6_ranges, shape.v6_keys[i]); }, sink));
                shape.kansoku.push_back(rate(
                    lookups, [&](std::size_t i) { return asn.v6().find(shape.v6_keys[i]); }, sink));
            }
            shape.full.push_back(rate(
                lookups,
                [&](std::size_t i) {
                    const auto view = data.lookup(shape.addresses[i]);
                    return view.asn + view.as_name.size() + (view.country.empty() ? 0 : view.country[0]);
                },
                sink));
            shape.libmaxminddb.push_back(rate(
                lookups,
                [&](std::size_t i) {
                    sockaddr_in6 sa6{};
                    sockaddr_in sa4{};
                    const sockaddr* sa = nullptr;
                    if (shape.v4) {
                        sa4.sin_family = AF_INET;
                        sa4.sin_addr.s_addr = htonl(shape.v4_keys[i]);
                        sa = reinterpret_cast<const sockaddr*>(&sa4);
                    } else {
                        sa6.sin6_family = AF_INET6;
                        std::memcpy(&sa6.sin6_addr, shape.addresses[i].bytes().data(), 16);
                        sa = reinterpret_cast<const sockaddr*>(&sa6);
                    }
                    int error = 0;
                    MMDB_lookup_result_s result = MMDB_lookup_sockaddr(&mmdb, sa, &error);
                    if (!result.found_entry) {
                        return uint64_t{0};
                    }
                    MMDB_entry_data_s value;
                    if (MMDB_get_value(&result.entry, &value, "country_code", nullptr) != MMDB_SUCCESS ||
                        !value.has_data) {
                        return uint64_t{0};
                    }
                    return uint64_t{static_cast<unsigned char>(value.utf8_string[0])};
                },
                sink));
            std::printf("round %d %-13s baseline %6.2f  kansoku %6.2f  (x%.2f)  full %6.2f  libmaxminddb country "
                        "%5.2f  M lookups/s\n",
                        round + 1, shape.name.c_str(), shape.baseline.back(), shape.kansoku.back(),
                        shape.kansoku.back() / shape.baseline.back(), shape.full.back(), shape.libmaxminddb.back());
        }
    }
    MMDB_close(&mmdb);

    std::printf("\nmedians over %d rounds of %zu lookups (million lookups per CPU-second, one thread):\n", rounds,
                lookups);
    std::printf("%-13s %9s %9s %7s %12s %12s\n", "shape", "baseline", "kansoku", "ratio", "full (AS+cc)",
                "libmaxminddb");
    bool met = true;
    for (const Shape& shape : shapes) {
        const double b = median(shape.baseline);
        const double k = median(shape.kansoku);
        const double f = median(shape.full);
        met = met && f >= 1.0 && k > b;
        std::printf("%-13s %9.2f %9.2f %7.2f %12.2f %12.2f\n", shape.name.c_str(), b, k, k / b, f,
                    median(shape.libmaxminddb));
    }
    std::printf("target: full enrichment >= 1 M lookups/s and AS lookup faster than the baseline, every shape: %s\n",
                met ? "met" : "NOT met");
    std::fprintf(stderr, "(checksum %llu)\n", static_cast<unsigned long long>(sink));
    return met ? 0 : 1;
}
