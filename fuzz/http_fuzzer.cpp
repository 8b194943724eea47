// Fuzzes the HTTP honeypot's hostile-input path: HttpRequestParser, HttpRuleSet::match,
// extractUrls, HttpPersona::respond and makeHttpRequestEvent.
//
// Input: byte 0 picks how the rest is cut into packets (bits 0-4: chunk size 1..32) and the limits
// (bit 5: small limits so every bound is reached, else the defaults); the rest is what the client
// sends on one connection.
//
// Checks: the same bytes give the same records whole or in packets; every record stays within the
// limits (request line, header count, body kept); URL extraction respects its bounds; the event
// dumps as strict JSON (valid UTF-8); a response is bounded.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "honeypot/http/http_event.h"
#include "honeypot/http/http_parser.h"
#include "honeypot/http/http_persona.h"
#include "honeypot/http/http_rules.h"
#include "honeypot/http/url_extractor.h"

namespace {

namespace http = kansoku::honeypot::http;

/// Used when the repository's rules/http is not beside this file (a moved binary).
constexpr const char* kFallbackRules = R"([[rule]]
id = "generic"
name = "generic"
references = ["CWE-78"]
[[rule.match]]
field = "any"
regex = '(;|\||&&|`|\$\()\s*(\S*/)?(wget|curl|tftp|ftpget|busybox)(\s|$)'
nocase = true
)";

constexpr const char* kPersona = R"(name = "fuzz"
server = "uc-httpd 1.0.0"
keep_alive = true
realm = "DVR"
not_found_body = "nf"
[[page]]
path = "/"
body = "<html>root</html>"
[[page]]
path = "/cgi-bin/"
prefix = true
status = 401
)";

struct Fixture {
    http::HttpRuleSet rules;
    http::HttpPersona persona;
    Fixture() {
        std::filesystem::path dir = std::filesystem::path(__FILE__).parent_path().parent_path() / "rules" / "http";
        auto loaded = http::HttpRuleSet::loadDirectory(dir.string());
        if (!loaded || loaded->rules().empty()) {
            loaded = http::HttpRuleSet::parse(kFallbackRules, "fallback");
        }
        FUZZ_CHECK(loaded.has_value());
        rules = std::move(*loaded);
        auto p = http::HttpPersona::parse(kPersona, "fuzz");
        FUZZ_CHECK(p.has_value());
        persona = std::move(*p);
    }
};

bool sameRecords(const std::vector<http::HttpRequestRecord>& a, const std::vector<http::HttpRequestRecord>& b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].method != b[i].method || a[i].target != b[i].target || a[i].version != b[i].version ||
            a[i].body != b[i].body || a[i].body_bytes != b[i].body_bytes || a[i].reason != b[i].reason ||
            a[i].complete != b[i].complete || a[i].headers.size() != b[i].headers.size()) {
            return false;
        }
        for (size_t h = 0; h < a[i].headers.size(); ++h) {
            if (a[i].headers[h].name != b[i].headers[h].name || a[i].headers[h].value != b[i].headers[h].value) {
                return false;
            }
        }
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static Fixture fixture;
    if (size == 0) {
        return 0;
    }
    size_t chunk = (data[0] & 0x1f) + 1;
    http::HttpParserLimits limits;
    if ((data[0] & 0x20) != 0) {
        limits.max_request_line_bytes = 64;
        limits.max_headers = 4;
        limits.max_header_bytes = 128;
        limits.max_body_bytes_kept = 32;
        limits.max_requests_per_connection = 4;
        limits.max_chunk_line_bytes = 16;
    }
    std::span<const uint8_t> input(data + 1, size - 1);

    http::HttpRequestParser whole(limits);
    std::vector<http::HttpRequestRecord> whole_out;
    whole.feed(input, whole_out);
    whole.finish(whole_out);

    http::HttpRequestParser split(limits);
    std::vector<http::HttpRequestRecord> split_out;
    for (size_t i = 0; i < input.size(); i += chunk) {
        split.feed(input.subspan(i, std::min(chunk, input.size() - i)), split_out);
    }
    split.finish(split_out);
    FUZZ_CHECK(sameRecords(whole_out, split_out));
    FUZZ_CHECK(whole_out.size() <= limits.max_requests_per_connection);
    FUZZ_CHECK(whole.counters().requests == whole_out.size());

    http::HttpEventSession info{"0000000000000001", "198.51.100.7", 40000, 8081};
    http::UrlExtractionLimits url_limits;
    url_limits.max_urls = 8;
    url_limits.max_url_bytes = 256;
    for (const auto& r : whole_out) {
        FUZZ_CHECK(r.method.size() + r.target.size() + r.version.size() <= limits.max_request_line_bytes);
        FUZZ_CHECK(r.headers.size() <= limits.max_headers);
        FUZZ_CHECK(r.body.size() <= limits.max_body_bytes_kept);
        FUZZ_CHECK(r.body_bytes >= r.body.size());
        FUZZ_CHECK(r.malformed == !r.reason.empty());
        auto matches = fixture.rules.match(r);
        auto urls = http::extractUrls(r, url_limits);
        FUZZ_CHECK(urls.size() <= url_limits.max_urls);
        for (const auto& u : urls) {
            FUZZ_CHECK(!u.url.empty() && u.url.size() <= url_limits.max_url_bytes);
        }
        auto event = http::makeHttpRequestEvent(info, r, matches, urls, "fuzz", 0);
        std::string line = event.toJson().dump(); // strict: throws on invalid UTF-8
        FUZZ_CHECK(!line.empty());
        std::string response = fixture.persona.respond(r, false, 0);
        FUZZ_CHECK(response.size() < 2048);
    }
    return 0;
}
