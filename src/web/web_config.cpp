#include "web/web_config.h"

namespace kansoku::web {

void visitConfig(ConfigVisitor& v, WebConfig& c) {
    v.boolean("enabled", c.enabled, "serve the API and metrics (kansoku run and kansoku serve)");
    v.text("address", c.address, "listening address; 127.0.0.1 keeps it on this machine");
    v.integer("port", c.port, 0, 65535, "listening TCP port (0: any free port)");
    v.text("tls_cert", c.tls_cert, "PEM certificate chain; set with tls_key to serve HTTPS only; empty: plain HTTP");
    v.text("tls_key", c.tls_key, "PEM private key of tls_cert");
    v.text("access_log", c.access_log, "one line per request appended here; empty: off");
    v.integer("workers", c.workers, 1, 64,
              "server threads, each accepting on the same port with its own routes and database connection; the "
              "connection limits below are shared out among them");
    v.integer("max_connections", c.max_connections, 1, 1'000'000, "open connections, all clients; more are refused");
    v.integer("max_connections_per_client", c.max_connections_per_client, 1, 1'000'000,
              "open connections from one client address; more are refused");
    v.size("max_header", c.max_header, ByteSize::fromKiB(1), ByteSize::fromMiB(1),
           "request line and headers; more is answered 431");
    v.size("max_body", c.max_body, ByteSize::fromBytes(0), ByteSize::fromGiB(1), "request body; more is answered 413");
    v.duration("request_timeout", c.request_timeout, Duration::fromMillis(100), Duration::fromHours(1),
               "from a request's first byte to its response sent; slower clients are closed");
    v.duration("idle_timeout", c.idle_timeout, Duration::fromMillis(100), Duration::fromHours(1),
               "a connection waiting this long for its next request is closed");
    v.integer("max_requests_per_connection", c.max_requests_per_connection, 1, 1'000'000,
              "requests on one keep-alive connection before it is closed");
    v.duration("shutdown_timeout", c.shutdown_timeout, Duration(), Duration::fromMinutes(10),
               "at stop, requests in flight may finish within this");
    v.text("admin_key", c.admin_key,
           "Authorization: Bearer <this> is the admin (admin-only routes); empty: nobody; keep the file private");
    v.boolean("local_admin", c.local_admin,
              "when address is loopback, a request from this machine without a key is the admin (the dashboard's "
              "local session); no effect on any other address");
    v.duration("notice_ttl", c.notice_ttl, Duration::fromHours(1), Duration::fromDays(365),
               "a subscriber notice link (/notice/<token>) works this long after it is issued");
    v.text(
        "notice_url", c.notice_url,
        "base URL subscribers reach this server at (e.g. https://notice.example.net); empty: http(s)://address:port");
    v.section("blocklist", "blocking feeds: GET /api/v1/blocklist.{txt,csv,rpz} and kansoku export blocklist",
              [&c](ConfigVisitor& s) { share::blocklist::visitConfig(s, c.blocklist); });
    v.check(c.tls_cert.empty() == c.tls_key.empty(), "web.tls_cert and web.tls_key must be set together");
}

} // namespace kansoku::web
