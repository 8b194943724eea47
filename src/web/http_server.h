#pragma once

/// The HTTP/1.1 server (RFC 9112) of the center: Boost.Beast on its own io_context thread, one
/// coroutine per connection, optional TLS, and every resource bounded by [web] (web_config.h):
/// header and body sizes (431, 413), connections in total and per client address (refused and
/// counted), a per-request and an idle timeout (a slowloris client is closed), keep-alive up to a
/// request cap. Requests go through the Authenticator, then the Router; answers are JSON errors
/// for 400, 401, 403, 404, 405 (with Allow), 413, 431. Every response has Content-Type,
/// Content-Length and Date; HEAD is answered like GET without the body.

#include <cstdint>
#include <memory>
#include <string>

#include "common/result.h"
#include "web/access_log.h"
#include "web/authenticator.h"
#include "web/router.h"
#include "web/server_metrics.h"
#include "web/web_config.h"

namespace kansoku::web {

class HttpServer {
public:
    /// Loads the TLS certificate and key, opens the access log and binds the listener (a bad path,
    /// a bad key or a port in use is a one-line error, before anything runs), then serves on its
    /// own thread. `authenticator` and `metrics` must outlive the server.
    static Result<std::unique_ptr<HttpServer>> start(const WebConfig& config, Router router,
                                                     const Authenticator& authenticator, ServerMetrics& metrics);
    /// How one of several workers serving the same port starts (WebService): the listener is
    /// bound with SO_REUSEPORT, so the kernel spreads new connections over the workers' own
    /// threads, and the access log is the one all workers write.
    struct Worker {
        std::shared_ptr<AccessLog> access_log; ///< null: none
        bool reuse_port = false;
    };
    static Result<std::unique_ptr<HttpServer>> start(const WebConfig& config, Router router,
                                                     const Authenticator& authenticator, ServerMetrics& metrics,
                                                     Worker worker);
    /// stop().
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Graceful shutdown: stops accepting, closes idle connections, lets requests in flight finish
    /// (each answered with `Connection: close`) within [web] shutdown_timeout, then closes the rest
    /// and joins the thread. Idempotent.
    void stop();

    /// Fails (one line, as start() would) when another socket holds `config`'s address and port,
    /// even one bound with SO_REUSEPORT, which workers could otherwise silently share it with.
    static Result<void> checkPortFree(const WebConfig& config);
    /// The bound port (the real one when [web] port is 0).
    uint16_t port() const;
    /// "http://127.0.0.1:8470/" or "https://...".
    std::string url() const;

    class Impl;

private:
    explicit HttpServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

} // namespace kansoku::web
