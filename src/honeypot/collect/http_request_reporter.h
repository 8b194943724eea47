#pragma once

/// Connects the HTTP honeypot to the Collector: each request becomes a honeypot.http_request
/// event, and every URL found in it (exploit payloads name the loader they want fetched) goes to
/// the downloader like a URL typed into a shell.

#include "honeypot/http/http_protocol.h"
#include "honeypot/session/collector.h"

namespace kansoku::honeypot {

class HttpRequestReporter final : public http::HttpObserver {
public:
    explicit HttpRequestReporter(Collector& collector) : collector_(&collector) {}

    void onRequest(const server::SessionInfo& session, const http::HttpRequestRecord& request,
                   const std::vector<http::RuleMatch>& matches, const std::vector<http::ExtractedUrl>& urls) override;

private:
    Collector* collector_;
};

} // namespace kansoku::honeypot
