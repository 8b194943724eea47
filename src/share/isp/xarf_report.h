#pragma once

/// An infected host as an X-ARF v4 report (xarf.org, schema xarf-core.json and the connection
/// category's `infected_host` type): one JSON document per host (docs/reports.md "X-ARF").
/// Field mapping:
///   xarf_version "4.0.0", report_id (UUID v4), timestamp (last seen), reporter and sender (this
///   center), source_identifier (the host), category "connection", type "infected_host",
///   evidence_source ("honeypot", "traffic_analysis" for darknet-only evidence), protocol,
///   destination_port (when known), bot_type "malicious", bot_name (the family), first_seen,
///   last_seen, confidence (0-1), description (the reasons), tags ("malware:<family>",
///   "evidence:<source>"), evidence (the evidence references as one JSON item, base64, with its
///   SHA-256).

#include <array>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "share/isp/report_row.h"
#include "store/infected_host_record.h"

namespace kansoku::share::isp {

/// Who reports: X-ARF's `contact_info` (org, contact email, domain), used as reporter and sender.
struct XarfReporter {
    std::string org;
    std::string contact;
    std::string domain;
};

/// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" (RFC 9562 section 5.4) from 16 random bytes.
std::string uuidV4(std::array<uint8_t, 16> random);
/// A UUID v4 from the system's random source.
std::string randomUuidV4();

/// The report of one host; `report_id` a UUID v4.
nlohmann::ordered_json xarfReport(const store::InfectedHostRecord& host, const ReportRow& row,
                                  const XarfReporter& reporter, const std::string& report_id);

} // namespace kansoku::share::isp
