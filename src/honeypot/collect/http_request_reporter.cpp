#include "honeypot/collect/http_request_reporter.h"

namespace kansoku::honeypot {

void HttpRequestReporter::onRequest(const server::SessionInfo& session, const http::HttpRequestRecord& request,
                                    const std::vector<http::RuleMatch>& matches,
                                    const std::vector<http::ExtractedUrl>& urls) {
    // The collector sets the sensor name.
    collector_->emit(http::makeHttpRequestEvent(session, request, matches, urls, {}, nowMicros()));
    const SessionContext context{session.id, "http", session.src, session.src_port, session.dst_port, session.dst};
    for (const auto& url : urls) {
        collector_->download(context, url.url, url.tool, {});
    }
}

} // namespace kansoku::honeypot
