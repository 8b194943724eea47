#pragma once

/// The web server as a runtime starts it: [web] workers, each a server thread with its own
/// listener on the same port (SO_REUSEPORT: the kernel spreads connections over them), its own
/// authenticator, routes and database connection, so handlers never share state across threads
/// (the design of Envoy's workers); the counters and the access log are the only shared parts.
/// One object stops them all when destroyed.

#include <memory>
#include <vector>

#include "common/address_origin.h"
#include "common/event_sink.h"
#include "common/result.h"
#include "malware/sample_reports.h"
#include "share/sharing/sharing_config.h"
#include "store/dashboard_reader.h"
#include "store/database.h"
#include "web/authenticator.h"
#include "web/event_hub.h"
#include "web/event_metrics.h"
#include "web/http_server.h"
#include "web/server_metrics.h"
#include "web/status_provider.h"
#include "web/web_config.h"

namespace kansoku::web {

class WebService {
public:
    /// Starts serving [web] (a port in use or a bad TLS file is a one-line error). `status` must
    /// outlive the service and be safe to read from several threads. With a `database` path, each
    /// worker opens its own connection to it and serves the routes that read the store (ISP API,
    /// notices, blocklists, TAXII for the communities of `sharing`); without, only status and metrics.
    /// `origins` (may be null; must outlive the service) gives the dashboard's sources their AS and country.
    /// `samples_dir` (may be empty) is the sample store whose triage and sandbox documents the sample detail
    /// shows; it is only read.
    static Result<std::unique_ptr<WebService>> start(const WebConfig& config, const StatusProvider& status,
                                                     const std::string& database = {},
                                                     const share::SharingConfig& sharing = {},
                                                     const AddressOrigins* origins = nullptr,
                                                     const std::string& samples_dir = {});
    /// Graceful shutdown of every worker (HttpServer::stop), in parallel.
    void stop();
    std::string url() const { return workers_.front().server->url(); }
    uint16_t port() const { return workers_.front().server->port(); }
    const ServerMetrics& metrics() const { return metrics_; }
    /// What the service wants from the event bus (subscribe it): the live stream (GET /api/v1/stream)
    /// and the counters /metrics reads off the events. Safe to publish to from the bus's thread.
    EventSink& events() { return events_; }
    const EventHub& hub() const { return *hub_; }

private:
    WebService() = default;
    /// One server thread with everything its handlers use: no state is shared between workers
    /// but the counters and the access log.
    struct Worker {
        std::unique_ptr<store::Database> store;         ///< the handlers' connection (null without a database)
        std::unique_ptr<store::DashboardReader> reader; ///< the dashboard API's read-only connection
        std::unique_ptr<Authenticator> tenants;         ///< keys: the admin's and the ISPs'
        std::unique_ptr<Authenticator> authenticator;   ///< tenants, or the local session over them
        std::unique_ptr<HttpServer> server;             // last: stopped before the rest is destroyed
    };
    Result<void> startWorker(const WebConfig& config, const StatusProvider& status, const std::string& database,
                             HttpServer::Worker how);

    ServerMetrics metrics_;
    std::unique_ptr<EventHub> hub_ = std::make_unique<EventHub>();
    EventMetrics event_metrics_;
    FanoutSink events_;            ///< hub_ and event_metrics_
    share::SharingConfig sharing_; ///< the TAXII routes' (a copy: they outlive the caller's)
    const AddressOrigins* origins_ = nullptr;
    std::unique_ptr<malware::SampleReports> sample_reports_; ///< null without a sample store
    std::vector<Worker> workers_;
};

} // namespace kansoku::web
