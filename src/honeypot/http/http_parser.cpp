#include "honeypot/http/http_parser.h"

#include <algorithm>
#include <cstring>

namespace kansoku::honeypot::http {

namespace {

bool isTchar(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool isSpace(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && isSpace(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && isSpace(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

bool isBodyMethod(std::string_view method) {
    return equalsNoCase(method, "POST") || equalsNoCase(method, "PUT") || equalsNoCase(method, "PATCH");
}

/// Decimal Content-Length; false if not 1..18 digits.
bool parseLength(std::string_view text, uint64_t& value) {
    text = trim(text);
    if (text.empty() || text.size() > 18) {
        return false;
    }
    value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return true;
}

/// Chunk size line (extensions after ';' ignored); false if not 1..16 hex digits.
bool parseChunkSize(std::string_view line, uint64_t& value) {
    line = trim(line.substr(0, line.find(';')));
    if (line.empty() || line.size() > 16) {
        return false;
    }
    value = 0;
    for (char c : line) {
        int digit = 0;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else if (c >= 'A' && c <= 'F') {
            digit = c - 'A' + 10;
        } else {
            return false;
        }
        value = (value << 4) | static_cast<uint64_t>(digit);
    }
    return true;
}

} // namespace

size_t HttpRequestParser::lineLimit() const {
    switch (state_) {
    case State::RequestLine:
        return limits_.max_request_line_bytes;
    case State::Headers:
    case State::Trailers:
        return limits_.max_header_bytes > header_bytes_ ? limits_.max_header_bytes - header_bytes_ : 0;
    default:
        return limits_.max_chunk_line_bytes;
    }
}

void HttpRequestParser::feed(std::span<const uint8_t> data, std::vector<HttpRequestRecord>& out) {
    const uint8_t* p = data.data();
    size_t n = data.size();
    size_t i = 0;
    while (i < n) {
        switch (state_) {
        case State::Discard:
            counters_.bytes_discarded += n - i;
            return;
        case State::Body: {
            size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, n - i));
            keepBody(p + i, take);
            remaining_ -= take;
            i += take;
            if (remaining_ == 0) {
                emit(out, true);
            }
            break;
        }
        case State::BodyUntilClose: {
            size_t room = limits_.max_body_bytes_kept - std::min(limits_.max_body_bytes_kept, current_.body.size());
            size_t take = std::min(room, n - i);
            keepBody(p + i, take);
            i += take;
            if (current_.body.size() >= limits_.max_body_bytes_kept) {
                ++counters_.body_limit;
                current_.body_truncated = true;
                emit(out, false);
                state_ = State::Discard;
            }
            break;
        }
        case State::ChunkData: {
            size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, n - i));
            keepBody(p + i, take);
            remaining_ -= take;
            i += take;
            if (remaining_ == 0) {
                state_ = State::ChunkEnd;
            }
            break;
        }
        default: {
            const void* lf = std::memchr(p + i, '\n', n - i);
            size_t end = lf != nullptr ? static_cast<size_t>(static_cast<const uint8_t*>(lf) - p) : n;
            size_t limit = lineLimit();
            size_t segment = end - i;
            if (line_.size() + segment > limit) {
                line_.append(reinterpret_cast<const char*>(p + i), limit - std::min(limit, line_.size()));
                i = end; // the rest of the line (and everything after) is discarded below
                if (state_ == State::RequestLine) {
                    ++counters_.request_line_limit;
                    parseRequestLine(line_);
                    fatal("request_line_too_long", out);
                } else if (state_ == State::Headers || state_ == State::Trailers) {
                    ++counters_.header_bytes_limit;
                    fatal("headers_too_large", out);
                } else {
                    fatal("bad_chunk_size", out);
                }
                line_.clear();
                break;
            }
            line_.append(reinterpret_cast<const char*>(p + i), segment);
            i = end;
            if (lf == nullptr) {
                break;
            }
            ++i; // the LF
            bool crlf = !line_.empty() && line_.back() == '\r';
            if (crlf) {
                line_.pop_back();
            }
            std::string line = std::move(line_);
            line_.clear();
            consumeLine(line, crlf, out);
            break;
        }
        }
    }
}

void HttpRequestParser::consumeLine(std::string_view line, bool crlf, std::vector<HttpRequestRecord>& out) {
    if (state_ == State::RequestLine && line.empty()) {
        ++counters_.empty_lines;
        return;
    }
    if (!crlf) {
        current_.addReason("lf_line_ending");
    }
    if (line.find('\r') != std::string_view::npos) {
        current_.addReason("bare_cr");
    }
    switch (state_) {
    case State::RequestLine:
        parseRequestLine(line);
        if (current_.version.empty()) {
            emit(out, true); // HTTP/0.9 style: no headers follow
        } else {
            state_ = State::Headers;
        }
        return;
    case State::Headers:
        header_bytes_ += line.size() + 2;
        if (line.empty()) {
            endOfHeaders(out);
        } else {
            parseHeaderLine(line);
        }
        return;
    case State::ChunkSize: {
        uint64_t size = 0;
        if (!parseChunkSize(line, size)) {
            fatal("bad_chunk_size", out);
            return;
        }
        remaining_ = size;
        state_ = size == 0 ? State::Trailers : State::ChunkData;
        return;
    }
    case State::ChunkEnd:
        if (!line.empty()) {
            fatal("bad_chunk_end", out);
            return;
        }
        state_ = State::ChunkSize;
        return;
    case State::Trailers:
        header_bytes_ += line.size() + 2;
        if (line.empty()) {
            emit(out, true);
        }
        return;
    default:
        return;
    }
}

void HttpRequestParser::parseRequestLine(std::string_view line) {
    for (char c : line) {
        auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t' && c != '\r') || byte == 0x7f) {
            current_.addReason("binary_request_line");
            break;
        }
    }
    std::string_view rest = trim(line);
    if (rest.empty()) {
        current_.addReason("empty_request_line");
        return;
    }
    size_t sp = 0;
    while (sp < rest.size() && !isSpace(rest[sp])) {
        ++sp;
    }
    current_.method.assign(rest.substr(0, sp));
    if (!std::all_of(current_.method.begin(), current_.method.end(), isTchar)) {
        current_.addReason("invalid_method");
    }
    rest = trim(rest.substr(sp));
    if (rest.empty()) {
        current_.addReason("missing_target");
        current_.addReason("missing_version");
        return;
    }
    size_t last_sp = rest.size();
    while (last_sp > 0 && !isSpace(rest[last_sp - 1])) {
        --last_sp;
    }
    std::string_view last = rest.substr(last_sp);
    std::string_view target = rest;
    if (last_sp > 0 && last.size() >= 5 && equalsNoCase(last.substr(0, 5), "HTTP/")) {
        current_.version.assign(last);
        target = trim(rest.substr(0, last_sp));
        if (last != "HTTP/1.1" && last != "HTTP/1.0") {
            current_.addReason("bad_version");
        }
    } else {
        current_.addReason("missing_version");
    }
    if (std::any_of(target.begin(), target.end(), isSpace)) {
        current_.addReason("space_in_target");
    }
    current_.target.assign(target);
    size_t q = target.find('?');
    current_.path.assign(target.substr(0, q));
    if (q != std::string_view::npos) {
        current_.query.assign(target.substr(q + 1));
    }
}

void HttpRequestParser::parseHeaderLine(std::string_view line) {
    if (isSpace(line.front())) {
        current_.addReason("obs_fold");
        if (!current_.headers.empty() && !current_.headers_truncated) {
            current_.headers.back().value += ' ';
            current_.headers.back().value += trim(line);
            return;
        }
    }
    if (current_.headers.size() >= limits_.max_headers) {
        ++counters_.header_count_limit;
        current_.headers_truncated = true;
        current_.addReason("too_many_headers");
        return;
    }
    HttpHeader header;
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        current_.addReason("header_without_colon");
        header.name.assign(trim(line));
    } else {
        std::string_view name = line.substr(0, colon);
        if (name.empty() || !std::all_of(name.begin(), name.end(), isTchar)) {
            current_.addReason("invalid_header_name");
        }
        header.name.assign(name);
        header.value.assign(trim(line.substr(colon + 1)));
    }
    current_.headers.push_back(std::move(header));
}

void HttpRequestParser::endOfHeaders(std::vector<HttpRequestRecord>& out) {
    if (current_.version == "HTTP/1.1" && current_.header("Host") == nullptr) {
        current_.addReason("missing_host");
    }
    bool has_length = false;
    bool bad_length = false;
    uint64_t length = 0;
    for (const auto& h : current_.headers) {
        if (!equalsNoCase(h.name, "Content-Length")) {
            continue;
        }
        uint64_t value = 0;
        if (!parseLength(h.value, value)) {
            bad_length = true;
        } else if (has_length && value != length) {
            current_.addReason("conflicting_content_length");
            bad_length = true;
        } else {
            has_length = true;
            length = value;
        }
    }
    if (bad_length) {
        current_.addReason("bad_content_length");
    }
    const HttpHeader* te = current_.header("Transfer-Encoding");
    if (te != nullptr) {
        std::string_view codings = te->value;
        size_t comma = codings.rfind(',');
        std::string_view last = trim(comma == std::string_view::npos ? codings : codings.substr(comma + 1));
        if (has_length || bad_length) {
            current_.addReason("te_and_cl");
        }
        if (equalsNoCase(last, "chunked")) {
            current_.chunked = true;
            state_ = State::ChunkSize;
            return;
        }
        current_.addReason("unsupported_transfer_encoding");
        state_ = State::BodyUntilClose;
        return;
    }
    if (bad_length) {
        if (isBodyMethod(current_.method)) {
            state_ = State::BodyUntilClose;
        } else {
            emit(out, true);
        }
        return;
    }
    if (!has_length) {
        if (isBodyMethod(current_.method)) {
            current_.addReason("body_without_length");
            state_ = State::BodyUntilClose;
        } else {
            emit(out, true);
        }
        return;
    }
    if (length == 0) {
        emit(out, true);
        return;
    }
    remaining_ = length;
    state_ = State::Body;
}

void HttpRequestParser::keepBody(const uint8_t* data, size_t n) {
    current_.body_bytes += n;
    size_t room = limits_.max_body_bytes_kept - std::min(limits_.max_body_bytes_kept, current_.body.size());
    size_t keep = std::min(room, n);
    current_.body.append(reinterpret_cast<const char*>(data), keep);
    if (keep < n) {
        counters_.body_bytes_discarded += n - keep;
        if (!current_.body_truncated) {
            current_.body_truncated = true;
            ++counters_.body_limit;
        }
    }
}

void HttpRequestParser::emit(std::vector<HttpRequestRecord>& out, bool complete) {
    current_.complete = complete;
    current_.body_truncated = current_.body_truncated || current_.body_bytes > current_.body.size();
    ++counters_.requests;
    counters_.malformed += current_.malformed ? 1 : 0;
    counters_.incomplete += complete ? 0 : 1;
    out.push_back(std::move(current_));
    current_ = HttpRequestRecord{};
    header_bytes_ = 0;
    remaining_ = 0;
    ++emitted_;
    if (emitted_ >= limits_.max_requests_per_connection) {
        ++counters_.request_limit;
        state_ = State::Discard;
    } else {
        state_ = State::RequestLine;
    }
}

void HttpRequestParser::fatal(std::string_view code, std::vector<HttpRequestRecord>& out) {
    current_.addReason(code);
    emit(out, false);
    state_ = State::Discard;
}

bool HttpRequestParser::finish(std::vector<HttpRequestRecord>& out) {
    bool emitted = false;
    switch (state_) {
    case State::Discard:
        return false;
    case State::RequestLine:
        if (!line_.empty()) {
            parseRequestLine(line_);
            emit(out, false);
            emitted = true;
        }
        break;
    case State::Headers:
        if (!line_.empty()) {
            parseHeaderLine(line_);
        }
        emit(out, false);
        emitted = true;
        break;
    case State::BodyUntilClose:
        emit(out, true); // the close ends a body without a length
        emitted = true;
        break;
    default:
        emit(out, false);
        emitted = true;
        break;
    }
    line_.clear();
    state_ = State::Discard;
    return emitted;
}

} // namespace kansoku::honeypot::http
