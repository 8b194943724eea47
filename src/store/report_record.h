#pragma once

/// An ISP report as the store keeps it and each attempt to deliver it (tables `reports`,
/// `deliveries`; migration 0003).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/time.h"

namespace kansoku::store {

struct ReportRecord {
    int64_t id = 0; ///< assigned by the store
    std::string isp;
    Timestamp created = 0;
    Timestamp since = 0; ///< the period covered: hosts seen in [since, until)
    Timestamp until = 0;
    std::string format; ///< "csv" or "xarf"
    std::string name;   ///< file name, e.g. "kansoku-isp-a-2024-05-01T1200Z.csv"
    std::string body;   ///< the file's bytes; empty in listings (ReportStore::reports)
    int64_t hosts = 0;  ///< rows (CSV) or incidents (X-ARF)
};

/// Outcomes of a delivery row.
inline constexpr std::string_view kDeliverySent = "sent";
inline constexpr std::string_view kDeliveryFailed = "failed";
inline constexpr std::string_view kDeliverySuppressed = "suppressed";

struct DeliveryRecord {
    int64_t report = 0;
    int attempt = 0; ///< 1, 2, ... per report, across every mailing of it
    Timestamp ts = 0;
    std::string recipient;
    std::string outcome; ///< kDeliverySent, kDeliveryFailed or kDeliverySuppressed
    std::string detail;  ///< the server's answer or the transport error, one line
};

/// Which reports to list. Unset members do not filter; newest first.
struct ReportQuery {
    std::optional<std::string> isp;
    int64_t limit = 0; ///< 0: no limit
};

} // namespace kansoku::store
