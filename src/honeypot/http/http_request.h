#pragma once

/// One HTTP request as the honeypot saw it: what the parser could make of the bytes, complete or
/// not, well-formed or not. Hostile input is data: a malformed request is still a record, flagged
/// `malformed` with the reasons (stable snake_case codes, see src/honeypot/http/README.md).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kansoku::honeypot::http {

struct HttpHeader {
    std::string name;
    std::string value;
};

struct HttpRequestRecord {
    std::string method;              ///< as sent ("GET", or garbage)
    std::string target;              ///< the raw request target ("/a/b?x=1")
    std::string path;                ///< target before '?'
    std::string query;               ///< target after '?' (without it)
    std::string version;             ///< "HTTP/1.1"; empty when the request line had none
    std::vector<HttpHeader> headers; ///< in order, at most HttpParserLimits::max_headers
    std::string body;                ///< the first HttpParserLimits::max_body_bytes_kept body bytes
    uint64_t body_bytes = 0;         ///< body bytes seen (kept or not)
    bool chunked = false;
    bool body_truncated = false;    ///< body_bytes > body.size()
    bool headers_truncated = false; ///< headers were dropped (max_headers)
    bool complete = false;          ///< false: the connection ended (or a limit hit) before the request did
    bool malformed = false;
    std::string reason; ///< malformed: the reason codes, "; "-separated (bounded)

    /// The first header with this name (ASCII case-insensitive), or nullptr.
    const HttpHeader* header(std::string_view name) const;
    /// Adds a reason code (once) and sets `malformed`.
    void addReason(std::string_view code);
};

/// ASCII case-insensitive equality.
bool equalsNoCase(std::string_view a, std::string_view b);

} // namespace kansoku::honeypot::http
