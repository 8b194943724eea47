#include "web/web_service.h"

#include <thread>

#include "store/open_database.h"
#include "web/api_routes.h"
#include "web/blocklist_routes.h"
#include "web/dashboard_asset_routes.h"
#include "web/dashboard_routes.h"
#include "web/isp_routes.h"
#include "web/local_session.h"
#include "web/misp_routes.h"
#include "web/notice_routes.h"
#include "web/report_routes.h"
#include "web/taxii_routes.h"
#include "web/tenant_authenticator.h"

namespace kansoku::web {
namespace {

int64_t share(int64_t limit, int64_t workers) {
    return (limit + workers - 1) / workers;
}

} // namespace

Result<std::unique_ptr<WebService>> WebService::start(const WebConfig& config, const StatusProvider& status,
                                                      const std::string& database, const share::SharingConfig& sharing,
                                                      const AddressOrigins* origins, const std::string& samples_dir) {
    std::unique_ptr<WebService> service(new WebService());
    service->sharing_ = sharing;
    service->origins_ = origins;
    if (!samples_dir.empty()) {
        service->sample_reports_ = std::make_unique<malware::SampleReports>(samples_dir);
    }
    service->events_.add(service->hub_.get());
    service->events_.add(&service->event_metrics_);
    const int64_t count = std::max<int64_t>(1, config.workers);
    HttpServer::Worker how;
    how.reuse_port = count > 1;
    if (how.reuse_port && config.port != 0) {
        KANSOKU_TRY(HttpServer::checkPortFree(config)); // SO_REUSEPORT would share it with another server
    }
    if (!config.access_log.empty()) {
        auto log = AccessLog::open(config.access_log);
        KANSOKU_TRY(log);
        how.access_log = std::move(*log);
    }
    WebConfig worker_config = config;
    worker_config.max_connections = share(config.max_connections, count);
    worker_config.max_connections_per_client = share(config.max_connections_per_client, count);
    for (int64_t i = 0; i < count; ++i) {
        KANSOKU_TRY(service->startWorker(worker_config, status, database, how));
        worker_config.port = service->port(); // the others join the first one's port (it may have been 0)
    }
    return service;
}

Result<void> WebService::startWorker(const WebConfig& config, const StatusProvider& status, const std::string& database,
                                     HttpServer::Worker how) {
    Worker worker;
    if (!database.empty()) {
        auto store = store::openDatabase(database, store::OpenMode::ReadWriteCreate);
        KANSOKU_TRY(store);
        worker.store = std::move(*store);
    }
    worker.tenants = std::make_unique<TenantAuthenticator>(config.admin_key, worker.store.get());
    if (config.local_admin && isLoopbackAddress(config.address)) {
        worker.authenticator = std::make_unique<LocalSessionAuthenticator>(*worker.tenants, dashboardPaths());
    } else {
        worker.authenticator = std::move(worker.tenants);
    }
    Router router;
    addApiRoutes(router, status, metrics_, {&hub_->counters(), &event_metrics_});
    addOpenApiRoute(router);
    addDashboardAssetRoutes(router);
    if (worker.store) {
        // The dashboard's reader is SQLite's own read-only connection; on PostgreSQL the dashboard API is not
        // served yet (its rollups are kept: store/migrations/postgres/0006_dashboard.sql).
        if (!store::isPostgresUrl(database)) {
            auto reader = store::DashboardReader::open(database);
            KANSOKU_TRY(reader);
            worker.reader = std::move(*reader);
            addDashboardRoutes(router, *worker.reader, *worker.store, *worker.authenticator, hub_.get(), origins_,
                               sample_reports_.get());
        }
        addNoticeRoutes(router, *worker.store, *worker.store);
        addBlocklistRoutes(router, *worker.store, config.blocklist);
        addIspRoutes(router, *worker.store);
        addReportRoutes(router, *worker.store);
        addTaxiiRoutes(router, *worker.store, sharing_, static_cast<int64_t>(config.max_body.bytes()));
        addMispRoutes(router, *worker.store, sharing_);
    }
    auto server = HttpServer::start(config, std::move(router), *worker.authenticator, metrics_, std::move(how));
    KANSOKU_TRY(server);
    worker.server = std::move(*server);
    workers_.push_back(std::move(worker));
    return {};
}

void WebService::stop() {
    std::vector<std::thread> stopping;
    for (auto& worker : workers_) {
        stopping.emplace_back([&worker] { worker.server->stop(); });
    }
    for (auto& thread : stopping) {
        thread.join();
    }
}

} // namespace kansoku::web
