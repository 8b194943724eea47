#pragma once

/// An ISP report as CSV (RFC 4180: comma-separated, CRLF line ends, fields with a comma, quote or
/// line break quoted with "" doubling), one header line then one row per host. Attacker-controlled
/// text cannot become a spreadsheet formula: a field starting with = + - @ (or tab / carriage
/// return) is prefixed with a single quote (OWASP "CSV Injection").

#include <string>
#include <string_view>
#include <vector>

#include "share/isp/report_row.h"

namespace kansoku::share::isp {

/// The header line's names, in column order (docs/reports.md).
const std::vector<std::string_view>& csvColumns();

/// One field as it goes into the file: formula-guarded, then quoted when it needs to be.
std::string csvField(std::string_view text);

/// Header and rows, each line ending in CRLF.
std::string csvReport(const std::vector<ReportRow>& rows);

} // namespace kansoku::share::isp
