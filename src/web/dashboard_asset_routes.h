#pragma once

/// The dashboard's pages: GET / (the single page), /assets/{file} (scripts and styles, hashed names)
/// and /favicon.svg, from the assets embedded in the binary (docs/dashboard.md). The data comes
/// from the API under /api/v1/, which checks the caller; the files themselves hold no data.

#include <string>

#include "web/dashboard_assets.h"
#include "web/router.h"

namespace kansoku::web {

/// The Content-Security-Policy of every dashboard answer: scripts only from the server itself (no
/// inline script, no eval), data only from the same origin, no framing.
std::string dashboardContentSecurityPolicy();

/// Adds the dashboard's routes serving `assets` (which must outlive the router); with no assets
/// (a build without node), `/` is a short page saying so.
void addDashboardAssetRoutes(Router& router, const DashboardAssets& assets = DashboardAssets::embedded());

} // namespace kansoku::web
