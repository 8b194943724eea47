#pragma once

// Infected hosts for the report tests.

#include <optional>
#include <string_view>

#include "store/infected_host_record.h"

namespace kansoku::share::isp::testing {

constexpr Timestamp kT0 = 1'714'564'800'000'000; // 2024-05-01T12:00:00Z
constexpr Timestamp kHour = 3'600'000'000;

inline store::InfectedHostRecord infectedHost(std::string_view ip, Timestamp seen,
                                              std::optional<uint32_t> asn = std::nullopt) {
    store::InfectedHostRecord h;
    h.ip = *IpAddress::parse(ip);
    h.asn = asn;
    h.country = "JP";
    h.family = "mirai";
    h.confidence = 80;
    h.reasons = {"darknet probes carry the mirai fingerprint"};
    h.evidence = {{"darknet.scan", seen, "tokyo-1", "tcp/23"},
                  {"darknet.scan", seen, "tokyo-1", "tcp/23"},
                  {"darknet.scan", seen, "tokyo-1", "tcp/2323"},
                  {"honeypot.login", seen, "tokyo-1", "session-1"}};
    h.first_seen = seen - kHour;
    h.last_seen = seen;
    return h;
}

} // namespace kansoku::share::isp::testing
