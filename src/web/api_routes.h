#pragma once

/// The routes served today: GET /api/v1/status (JSON) and GET /metrics (Prometheus text format
/// 0.0.4). The ISP API, the dashboard and TAXII add theirs to the same Router.

#include "web/router.h"
#include "web/server_metrics.h"
#include "web/status_provider.h"

namespace kansoku::web {

/// Adds the status and metrics routes; `status` and `metrics` must outlive the router.
void addApiRoutes(Router& router, const StatusProvider& status, const ServerMetrics& metrics);

/// The Prometheus text exposition (format 0.0.4) of the process and the server counters.
std::string prometheusText(const ProcessStatus& status, const ServerMetrics& metrics);

} // namespace kansoku::web
