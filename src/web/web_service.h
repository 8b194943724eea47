#pragma once

/// The web server as a runtime starts it: the server, its counters, the admin-key authenticator
/// and the routes of api_routes, in one object that stops the server when destroyed.

#include <memory>

#include "common/result.h"
#include "share/sharing/sharing_config.h"
#include "store/sqlite_store.h"
#include "web/authenticator.h"
#include "web/http_server.h"
#include "web/server_metrics.h"
#include "web/status_provider.h"
#include "web/web_config.h"

namespace kansoku::web {

class WebService {
public:
    /// Starts serving [web] (a port in use or a bad TLS file is a one-line error). `status` must
    /// outlive the service. With a `database` path, the service opens its own connection to it
    /// (handlers run on the server's one thread, so one connection serves them all) and serves the
    /// routes that read the store (ISP API, notices, blocklists, TAXII for the communities of
    /// `sharing`); without, only status and metrics.
    static Result<std::unique_ptr<WebService>> start(const WebConfig& config, const StatusProvider& status,
                                                     const std::string& database = {},
                                                     const share::SharingConfig& sharing = {});
    /// Graceful shutdown (HttpServer::stop).
    void stop() { server_->stop(); }
    std::string url() const { return server_->url(); }
    uint16_t port() const { return server_->port(); }
    const ServerMetrics& metrics() const { return metrics_; }

private:
    WebService() = default;
    ServerMetrics metrics_;
    share::SharingConfig sharing_;              ///< the TAXII routes' (a copy: they outlive the caller's)
    std::unique_ptr<store::SqliteStore> store_; ///< the handlers' connection (null without a database)
    std::unique_ptr<Authenticator> authenticator_;
    std::unique_ptr<HttpServer> server_; // last: stopped before the rest is destroyed
};

} // namespace kansoku::web
