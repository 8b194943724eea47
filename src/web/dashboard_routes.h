#pragma once

/// The dashboard's REST API under /api/v1/ (issue 13 item 1; docs/web.md "Dashboard API", the
/// OpenAPI document src/web/openapi.json): overview, series, top lists, event search, details of a
/// scan, attack, alert, honeypot session, sample and infected host, and the live stream. Every
/// route accepts a tenant (an ISP's key: only its own space) or the admin.

#include <string>
#include <vector>

#include "common/address_origin.h"
#include "malware/sample_reports.h"
#include "store/dashboard_reader.h"
#include "store/database.h"
#include "web/authenticator.h"
#include "web/event_hub.h"
#include "web/router.h"

namespace kansoku::web {

/// Adds the routes. `reader`, `store`, `authenticator` (for the stream's `key=`) and `hub` (null:
/// no stream route) must outlive the router; all are used from the router's thread but the hub.
/// `origins` (may be null) adds AS and country to the top sources and gives a tenant's ASNs their prefixes;
/// `reports` (may be null) the sample detail's triage and sandbox documents.
void addDashboardRoutes(Router& router, store::DashboardReader& reader, store::Database& store,
                        const Authenticator& authenticator, EventHub* hub, const AddressOrigins* origins = nullptr,
                        const malware::SampleReports* reports = nullptr);

/// The paths of those routes (each a route or the parent of some): what the local admin session opens.
std::vector<std::string> dashboardPaths();

/// GET /api/v1/openapi.json: the document compiled in from src/web/openapi.json.
void addOpenApiRoute(Router& router);

/// The OpenAPI document (for tests).
std::string_view openApiDocument();

} // namespace kansoku::web
