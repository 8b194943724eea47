#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "common/attacker_text.h"
#include "honeypot/http/http_event.h"

namespace kansoku::honeypot::http {
namespace {

HttpEventSession info() {
    return HttpEventSession{"00000000000000ab", "198.51.100.7", 40000, 8081};
}

TEST(HttpEvent, Fields) {
    HttpRequestRecord r;
    r.method = "POST";
    r.target = "/x?y";
    r.path = "/x";
    r.version = "HTTP/1.1";
    r.headers = {{"Host", "a"}, {"X-A", "1"}, {"X-A", "2"}, {"Bad\xFF", "v\xFE"}};
    r.body = "hello";
    r.body_bytes = 99;
    r.addReason("missing_host");
    std::vector<RuleMatch> matches{{"rule-1", "Rule"}};
    std::vector<ExtractedUrl> urls{{"http://198.51.100.9/a", "wget"}};
    Event e = makeHttpRequestEvent(info(), r, matches, urls, "sensor-1", 1'700'000'000'000'000);
    auto j = e.toJson();
    EXPECT_EQ(j["type"], "honeypot.http_request");
    EXPECT_EQ(j["sensor"], "sensor-1");
    EXPECT_EQ(j["session"], "00000000000000ab");
    EXPECT_EQ(j["src"], "198.51.100.7");
    EXPECT_EQ(j["src_port"], 40000);
    EXPECT_EQ(j["dst_port"], 8081);
    EXPECT_EQ(j["protocol"], "http");
    EXPECT_EQ(j["method"], "POST");
    EXPECT_EQ(j["path"], "/x");
    EXPECT_EQ(j["version"], "HTTP/1.1");
    EXPECT_EQ(j["headers"]["X-A"], "1, 2");
    EXPECT_EQ(j["headers"]["Bad\xEF\xBF\xBD"], "v\xEF\xBF\xBD");
    // The one header with bytes that are not UTF-8 keeps them in headers_b64; the others do not appear there.
    ASSERT_EQ(j["headers_b64"].size(), 1U);
    EXPECT_EQ(j["headers_b64"]["Bad\xEF\xBF\xBD"]["name"], base64Encode("Bad\xFF"));
    EXPECT_EQ(j["headers_b64"]["Bad\xEF\xBF\xBD"]["value"], base64Encode("v\xFE"));
    EXPECT_EQ(j["body"], "hello");
    EXPECT_FALSE(j.contains("body_b64"));
    EXPECT_FALSE(j.contains("path_b64"));
    EXPECT_EQ(j["body_bytes"], 99);
    EXPECT_EQ(j["malformed"], true);
    EXPECT_EQ(j["reason"], "missing_host");
    EXPECT_EQ(j["rules"][0], "rule-1");
    EXPECT_EQ(j["urls"][0]["url"], "http://198.51.100.9/a");
    EXPECT_EQ(j["urls"][0]["tool"], "wget");
    // Strict dump must not throw: every string is valid UTF-8.
    EXPECT_NO_THROW((void)j.dump());
}

TEST(HttpEvent, BinaryBodyKeepsItsBytesInBodyB64AndIsCapped) {
    HttpRequestRecord r;
    r.body = std::string("\x7f"
                         "ELF\x01\x02\xff",
                         7) +
             std::string(10000, 'a');
    r.body_bytes = r.body.size();
    for (int i = 0; i < 100; ++i) {
        r.headers.push_back({"H" + std::to_string(i), std::string(5000, 'v')});
    }
    HttpEventLimits limits;
    Event e = makeHttpRequestEvent(info(), r, {}, {}, "s", 0, limits);
    auto j = e.toJson();
    EXPECT_EQ(j["body"].get<std::string>().rfind("\x7f"
                                                 "ELF\x01\x02\xEF\xBF\xBD",
                                                 0),
              0u);
    EXPECT_EQ(j["body_b64"].get<std::string>().rfind("f0VMRgEC/2", 0), 0u);
    EXPECT_EQ(j["body_b64"].get<std::string>().size(), (limits.max_body_bytes + 2) / 3 * 4);
    EXPECT_EQ(j["headers"].size(), limits.max_headers);
    EXPECT_EQ(j["headers"]["H0"].get<std::string>().size(), limits.max_header_value_bytes);
    EXPECT_EQ(j["body_bytes"], r.body.size());
}

TEST(HttpEvent, JoinedHeadersCutOnACharacterBoundary) {
    HttpRequestRecord r;
    HttpEventLimits limits;
    limits.max_header_value_bytes = 8;
    r.headers = {{"X", "abcde"}, {"X", "\xC3\xA9\xC3\xA9"}}; // "abcde, é" is 9 bytes: the cut splits the é
    auto j = makeHttpRequestEvent(info(), r, {}, {}, "s", 0, limits).toJson();
    EXPECT_NO_THROW((void)j.dump());
    EXPECT_TRUE(isValidUtf8(j["headers"]["X"].get<std::string>()));
    EXPECT_EQ(j["headers"]["X"].get<std::string>().rfind("abcde, ", 0), 0u);
    EXPECT_FALSE(j.contains("headers_b64")); // the cut is not reported as bytes that were not UTF-8
}

TEST(HttpEvent, PathAndUrlBytesThatAreNotUtf8AreKeptInB64) {
    HttpRequestRecord r;
    r.method = "G\x80T";
    r.path = "/a\x80\xC3\x28";
    std::vector<ExtractedUrl> urls{{"http://198.51.100.9/\xFF", "wget"}};
    auto j = makeHttpRequestEvent(info(), r, {}, urls, "s", 0).toJson();
    EXPECT_EQ(j["path"], "/a\xEF\xBF\xBD\xEF\xBF\xBD(");
    EXPECT_EQ(j["path_b64"], base64Encode("/a\x80\xC3\x28"));
    EXPECT_EQ(j["method_b64"], base64Encode("G\x80T"));
    EXPECT_EQ(j["urls"][0]["url_b64"], base64Encode("http://198.51.100.9/\xFF"));
    EXPECT_NO_THROW((void)j.dump());
}

} // namespace
} // namespace kansoku::honeypot::http
