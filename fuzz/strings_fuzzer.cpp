// Fuzzes static triage's string extraction and IOC extraction (malware/triage/string_extractor.h,
// ioc_extractor.h): ASCII and UTF-16LE runs, URL / IPv4 / domain / e-mail / credential parsing on
// hostile text, and the XOR-0x22 table search over the raw bytes.
//
// Input: a whole (hostile) file.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "fuzz_check.h"
#include "malware/triage/ioc_extractor.h"
#include "malware/triage/string_extractor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 1024 * 1024) {
        return -1;
    }
    using namespace kansoku::malware::triage;
    const std::span<const uint8_t> bytes(data, size);
    StringOptions options;
    options.min_length = size > 0 ? 2 + data[0] % 6 : 4; // vary the minimum length with the input
    options.max_length = 200;
    options.max_strings = 500;
    const StringSet set = extractStrings(bytes, options);
    FUZZ_CHECK(set.strings.size() <= options.max_strings);
    size_t total = 0;
    for (const ExtractedString& s : set.strings) {
        FUZZ_CHECK(s.text.size() >= options.min_length && s.text.size() <= options.max_length);
        FUZZ_CHECK(s.offset < size);
        for (const char c : s.text) {
            FUZZ_CHECK((c >= 0x20 && c <= 0x7e) || c == '\t');
        }
        // An ASCII run is the bytes at its offset.
        if (s.encoding == StringEncoding::Ascii) {
            FUZZ_CHECK(s.offset + s.text.size() <= size);
            FUZZ_CHECK(std::string(reinterpret_cast<const char*>(data) + s.offset, s.text.size()) == s.text);
        }
        total += s.text.size();
    }
    FUZZ_CHECK(total <= options.max_total_bytes);

    const Iocs iocs = extractIocs(set, bytes);
    for (const auto* list : {&iocs.urls, &iocs.ipv4, &iocs.domains, &iocs.emails, &iocs.credentials}) {
        FUZZ_CHECK(list->size() <= kMaxIocsPerKind);
    }
    for (const std::string& ip : iocs.ipv4) {
        FUZZ_CHECK(isIpv4(ip));
    }
    for (const std::string& domain : iocs.domains) {
        FUZZ_CHECK(isLikelyDomain(domain));
    }
    for (const std::string& email : iocs.emails) {
        FUZZ_CHECK(email.find('@') != std::string::npos && isLikelyDomain(email.substr(email.find('@') + 1)));
    }
    return 0;
}
