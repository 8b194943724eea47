#pragma once

/// [web]: the HTTP server of the center (the JSON API, metrics, later the dashboard and TAXII).

#include <cstdint>
#include <string>

#include "common/byte_size.h"
#include "common/config_visitor.h"
#include "common/duration.h"
#include "share/blocklist/blocklist_config.h"

namespace kansoku::web {

struct WebConfig {
    bool enabled = true;
    std::string address = "127.0.0.1";
    int64_t port = 8470;                       ///< 0: any free port (tests)
    std::string tls_cert;                      ///< PEM certificate chain; with tls_key, the server speaks only HTTPS
    std::string tls_key;                       ///< PEM private key
    std::string access_log = "var/access.log"; ///< one line per request; empty: off
    int64_t workers = 2; ///< threads, each with its own listener (SO_REUSEPORT), routes and store connection
    int64_t max_connections = 512;
    int64_t max_connections_per_client = 64;
    ByteSize max_header = ByteSize::fromKiB(16);
    ByteSize max_body = ByteSize::fromMiB(1);
    Duration request_timeout = Duration::fromSeconds(10); ///< first byte of a request to the last of its response
    Duration idle_timeout = Duration::fromSeconds(30);    ///< waiting for the next request on a connection
    int64_t max_requests_per_connection = 1000;           ///< keep-alive: then the connection is closed
    Duration shutdown_timeout = Duration::fromSeconds(5); ///< in-flight requests may finish within this
    std::string admin_key; ///< `Authorization: Bearer KEY` with this key is the admin; empty: no admin
    /// On a loopback address: a local request without a key is the admin (the dashboard's local
    /// session, docs/web.md); on any other address this has no effect.
    bool local_admin = false;
    Duration notice_ttl = Duration::fromDays(30); ///< a subscriber notice link works this long (docs/notices.md)
    std::string notice_url; ///< base URL subscribers open notice links at; empty: this server's own URL
    share::blocklist::BlocklistConfig blocklist; ///< [web.blocklist] (docs/blocklists.md)

    bool tls() const { return !tls_cert.empty(); }
};

void visitConfig(ConfigVisitor& v, WebConfig& c);

} // namespace kansoku::web
