#pragma once

/// One infected host as a row of an ISP report (docs/reports.md "CSV columns"): the host's record
/// summarised the way Shadowserver's per-network reports do, one row per host, never one per event.

#include <cstdint>
#include <optional>
#include <string>

#include "store/infected_host_record.h"

namespace kansoku::share::isp {

struct ReportRow {
    std::string timestamp; ///< last seen, "YYYY-MM-DD HH:MM:SS" UTC (Shadowserver's form)
    std::string ip;
    std::optional<uint16_t> port; ///< the destination port the host hit most often, when known
    std::optional<uint32_t> asn;
    std::string geo;           ///< ISO 3166 alpha-2
    std::string protocol;      ///< "tcp", "udp" or "" when unknown
    std::string family;        ///< kansoku's family name, as correlation gave it
    std::string tag;           ///< what was seen, ';'-separated: "darknet-scan;honeypot-login"
    std::string infection;     ///< the family as a Shadowserver-style lowercase token ("mirai", "unknown")
    std::string evidence_type; ///< where it was seen, ';'-separated: "darknet", "honeypot", "sandbox"
    int64_t count = 0;         ///< pieces of evidence
    std::string first_seen;
    std::string last_seen;
    int confidence = 0; ///< 0-100
    std::string state;  ///< the closed loop's state: new, notified, remediated, ...
};

ReportRow reportRow(const store::InfectedHostRecord& host);

/// "2024-05-01 12:00:00" (UTC, seconds).
std::string shadowserverTime(Timestamp ts);

/// Parses a port reference from evidence ("tcp/23", "udp/123"); nullopt when it is not one.
struct PortRef {
    std::string protocol;
    uint16_t port = 0;
};
std::optional<PortRef> parsePortRef(std::string_view ref);

} // namespace kansoku::share::isp
