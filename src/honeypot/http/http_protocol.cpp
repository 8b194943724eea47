#include "honeypot/http/http_protocol.h"

namespace kansoku::honeypot::http {

namespace {

/// Whether the connection stays open after answering `request` (HTTP/1.1 default keep-alive,
/// HTTP/1.0 only with "Connection: keep-alive"; never for malformed or incomplete requests).
bool keepAlive(const HttpRequestRecord& request, const HttpPersona& persona) {
    if (!persona.keep_alive || request.malformed || !request.complete) {
        return false;
    }
    const HttpHeader* connection = request.header("Connection");
    if (request.version == "HTTP/1.1") {
        return connection == nullptr || !equalsNoCase(connection->value, "close");
    }
    return connection != nullptr && equalsNoCase(connection->value, "keep-alive");
}

} // namespace

HttpProtocol::HttpProtocol(server::SessionInfo info, const HttpService& service)
    : info_(std::move(info)), service_(service), parser_(service.limits) {}

void HttpProtocol::start(server::Output&) {}

void HttpProtocol::report(const HttpRequestRecord& request) {
    ++requests_;
    if (service_.observer == nullptr) {
        return;
    }
    std::vector<RuleMatch> matches;
    if (service_.rules != nullptr) {
        matches = service_.rules->match(request);
    }
    std::vector<ExtractedUrl> urls = extractUrls(request, service_.url_limits);
    service_.observer->onRequest(info_, request, matches, urls);
}

bool HttpProtocol::onData(std::span<const uint8_t> data, server::Output& out) {
    if (closing_) {
        return false;
    }
    ready_.clear();
    parser_.feed(data, ready_);
    Timestamp now = service_.clock ? service_.clock() : nowMicros();
    for (const auto& request : ready_) {
        report(request);
        bool keep = keepAlive(request, *service_.persona) && !parser_.stopped();
        out.write(service_.persona->respond(request, !keep, now));
        if (!keep) {
            closing_ = true;
            break; // pipelined requests after a closing answer are not read
        }
    }
    ready_.clear();
    return !closing_;
}

void HttpProtocol::onClose(server::CloseReason) {
    if (closing_) {
        return;
    }
    ready_.clear();
    parser_.finish(ready_);
    for (const auto& request : ready_) {
        report(request);
    }
    ready_.clear();
}

Event makeHttpRequestEvent(const server::SessionInfo& session, const HttpRequestRecord& request,
                           const std::vector<RuleMatch>& matches, const std::vector<ExtractedUrl>& urls,
                           std::string sensor, Timestamp ts, const HttpEventLimits& limits) {
    return makeHttpRequestEvent(HttpEventSession{session.id, session.src, session.src_port, session.dst_port}, request,
                                matches, urls, std::move(sensor), ts, limits);
}

server::ProtocolFactory makeHttpProtocolFactory(const HttpService& service) {
    return [&service](const server::SessionInfo& info) -> std::unique_ptr<server::SessionProtocol> {
        return std::make_unique<HttpProtocol>(info, service);
    };
}

} // namespace kansoku::honeypot::http
