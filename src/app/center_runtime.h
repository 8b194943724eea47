#pragma once

/// The center's half of kansoku (ARCHITECTURE.md "Data flow"): the consumers of events. Today the
/// store ([storage] database), the events file ([storage] events_jsonl) and, on request, JSON lines
/// on stdout, each subscribed to the bus by name; and the web server ([web], src/web), which reports
/// the bus's counters. Correlation and sharing plug in here as further consumers.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/config.h"
#include "app/correlation_runtime.h"
#include "app/event_outputs.h"
#include "intel/partner_intel.h"
#include "share/isp/report_scheduler.h"
#include "share/sharing/sharing_scheduler.h"
#include "transport/event_bus.h"
#include "web/status_provider.h"
#include "web/web_service.h"

namespace kansoku::app {

struct CenterOptions {
    bool jsonl_stdout = false; ///< also every event as a JSON line on stdout
    bool web = true;           ///< the web server, if [web] enabled
    bool sharing = true;       ///< publish to sharing communities and pull partners' feeds
    /// Adds the transport's counters and the sensors' links to the web's status (`kansoku center`).
    std::function<void(web::ProcessStatus&)> transport_status;
};

class CenterRuntime {
public:
    /// Creates the data directory, opens the store and the events file (a bad path fails here),
    /// subscribes them to `bus` and starts the web server (a port in use fails here).
    static Result<std::unique_ptr<CenterRuntime>> create(const Config& config, transport::EventBus& bus,
                                                         CenterOptions options);

    /// Where the events went, for the operator ("events stored in var/kansoku.db and appended to ...").
    std::string destinations() const;
    /// "web: serving http://127.0.0.1:8470/ (the dashboard; ...)" when the web server runs.
    std::vector<std::string> notices() const;
    /// Stops the web server gracefully (requests in flight finish). Idempotent.
    void stop();

private:
    CenterRuntime() = default;
    std::unique_ptr<EventOutputs> outputs_;
    /// Partners' indicators, matched by correlation, reloaded by the sharing scheduler after a pull.
    std::unique_ptr<intel::PartnerIntel> partner_intel_;
    std::unique_ptr<CorrelationRuntime> correlation_;
    std::unique_ptr<web::StatusProvider> status_;
    std::unique_ptr<web::WebService> web_; // after status_: stopped before it is destroyed
    // [notify] schedule: ISP reports when due.
    std::unique_ptr<share::isp::ReportScheduler> reports_;
    // [sharing]: publishing into the communities' collections, pulling [[sharing.feeds]].
    std::unique_ptr<share::SharingScheduler> sharing_;
    std::string sharing_notice_;
    std::string database_;
    std::string events_file_;
};

} // namespace kansoku::app
