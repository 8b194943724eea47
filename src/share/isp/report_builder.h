#pragma once

/// Builds an ISP's report for a period: the infected hosts inside its scope (its prefixes and
/// ASNs) seen since the period's start, one per host, rendered as CSV or X-ARF. Only hosts in
/// the ISP's scope ever enter a report: the store's scope query picks them and each is checked
/// again here.

#include <string>
#include <vector>

#include "common/result.h"
#include "share/isp/mail_message.h"
#include "share/isp/xarf_report.h"
#include "store/intel_store.h"
#include "store/isp_record.h"
#include "store/report_record.h"

namespace kansoku::share::isp {

struct ReportPeriod {
    Timestamp since = 0;
    Timestamp until = 0;
};

/// A rendered report: the row to store and the files it is written and mailed as (one for CSV;
/// one per host for X-ARF, whose stored body is the JSON array of them).
struct BuiltReport {
    store::ReportRecord record;
    std::vector<MailAttachment> files;
};

/// The ISP's infected hosts seen in the period, ordered by address.
Result<std::vector<store::InfectedHostRecord>> hostsInScope(store::IntelStore& intel, const store::IspRecord& isp,
                                                            const ReportPeriod& period);

/// "kansoku-<isp>-<until as 20240501T120000Z>" with the ISP's name reduced to [a-z0-9._-].
std::string reportBaseName(const store::IspRecord& isp, const ReportPeriod& period);

BuiltReport buildCsvReport(const store::IspRecord& isp, const ReportPeriod& period,
                           const std::vector<store::InfectedHostRecord>& hosts, Timestamp created);
BuiltReport buildXarfReport(const store::IspRecord& isp, const ReportPeriod& period,
                            const std::vector<store::InfectedHostRecord>& hosts, const XarfReporter& reporter,
                            Timestamp created);

/// A stored report (with its body) as its files again: the CSV, or one file per X-ARF document.
BuiltReport rebuiltReport(store::ReportRecord record);

/// The Content-Type of a stored report's body ("text/csv; charset=utf-8", "application/json").
std::string reportContentType(std::string_view format);

} // namespace kansoku::share::isp
