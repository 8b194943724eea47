#pragma once

/// Writes synthetic darknet captures, deterministically from a seed:
///  - the Demo profile: a ten-minute scenario with one actor of each kind (Mirai-style bots, a
///    ZMap-style and a masscan-style horizontal scan, an nmap-style vertical scan, UDP and ICMP
///    probes, an IPv6 scanner, three backscatter victims of which two pass the attack thresholds,
///    traffic outside the darknet, and malformed frames). `kansoku run` analyses it when no
///    interface is configured, and the golden tests use it.
///  - the Bulk profile: N packets from S sources, about 80% TCP SYN to common ports, 10%
///    backscatter, 7% UDP, 3% ICMP echo, for benchmarks.
/// Addresses come from the documentation ranges (RFC 5737, RFC 3849) in the Demo profile.

#include <cstdint>
#include <string>

#include "common/prefix.h"
#include "common/result.h"
#include "common/time.h"

namespace kansoku::darknet {

enum class TrafficProfile { Demo, Bulk };

struct TrafficGeneratorOptions {
    TrafficProfile profile = TrafficProfile::Demo;
    uint64_t seed = 1;
    Prefix darknet;                                    ///< an IPv4 prefix; defaults to 203.0.113.0/24
    Prefix darknet_v6;                                 ///< defaults to 2001:db8:dead::/48 (Demo only)
    Timestamp start = 1735689600LL * kMicrosPerSecond; ///< 2025-01-01T00:00:00Z
    // Bulk only:
    uint64_t packets = 1'000'000;
    uint64_t sources = 20'000;
    int64_t duration_s = 3600;
};

struct TrafficGeneratorResult {
    uint64_t packets = 0;
    uint64_t bytes = 0;
};

Result<TrafficGeneratorResult> generateTraffic(const std::string& path, const TrafficGeneratorOptions& options);

} // namespace kansoku::darknet
