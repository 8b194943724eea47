// Fuzzes the safe downloader's URL parser (malware/download/url.h): attacker-chosen wget/curl/tftp/
// ftpget arguments and HTTP Location headers. Checks the invariants the downloader relies on: a parsed
// URL has a host, a port, an HTTP request target without bytes <= 0x20 or >= 0x7f (no CR/LF
// injection), an FTP/TFTP file name without control bytes, and its canonical text parses back to the
// same scheme, host, port and path. A Location resolved against it must keep those invariants too.
//
// Input: byte 0 picks the default scheme, the rest up to the first NUL is the URL, anything after
// it is a Location value.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "malware/download/url.h"

namespace {

using kansoku::malware::download::ParsedUrl;
using kansoku::malware::download::UrlScheme;

void checkParsed(const ParsedUrl& url) {
    FUZZ_CHECK(!url.host.empty());
    FUZZ_CHECK(url.port != 0);
    FUZZ_CHECK(!url.path.empty() && url.path.front() == '/');
    for (char c : url.httpTarget()) {
        auto u = static_cast<unsigned char>(c);
        FUZZ_CHECK(u > 0x20 && u < 0x7f);
    }
    if (auto name = url.fileName()) {
        for (char c : *name) {
            auto u = static_cast<unsigned char>(c);
            FUZZ_CHECK(u >= 0x20 && u != 0x7f);
        }
    }
    auto again = kansoku::malware::download::parseUrl(url.toString(), url.scheme, 1 << 20);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(again->scheme == url.scheme);
    FUZZ_CHECK(again->host == url.host);
    FUZZ_CHECK(again->port == url.port);
    FUZZ_CHECK(again->path == url.path);
    FUZZ_CHECK(!again->has_userinfo);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const auto scheme = static_cast<UrlScheme>(data[0] % 4);
    std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
    size_t nul = rest.find('\0');
    std::string_view text = rest.substr(0, nul);
    std::string_view location = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
    auto url = kansoku::malware::download::parseUrl(text, scheme);
    if (!url) {
        return 0;
    }
    FUZZ_CHECK(text.size() <= 2048);
    checkParsed(*url);
    if (auto next = kansoku::malware::download::resolveLocation(*url, location)) {
        checkParsed(*next);
    }
    return 0;
}
