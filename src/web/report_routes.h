#pragma once

/// The ISP reports over HTTP (issue 11 item 5; docs/reports.md "API"):
///   GET /api/v1/isp/reports       the caller's reports, newest first (a tenant its own only, the
///                                 admin every ISP's; admin may filter with ?isp=NAME); ?limit=N
///                                 (1-1000, default 100)
///   GET /api/v1/isp/reports/{id}  one report's file with its Content-Type (text/csv or
///                                 application/json); another tenant's report is 404, as a missing one.

#include "store/report_store.h"
#include "web/router.h"

namespace kansoku::web {

/// Adds the report routes; `reports` must outlive the router and is used from the server's thread only.
void addReportRoutes(Router& router, store::ReportStore& reports);

} // namespace kansoku::web
