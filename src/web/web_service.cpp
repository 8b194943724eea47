#include "web/web_service.h"

#include "web/api_routes.h"
#include "web/blocklist_routes.h"
#include "web/isp_routes.h"
#include "web/notice_routes.h"
#include "web/report_routes.h"
#include "web/taxii_routes.h"
#include "web/tenant_authenticator.h"

namespace kansoku::web {

Result<std::unique_ptr<WebService>> WebService::start(const WebConfig& config, const StatusProvider& status,
                                                      const std::string& database,
                                                      const share::SharingConfig& sharing) {
    std::unique_ptr<WebService> service(new WebService());
    if (!database.empty()) {
        auto store = store::SqliteStore::open(database, store::OpenMode::ReadWriteCreate);
        KANSOKU_TRY(store);
        service->store_ = std::move(*store);
    }
    service->sharing_ = sharing;
    service->authenticator_ = std::make_unique<TenantAuthenticator>(config.admin_key, service->store_.get());
    Router router;
    addApiRoutes(router, status, service->metrics_);
    if (service->store_) {
        addNoticeRoutes(router, *service->store_, *service->store_);
        addBlocklistRoutes(router, *service->store_, config.blocklist);
        addIspRoutes(router, *service->store_);
        addReportRoutes(router, *service->store_);
        addTaxiiRoutes(router, *service->store_, service->sharing_, static_cast<int64_t>(config.max_body.bytes()));
    }
    auto server = HttpServer::start(config, std::move(router), *service->authenticator_, service->metrics_);
    KANSOKU_TRY(server);
    service->server_ = std::move(*server);
    return service;
}

} // namespace kansoku::web
