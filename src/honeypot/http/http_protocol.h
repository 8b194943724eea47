#pragma once

/// The HTTP honeypot over the session server: one HttpProtocol per connection parses requests,
/// matches the exploit rules, extracts download URLs, reports each request to an HttpObserver and
/// answers with the persona's page, keeping the connection alive or closing it like the device.

#include <functional>
#include <memory>
#include <vector>

#include "honeypot/http/http_event.h"
#include "honeypot/http/http_parser.h"
#include "honeypot/http/http_persona.h"
#include "honeypot/http/http_rules.h"
#include "honeypot/http/url_extractor.h"
#include "honeypot/server/session_server.h"

namespace kansoku::honeypot::http {

/// Where requests go (the lead wires it to events and the downloader). Called synchronously on the
/// io_context's thread; must not throw. References are valid only during the call.
class HttpObserver {
public:
    virtual ~HttpObserver() = default;
    virtual void onRequest(const server::SessionInfo& session, const HttpRequestRecord& request,
                           const std::vector<RuleMatch>& matches, const std::vector<ExtractedUrl>& urls) = 0;
};

/// Per listener, shared by its sessions; must outlive them.
struct HttpService {
    HttpParserLimits limits;
    UrlExtractionLimits url_limits;
    const HttpPersona* persona = nullptr; ///< required
    const HttpRuleSet* rules = nullptr;   ///< optional
    HttpObserver* observer = nullptr;     ///< optional
    std::function<Timestamp()> clock;     ///< Date header; nowMicros() when empty
};

class HttpProtocol final : public server::SessionProtocol {
public:
    HttpProtocol(server::SessionInfo info, const HttpService& service);

    void start(server::Output& out) override;
    bool onData(std::span<const uint8_t> data, server::Output& out) override;
    void onClose(server::CloseReason reason) override;

    const HttpRequestParser& parser() const { return parser_; }
    size_t requests() const { return requests_; }

private:
    void report(const HttpRequestRecord& request);

    server::SessionInfo info_;
    const HttpService& service_;
    HttpRequestParser parser_;
    std::vector<HttpRequestRecord> ready_;
    size_t requests_ = 0;
    bool closing_ = false;
};

/// The `honeypot.http_request` event for a request of this session (see http_event.h).
Event makeHttpRequestEvent(const server::SessionInfo& session, const HttpRequestRecord& request,
                           const std::vector<RuleMatch>& matches, const std::vector<ExtractedUrl>& urls,
                           std::string sensor, Timestamp ts, const HttpEventLimits& limits = {});

/// A factory for SessionServer.
server::ProtocolFactory makeHttpProtocolFactory(const HttpService& service);

} // namespace kansoku::honeypot::http
