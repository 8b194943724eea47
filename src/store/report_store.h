#pragma once

/// Where ISP reports and their deliveries are kept. SqliteStore implements it
/// (sqlite_store_reports.cpp). Calls outside a Store::begin() transaction commit one by one.

#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/report_record.h"

namespace kansoku::store {

class ReportStore {
public:
    virtual ~ReportStore() = default;

    /// Stores the report (its id is ignored); the id it got.
    virtual Result<int64_t> addReport(const ReportRecord& report) = 0;
    /// The report with its body.
    virtual Result<std::optional<ReportRecord>> report(int64_t id) = 0;
    /// Reports without their bodies, newest (largest id) first.
    virtual Result<std::vector<ReportRecord>> reports(const ReportQuery& query) = 0;
    /// The end of the period of the ISP's latest report: where its next scheduled period starts.
    virtual Result<std::optional<Timestamp>> lastReportUntil(std::string_view isp) = 0;

    /// Appends a delivery attempt; `attempt` is numbered by the store (one more than the report's last).
    /// The number it got.
    virtual Result<int> addDelivery(const DeliveryRecord& delivery) = 0;
    /// The report's deliveries in attempt order.
    virtual Result<std::vector<DeliveryRecord>> deliveries(int64_t report) = 0;
};

} // namespace kansoku::store
