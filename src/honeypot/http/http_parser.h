#pragma once

/// An incremental, bounded, tolerant HTTP/1.x request parser (own code: it must record what strict
/// parsers reject). Bytes arrive in any split; each request, well-formed or not, comes out as an
/// HttpRequestRecord. Every limit hit is counted; nothing throws.
///
/// Fatal conditions (request line or header section over its limit, a bad chunk, an unbounded body
/// reaching its cap) end the request there: it is emitted, and the parser discards (and counts)
/// everything after it, as an embedded httpd would answer 400 and close.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "honeypot/http/http_request.h"

namespace kansoku::honeypot::http {

struct HttpParserLimits {
    size_t max_request_line_bytes = 8 * 1024;
    size_t max_headers = 64;                ///< more are counted and dropped
    size_t max_header_bytes = 16 * 1024;    ///< header section total (fatal beyond)
    size_t max_body_bytes_kept = 64 * 1024; ///< the rest of a body is counted and discarded
    size_t max_requests_per_connection = 32;
    size_t max_chunk_line_bytes = 256;
};

struct HttpParserCounters {
    uint64_t requests = 0;           ///< records emitted
    uint64_t malformed = 0;          ///< of which flagged malformed
    uint64_t incomplete = 0;         ///< of which ended by the connection (finish())
    uint64_t request_line_limit = 0; ///< max_request_line_bytes hits
    uint64_t header_count_limit = 0; ///< headers dropped (max_headers)
    uint64_t header_bytes_limit = 0; ///< max_header_bytes hits
    uint64_t body_limit = 0;         ///< bodies cut at max_body_bytes_kept
    uint64_t body_bytes_discarded = 0;
    uint64_t request_limit = 0;   ///< max_requests_per_connection hits
    uint64_t bytes_discarded = 0; ///< bytes after a fatal error or the request limit
    uint64_t empty_lines = 0;     ///< empty lines before a request line (tolerated)
};

class HttpRequestParser {
public:
    explicit HttpRequestParser(const HttpParserLimits& limits = {}) : limits_(limits) {}

    /// Reads client bytes; appends every request completed by them to `out`.
    void feed(std::span<const uint8_t> data, std::vector<HttpRequestRecord>& out);
    /// The connection ended: a partly read request (if any) is appended as incomplete. True if one was.
    bool finish(std::vector<HttpRequestRecord>& out);

    /// True once the parser reads nothing more (fatal error or request limit).
    bool stopped() const { return state_ == State::Discard; }
    /// True while a request has started but is not complete.
    bool midRequest() const { return (state_ != State::RequestLine && state_ != State::Discard) || !line_.empty(); }
    const HttpParserCounters& counters() const { return counters_; }

private:
    enum class State : uint8_t {
        RequestLine,
        Headers,
        Body,
        BodyUntilClose,
        ChunkSize,
        ChunkData,
        ChunkEnd,
        Trailers,
        Discard,
    };

    void consumeLine(std::string_view line, bool crlf, std::vector<HttpRequestRecord>& out);
    void parseRequestLine(std::string_view line);
    void parseHeaderLine(std::string_view line);
    void endOfHeaders(std::vector<HttpRequestRecord>& out);
    void keepBody(const uint8_t* data, size_t n);
    void emit(std::vector<HttpRequestRecord>& out, bool complete);
    void fatal(std::string_view code, std::vector<HttpRequestRecord>& out);
    size_t lineLimit() const;

    HttpParserLimits limits_;
    HttpParserCounters counters_;
    State state_ = State::RequestLine;
    HttpRequestRecord current_;
    std::string line_;
    size_t header_bytes_ = 0; ///< header section bytes of current_
    uint64_t remaining_ = 0;  ///< Body: bytes left; ChunkData: bytes left in the chunk
    size_t emitted_ = 0;
};

} // namespace kansoku::honeypot::http
