#include "web/http_server.h"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <sys/socket.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "common/asio.h"
#include "web/access_log.h"
#include "web/body_stream.h"
#include "web/http_date.h"

namespace kansoku::web {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kAwait = asio::use_awaitable;
constexpr size_t kFirstRead = 4096;
constexpr auto kCloseTimeout = std::chrono::seconds(1);
/// A streamed body with nothing to send for this long gets a comment line, so proxies and clients
/// see the connection alive (the HTML standard's server-sent events suggest about 15 s).
constexpr auto kStreamKeepAlive = std::chrono::seconds(15);
/// Sent once, without waiting, to a connection over a limit before it is closed.
constexpr std::string_view kRefused =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 74\r\n"
    "Connection: close\r\n\r\n{\"error\": {\"status\": 503, \"message\": \"too many connections, retry later\"}}";
static_assert(kRefused.size() - kRefused.find("\r\n\r\n") - 4 == 74);

std::string hostPort(const std::string& address, uint16_t port) {
    return address.find(':') == std::string::npos ? fmt::format("{}:{}", address, port)
                                                  : fmt::format("[{}]:{}", address, port);
}

/// One open connection, as the server sees it for limits and shutdown (owned by its coroutine).
struct Connection {
    std::string client;
    bool idle = true; ///< waiting for the first byte of a request: closed at once on shutdown
    std::function<void()> close;
};

template <class Stream>
beast::tcp_stream& lowest(Stream& stream) {
    return beast::get_lowest_layer(stream);
}

} // namespace

class HttpServer::Impl {
public:
    Impl(const WebConfig& config, Router router, const Authenticator& authenticator, ServerMetrics& metrics)
        : config_(config), router_(std::move(router)), authenticator_(authenticator), metrics_(metrics) {}

    /// `worker`: the shared access log (else one is opened from config) and whether to bind with SO_REUSEPORT.
    Result<void> open(const Worker* worker);
    void run() {
        thread_ = std::thread([this] { ioc_.run(); });
    }
    void stop();

    uint16_t port_ = 0;
    std::string url_;

private:
    asio::awaitable<void> acceptLoop();
    void admit(tcp::socket socket);
    asio::awaitable<void> session(tcp::socket socket, std::string client);
    template <class Stream>
    asio::awaitable<void> serve(Stream& stream, Connection& connection);
    template <class Stream>
    asio::awaitable<void> streamBody(Stream& stream, Connection& connection, const Response& response);
    Response handle(const http::request<http::string_body>& message, const std::string& client, bool& is_head);
    void connectionClosed(const std::string& client);

    WebConfig config_;
    Router router_;
    const Authenticator& authenticator_;
    ServerMetrics& metrics_;
    std::shared_ptr<AccessLog> access_log_;
    std::optional<asio::ssl::context> tls_;
    asio::io_context ioc_{1};
    tcp::acceptor acceptor_{ioc_};
    std::thread thread_;

    // The io thread's only.
    std::unordered_map<std::string, int64_t> per_client_;
    std::unordered_map<Connection*, bool> connections_;
    bool draining_ = false;

    std::mutex mutex_;
    std::condition_variable closed_;
    int64_t open_ = 0; ///< under mutex_
    bool stopped_ = false;
};

Result<void> HttpServer::Impl::open(const Worker* worker) {
    if (config_.tls()) {
        for (const auto* path : {&config_.tls_cert, &config_.tls_key}) {
            if (!std::filesystem::is_regular_file(*path)) {
                return fail("web {} {}: no such file", path == &config_.tls_cert ? "tls_cert" : "tls_key", *path);
            }
        }
        tls_.emplace(asio::ssl::context::tls_server);
        tls_->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                          asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        beast::error_code ec;
        tls_->use_certificate_chain_file(config_.tls_cert, ec);
        if (ec) {
            return fail("web tls_cert {}: not a PEM certificate ({})", config_.tls_cert, ec.message());
        }
        tls_->use_private_key_file(config_.tls_key, asio::ssl::context::pem, ec);
        if (ec) {
            return fail("web tls_key {}: not the PEM private key of tls_cert {} ({})", config_.tls_key,
                        config_.tls_cert, ec.message());
        }
        if (SSL_CTX_check_private_key(tls_->native_handle()) != 1) {
            return fail("web tls_key {} does not match tls_cert {}", config_.tls_key, config_.tls_cert);
        }
    }
    if (worker != nullptr) {
        access_log_ = worker->access_log;
    } else if (!config_.access_log.empty()) {
        auto log = AccessLog::open(config_.access_log);
        KANSOKU_TRY(log);
        access_log_ = std::move(*log);
    }
    beast::error_code ec;
    const auto address = asio::ip::make_address(config_.address, ec);
    if (ec) {
        return fail("web address {}: not an IP address", config_.address);
    }
    const tcp::endpoint endpoint(address, static_cast<uint16_t>(config_.port));
    const auto where = hostPort(config_.address, static_cast<uint16_t>(config_.port));
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec && worker != nullptr && worker->reuse_port) {
        const int on = 1;
        if (::setsockopt(acceptor_.native_handle(), SOL_SOCKET, SO_REUSEPORT, &on, sizeof on) != 0) {
            ec = beast::error_code(errno, boost::system::system_category());
        }
    }
    if (!ec) {
        acceptor_.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        return fail("web: cannot listen on {}: {}", where, ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    url_ = fmt::format("{}://{}/", tls_ ? "https" : "http", hostPort(config_.address, port_));
    asio::co_spawn(ioc_, acceptLoop(), asio::detached);
    return {};
}

asio::awaitable<void> HttpServer::Impl::acceptLoop() {
    asio::steady_timer backoff(ioc_);
    while (acceptor_.is_open()) {
        beast::error_code ec;
        tcp::socket socket = co_await acceptor_.async_accept(asio::redirect_error(kAwait, ec));
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) {
            co_return;
        }
        if (ec) { // out of descriptors: wait rather than spin
            backoff.expires_after(std::chrono::milliseconds(50));
            co_await backoff.async_wait(asio::redirect_error(kAwait, ec));
            continue;
        }
        admit(std::move(socket));
    }
}

void HttpServer::Impl::admit(tcp::socket socket) {
    beast::error_code ec;
    const auto peer = socket.remote_endpoint(ec);
    if (ec) {
        return;
    }
    metrics_.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    std::string client = peer.address().to_string();
    const bool over_total = static_cast<int64_t>(connections_.size()) >= config_.max_connections;
    const bool over_client = !over_total && per_client_[client] >= config_.max_connections_per_client;
    if (over_total || over_client || draining_) {
        (over_total ? metrics_.connections_refused_total : metrics_.connections_refused_per_client)
            .fetch_add(1, std::memory_order_relaxed);
        socket.non_blocking(true, ec);
        socket.write_some(asio::buffer(kRefused), ec);
        socket.shutdown(tcp::socket::shutdown_both, ec);
        socket.close(ec);
        return;
    }
    ++per_client_[client];
    {
        std::lock_guard lock(mutex_);
        ++open_;
    }
    metrics_.connections_open.fetch_add(1, std::memory_order_relaxed);
    asio::co_spawn(ioc_, session(std::move(socket), std::move(client)), asio::detached);
}

void HttpServer::Impl::connectionClosed(const std::string& client) {
    if (auto it = per_client_.find(client); it != per_client_.end() && --it->second <= 0) {
        per_client_.erase(it);
    }
    metrics_.connections_open.fetch_sub(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    --open_;
    closed_.notify_all();
}

asio::awaitable<void> HttpServer::Impl::session(tcp::socket socket, std::string client) {
    Connection connection{client, true, {}};
    connections_.emplace(&connection, true);
    if (tls_) {
        beast::ssl_stream<beast::tcp_stream> stream(std::move(socket), *tls_);
        connection.close = [&stream] { lowest(stream).close(); };
        lowest(stream).expires_after(config_.request_timeout.as<std::chrono::microseconds>());
        beast::error_code ec;
        co_await stream.async_handshake(asio::ssl::stream_base::server, asio::redirect_error(kAwait, ec));
        if (ec) {
            metrics_.tls_handshake_failures.fetch_add(1, std::memory_order_relaxed);
        } else {
            co_await serve(stream, connection);
            lowest(stream).expires_after(kCloseTimeout);
            co_await stream.async_shutdown(asio::redirect_error(kAwait, ec));
        }
        lowest(stream).close();
    } else {
        beast::tcp_stream stream(std::move(socket));
        connection.close = [&stream] { stream.close(); };
        co_await serve(stream, connection);
        beast::error_code ec;
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        stream.close();
    }
    connections_.erase(&connection);
    connectionClosed(client);
}

template <class Stream>
asio::awaitable<void> HttpServer::Impl::serve(Stream& stream, Connection& connection) {
    const auto idle_timeout = config_.idle_timeout.as<std::chrono::microseconds>();
    const auto request_timeout = config_.request_timeout.as<std::chrono::microseconds>();
    beast::flat_buffer buffer;
    int64_t served = 0;
    while (!draining_) {
        beast::error_code ec;
        connection.idle = true;
        if (buffer.size() == 0) { // the idle wait ends at a request's first byte
            lowest(stream).expires_after(idle_timeout);
            const size_t n =
                co_await stream.async_read_some(buffer.prepare(kFirstRead), asio::redirect_error(kAwait, ec));
            if (ec) {
                if (ec == beast::error::timeout) {
                    metrics_.idle_timeouts.fetch_add(1, std::memory_order_relaxed);
                }
                co_return;
            }
            buffer.commit(n);
        }
        connection.idle = false;
        const auto started = Clock::now();
        lowest(stream).expires_after(request_timeout);
        http::request_parser<http::string_body> parser;
        parser.header_limit(static_cast<uint32_t>(config_.max_header.bytes()));
        parser.body_limit(config_.max_body.bytes());
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(kAwait, ec));
        if (ec == beast::error::timeout) {
            metrics_.request_timeouts.fetch_add(1, std::memory_order_relaxed);
            co_return;
        }
        Response response;
        bool is_head = false;
        bool keep_alive = false;
        if (ec == http::error::header_limit) {
            response = errorResponse(431, "request header fields too large");
        } else if (ec == http::error::body_limit) {
            response = errorResponse(413, "request body too large");
        } else if (ec && ec.category() == http::make_error_code(http::error::header_limit).category() &&
                   ec != http::error::end_of_stream && ec != http::error::partial_message) {
            response = errorResponse(400, fmt::format("malformed request: {}", ec.message()));
        } else if (ec) {
            co_return; // the client closed or the connection broke
        } else {
            response = handle(parser.get(), connection.client, is_head);
            ++served;
            keep_alive = parser.get().keep_alive() && served < config_.max_requests_per_connection && !draining_;
        }

        if (response.stream && is_head) {
            response.stream->cancel(); // HEAD: the head only, and the producer forgets the client
        }
        if (response.stream && !is_head) {
            metrics_.countResponse(response.status);
            if (access_log_) {
                const auto& request = parser.get();
                (void)access_log_->write({connection.client, std::string(request.method_string()),
                                          std::string(request.target()), response.status, 0,
                                          std::chrono::duration<double, std::milli>(Clock::now() - started).count()});
            }
            co_await streamBody(stream, connection, response);
            co_return;
        }
        // The body is sent from where it lies: the handler's string or a rendering it shares with a cache.
        const std::string& payload = response.shared_body ? *response.shared_body : response.body;
        http::response<http::span_body<const char>> message{static_cast<http::status>(response.status), 11};
        message.set(http::field::server, "kansoku");
        message.set(http::field::date, httpDate(std::chrono::system_clock::now()));
        message.set(http::field::content_type, response.content_type);
        if (!response.allow.empty()) {
            message.set(http::field::allow, response.allow);
        }
        if (!response.www_authenticate.empty()) {
            message.set(http::field::www_authenticate, response.www_authenticate);
        }
        for (const auto& [name, value] : response.headers) {
            message.set(name, value);
        }
        message.keep_alive(keep_alive);
        const uint64_t length = payload.size();
        if (!is_head) {
            message.body() = beast::span<const char>(payload.data(), payload.size());
        }
        message.content_length(length); // HEAD: the length GET would send (RFC 9110 section 9.3.2)
        co_await http::async_write(stream, message, asio::redirect_error(kAwait, ec));
        metrics_.countResponse(response.status);
        if (access_log_) {
            const auto& request = parser.get();
            const bool parsed = parser.is_header_done();
            const AccessRecord record{connection.client,
                                      parsed ? std::string(request.method_string()) : std::string(),
                                      parsed ? std::string(request.target()) : std::string(),
                                      response.status,
                                      is_head ? 0 : length,
                                      std::chrono::duration<double, std::milli>(Clock::now() - started).count()};
            if (!access_log_->write(record)) {
                metrics_.access_log_dropped.fetch_add(1, std::memory_order_relaxed);
            }
        }
        if (ec == beast::error::timeout) {
            metrics_.request_timeouts.fetch_add(1, std::memory_order_relaxed);
        }
        if (ec || !keep_alive) {
            co_return;
        }
    }
}

template <class Stream>
asio::awaitable<void> HttpServer::Impl::streamBody(Stream& stream, Connection& connection, const Response& response) {
    // The waker runs on this thread (posted), so `woken` needs no lock: a wake that comes while a
    // write is in flight is remembered and the next wait does not start.
    struct Waker {
        explicit Waker(asio::any_io_executor executor) : timer(std::move(executor)) {}
        asio::steady_timer timer;
        bool woken = false;
    };
    const auto executor = co_await asio::this_coro::executor;
    auto waker = std::make_shared<Waker>(executor);
    std::weak_ptr<Waker> weak = waker;
    auto source = response.stream;
    source->onReady([executor, weak] {
        asio::post(executor, [weak] {
            if (auto w = weak.lock()) {
                w->woken = true;
                w->timer.cancel();
            }
        });
    });
    auto old_close = connection.close;
    connection.close = [old_close, waker] {
        old_close();
        waker->woken = true;
        waker->timer.cancel();
    };
    connection.idle = true; // shutdown closes it at once: a stream has no end to wait for
    std::string head = fmt::format("HTTP/1.1 {} OK\r\nServer: kansoku\r\nDate: {}\r\nContent-Type: {}\r\n"
                                   "Cache-Control: no-store\r\nX-Accel-Buffering: no\r\nConnection: close\r\n",
                                   response.status, httpDate(std::chrono::system_clock::now()), response.content_type);
    for (const auto& [name, value] : response.headers) {
        head += fmt::format("{}: {}\r\n", name, value);
    }
    head += "\r\n";
    const auto write_timeout = config_.request_timeout.as<std::chrono::microseconds>();
    beast::error_code ec;
    lowest(stream).expires_after(write_timeout);
    co_await asio::async_write(stream, asio::buffer(head), asio::redirect_error(kAwait, ec));
    static const std::string kKeepAlive = ": keep-alive\n\n";
    while (!ec && !draining_) {
        // Everything queued goes out in one gathered write (writev), not one write per event.
        auto pieces = source->take();
        if (!pieces.empty()) {
            std::vector<asio::const_buffer> buffers;
            buffers.reserve(pieces.size());
            for (const auto& piece : pieces) {
                buffers.push_back(asio::buffer(*piece));
            }
            lowest(stream).expires_after(write_timeout); // a client that stops reading is closed
            co_await asio::async_write(stream, buffers, asio::redirect_error(kAwait, ec));
        }
        lowest(stream).expires_never();
        if (ec || source->closed() || draining_) {
            break;
        }
        if (waker->woken) {
            waker->woken = false;
            continue;
        }
        waker->timer.expires_after(kStreamKeepAlive);
        beast::error_code wait_ec;
        co_await waker->timer.async_wait(asio::redirect_error(kAwait, wait_ec));
        if (!wait_ec && !waker->woken) {
            lowest(stream).expires_after(write_timeout);
            co_await asio::async_write(stream, asio::buffer(kKeepAlive), asio::redirect_error(kAwait, ec));
        }
        waker->woken = false;
    }
    if (ec == beast::error::timeout) {
        metrics_.request_timeouts.fetch_add(1, std::memory_order_relaxed);
    }
    source->cancel();
}

Response HttpServer::Impl::handle(const http::request<http::string_body>& message, const std::string& client,
                                  bool& is_head) {
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    is_head = message.method() == http::verb::head;
    if (request.target.empty() || request.target.front() != '/') {
        return errorResponse(400, "the request target must be a path (origin-form, RFC 9112 section 3.2.1)");
    }
    const auto question = request.target.find('?');
    request.path = request.target.substr(0, question);
    request.query = question == std::string::npos ? std::string() : request.target.substr(question + 1);
    request.body = message.body();
    request.authorization = std::string(message[http::field::authorization]);
    request.accept_language = std::string(message[http::field::accept_language]);
    request.accept = std::string(message[http::field::accept]);
    request.content_type = std::string(message[http::field::content_type]);
    request.host = std::string(message[http::field::host]);
    request.tls = config_.tls();
    request.client = client;
    authenticator_.authenticate(request);

    const auto match = router_.find(request.method, request.path, request.params);
    if (match.route == nullptr) {
        if (match.allow.empty()) {
            return router_.error(request.path, 404, fmt::format("no such resource: {}", request.path));
        }
        auto response = router_.error(request.path, 405, fmt::format("{} is not allowed here", request.method));
        response.allow = match.allow;
        return response;
    }
    if (request.caller < match.route->access) {
        if (request.caller == Caller::Anonymous) {
            auto response = router_.error(request.path, 401, "a valid key is required (Authorization: Bearer KEY)");
            response.www_authenticate = "Bearer realm=\"kansoku\"";
            return response;
        }
        return router_.error(request.path, 403, "this key may not use this resource");
    }
    try {
        return match.route->handler(request);
    } catch (const std::exception& e) {
        return router_.error(request.path, 500, "internal error");
    }
}

void HttpServer::Impl::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopped_) {
            return;
        }
        stopped_ = true;
    }
    asio::post(ioc_, [this] {
        draining_ = true;
        beast::error_code ec;
        acceptor_.close(ec);
        for (auto& [connection, unused] : connections_) {
            if (connection->idle) {
                connection->close();
            }
        }
    });
    std::unique_lock lock(mutex_);
    if (!closed_.wait_for(lock, config_.shutdown_timeout.as<std::chrono::microseconds>(),
                          [this] { return open_ == 0; })) {
        // Out of time: close what is left and let each coroutine end.
        asio::post(ioc_, [this] {
            for (auto& [connection, unused] : connections_) {
                connection->close();
            }
        });
        closed_.wait_for(lock, kCloseTimeout, [this] { return open_ == 0; });
    }
    lock.unlock();
    ioc_.stop();
    if (thread_.joinable()) {
        thread_.join();
    }
    if (access_log_) {
        access_log_->sync();
    }
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() {
    stop();
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const WebConfig& config, Router router,
                                                      const Authenticator& authenticator, ServerMetrics& metrics) {
    auto impl = std::make_unique<Impl>(config, std::move(router), authenticator, metrics);
    KANSOKU_TRY(impl->open(nullptr));
    impl->run();
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

Result<std::unique_ptr<HttpServer>> HttpServer::start(const WebConfig& config, Router router,
                                                      const Authenticator& authenticator, ServerMetrics& metrics,
                                                      Worker worker) {
    auto impl = std::make_unique<Impl>(config, std::move(router), authenticator, metrics);
    KANSOKU_TRY(impl->open(&worker));
    impl->run();
    return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

Result<void> HttpServer::checkPortFree(const WebConfig& config) {
    asio::io_context ioc;
    tcp::acceptor probe(ioc);
    beast::error_code ec;
    const auto address = asio::ip::make_address(config.address, ec);
    if (ec) {
        return fail("web address {}: not an IP address", config.address);
    }
    const tcp::endpoint endpoint(address, static_cast<uint16_t>(config.port));
    probe.open(endpoint.protocol(), ec);
    if (!ec) {
        probe.set_option(asio::socket_base::reuse_address(true), ec); // a TIME_WAIT leftover is no owner
    }
    if (!ec) {
        probe.bind(endpoint, ec);
    }
    if (ec) {
        return fail("web: cannot listen on {}: {}", hostPort(config.address, static_cast<uint16_t>(config.port)),
                    ec.message());
    }
    return {};
}

void HttpServer::stop() {
    impl_->stop();
}

uint16_t HttpServer::port() const {
    return impl_->port_;
}

std::string HttpServer::url() const {
    return impl_->url_;
}

} // namespace kansoku::web
