#pragma once

/// An HTTP persona: how an embedded device's web server answers (rules/http/personas/*.toml; the
/// format is in rules/http/README.md). Loaded once, shared read-only by every session. Responses
/// are bounded: every body is at most kMaxPersonaBodyBytes.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "honeypot/http/http_request.h"

namespace kansoku::honeypot::http {

inline constexpr size_t kMaxPersonaBodyBytes = 64 * 1024;

struct HttpPage {
    std::string path; ///< exact path, or a prefix when `prefix`
    bool prefix = false;
    int status = 200;
    std::string content_type = "text/html";
    std::string body;
    std::vector<HttpHeader> headers; ///< extra headers of this page
};

struct HttpPersona {
    std::string name;
    std::string server;              ///< Server header ("" = none)
    bool keep_alive = false;         ///< answers HTTP/1.1 keep-alive (else Connection: close always)
    std::string realm;               ///< WWW-Authenticate realm of 401 pages
    std::vector<HttpHeader> headers; ///< on every response
    std::vector<HttpPage> pages;     ///< first match wins; exact paths before prefixes
    std::string not_found_body;      ///< 404
    std::string unauthorized_body;   ///< 401
    std::string bad_request_body;    ///< 400 (malformed requests)

    static Result<HttpPersona> parse(std::string_view toml_text, std::string_view origin);
    static Result<HttpPersona> load(const std::string& path);

    /// The response to a request (HEAD: headers only). `close` adds Connection: close.
    std::string respond(const HttpRequestRecord& request, bool close, Timestamp now) const;
};

/// "Sun, 06 Nov 1994 08:49:37 GMT"
std::string formatHttpDate(Timestamp ts);

} // namespace kansoku::honeypot::http
