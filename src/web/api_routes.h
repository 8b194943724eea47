#pragma once

/// The routes served today: GET /api/v1/status (JSON) and GET /metrics (Prometheus text format
/// 0.0.4). The ISP API, the dashboard and TAXII add theirs to the same Router.

#include "web/event_hub.h"
#include "web/event_metrics.h"
#include "web/router.h"
#include "web/server_metrics.h"
#include "web/status_provider.h"

namespace kansoku::web {

/// What /metrics shows besides the process and the server: the live stream's counters and the
/// counters read off the events (either may be null: not shown).
struct MetricsExtras {
    const StreamCounters* stream = nullptr;
    const EventMetrics* events = nullptr;
};

/// Adds the status and metrics routes; `status`, `metrics` and the extras must outlive the router.
void addApiRoutes(Router& router, const StatusProvider& status, const ServerMetrics& metrics,
                  MetricsExtras extras = {});

/// The Prometheus text exposition (format 0.0.4) of the process and the server counters.
std::string prometheusText(const ProcessStatus& status, const ServerMetrics& metrics, const MetricsExtras& extras = {});

} // namespace kansoku::web
