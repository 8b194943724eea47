#pragma once

/// The `honeypot.http_request` event (docs/events.md). Fields, in order: session, src, src_port,
/// dst_port, protocol ("http"), method, path, version, headers (object name -> value, at most
/// max_headers, values cut at max_header_value_bytes, repeated names joined with ", "), body (the
/// first max_body_bytes kept), body_bytes (total seen), malformed, reason, rules [ids], urls
/// [{url, tool}]. Request bytes follow common/attacker_text.h: each string is valid UTF-8 and
/// `<field>_b64` (headers_b64, urls[].url_b64) holds the exact bytes when they were not.

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/event.h"
#include "honeypot/http/http_request.h"
#include "honeypot/http/http_rules.h"
#include "honeypot/http/url_extractor.h"

namespace kansoku::honeypot::http {

struct HttpEventLimits {
    size_t max_headers = 32;
    size_t max_header_value_bytes = 1024;
    size_t max_body_bytes = 4096;
};

/// The session fields of the event (server::SessionInfo's; http_protocol.h has the overload taking
/// one). Kept apart so this library builds without the session server (e.g. for the fuzzer).
struct HttpEventSession {
    std::string_view id;
    std::string_view src;
    uint16_t src_port = 0;
    uint16_t dst_port = 0;
};

Event makeHttpRequestEvent(const HttpEventSession& session, const HttpRequestRecord& request,
                           const std::vector<RuleMatch>& matches, const std::vector<ExtractedUrl>& urls,
                           std::string sensor, Timestamp ts, const HttpEventLimits& limits = {});

} // namespace kansoku::honeypot::http
