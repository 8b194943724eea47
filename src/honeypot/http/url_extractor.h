#pragma once

/// Download URLs in a request: every http(s)/ftp/tftp URL in the target, headers and body after
/// decoding them once (percent, then HTML entities), plus download commands without a scheme
/// (`wget 1.2.3.4/x`, `tftp -g -r NAME HOST`, `tftp HOST -c get NAME`, `ftpget HOST LOCAL REMOTE`,
/// `curl -O URL`). Strings only: nothing is fetched here.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "honeypot/http/http_request.h"

namespace kansoku::honeypot::http {

struct ExtractedUrl {
    std::string url;
    std::string tool; ///< "wget", "curl", "tftp", "ftpget" or "payload" (a URL with no command)
};

struct UrlExtractionLimits {
    size_t max_urls = 32;
    size_t max_url_bytes = 2048; ///< longer candidates are dropped
};

/// URLs in one (already decoded) text, appended to `out` unless already there or out is full.
void extractUrlsFromText(std::string_view text, const UrlExtractionLimits& limits, std::vector<ExtractedUrl>& out);
/// URLs in a request's target, header values and body (each decoded once).
std::vector<ExtractedUrl> extractUrls(const HttpRequestRecord& request, const UrlExtractionLimits& limits = {});

} // namespace kansoku::honeypot::http
