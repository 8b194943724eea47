// Fills a database for the ISP API benchmark (bench/isp_api_bench): one ISP whose prefix holds
// N infected hosts (mirai, with reasons and evidence like correlation writes them), a few hundred
// of them notified or remediated, and prints the ISP's API key on stdout.
//
// Usage: isp_api_fill DB [--hosts N] [--isp NAME] [--prefix CIDR]

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "share/isp/isp_registry.h"
#include "store/sqlite_store.h"

using namespace kansoku;

namespace {

int usage() {
    std::fputs("usage: isp_api_fill DB [--hosts N] [--isp NAME] [--prefix CIDR]\n", stderr);
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        return usage();
    }
    const std::string db = argv[1];
    int64_t count = 100'000;
    share::isp::IspSpec spec{"bench-isp", {"10.0.0.0/8"}, {}, "abuse@bench.example", "en"};
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        if (flag == "--hosts") {
            count = std::atoll(argv[i + 1]);
        } else if (flag == "--isp") {
            spec.name = argv[i + 1];
        } else if (flag == "--prefix") {
            spec.prefixes = {argv[i + 1]};
        } else {
            return usage();
        }
    }
    auto store = store::SqliteStore::open(db, store::OpenMode::ReadWriteCreate);
    if (!store) {
        std::fprintf(stderr, "isp_api_fill: %s\n", store.error().message.c_str());
        return 1;
    }
    auto& s = **store;
    const auto prefix = Prefix::parse(spec.prefixes.front());
    if (!prefix || !prefix->isV4()) {
        std::fputs("isp_api_fill: --prefix must be an IPv4 prefix\n", stderr);
        return 1;
    }
    const uint32_t base = prefix->network().v4();
    const Timestamp t0 = nowMicros() - 7 * 86400 * kMicrosPerSecond;
    if (!s.begin()) {
        return 1;
    }
    for (int64_t i = 0; i < count; ++i) {
        store::InfectedHostRecord host;
        host.ip = IpAddress::fromV4(base + 1 + static_cast<uint32_t>(i) * 7);
        host.asn = 64500;
        host.as_name = "BENCH-NET";
        host.country = "JP";
        host.family = i % 3 == 0 ? "gafgyt" : "mirai";
        host.confidence = 90;
        host.reasons = {"darknet probes carry the mirai fingerprint",
                        "logged in to the telnet honeypot and ran a loader"};
        host.evidence = {{"darknet.scan", t0, "tokyo-1", "tcp/23"}, {"honeypot.download", t0 + 5, "tokyo-1", "s-1"}};
        host.first_seen = t0 + i;
        host.last_seen = t0 + i + 3600 * kMicrosPerSecond;
        if (!s.upsertInfectedHost(host, t0)) {
            std::fputs("isp_api_fill: upsert failed\n", stderr);
            return 1;
        }
        if (i % 500 == 0) {
            s.recordFeedback(
                {spec.name, host.ip, store::HostState::Notified, host.first_seen + 3600 * kMicrosPerSecond, ""});
            if (i % 1000 == 0) {
                s.recordFeedback(
                    {spec.name, host.ip, store::HostState::Remediated, host.first_seen + 86400 * kMicrosPerSecond, ""});
            }
        }
    }
    if (!s.commit()) {
        return 1;
    }
    auto key = share::isp::IspRegistry(s).add(spec, nowMicros());
    if (!key) {
        std::fprintf(stderr, "isp_api_fill: %s\n", key.error().message.c_str());
        return 1;
    }
    std::printf("%s\n", key->c_str());
    return 0;
}
