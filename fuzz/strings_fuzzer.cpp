// Fuzzes static triage's string extraction and IOC extraction (malware/triage/string_extractor.h,
// ioc_extractor.h): ASCII and UTF-16LE runs, URL / IPv4 / domain / e-mail / credential parsing on
// hostile text, and the XOR-0x22 table search over the raw bytes. Runs and XOR hits are checked
// against plain references written here.
//
// Input: a whole (hostile) file.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "malware/triage/ioc_extractor.h"
#include "malware/triage/string_extractor.h"

namespace {

using namespace kansoku::malware::triage;

bool printable(uint8_t c) {
    return (c >= 0x20 && c <= 0x7e) || c == '\t';
}

/// The plain byte-by-byte reference for extractStrings (which finds runs from bit masks instead):
/// ASCII runs, then UTF-16LE runs at either alignment, limits applied in that order.
std::vector<ExtractedString> referenceStrings(std::span<const uint8_t> bytes, const StringOptions& options,
                                              size_t& dropped) {
    std::vector<ExtractedString> out;
    size_t total = 0;
    dropped = 0;
    const auto emit = [&](uint64_t offset, StringEncoding encoding, std::string text, size_t chars) {
        if (chars < options.min_length) {
            return;
        }
        if (out.size() >= options.max_strings || total + text.size() > options.max_total_bytes) {
            ++dropped;
            return;
        }
        total += text.size();
        out.push_back(ExtractedString{offset, encoding, std::move(text)});
    };
    const size_t min_length = std::max<size_t>(1, options.min_length);
    for (size_t i = 0; i < bytes.size();) {
        size_t end = i;
        while (end < bytes.size() && printable(bytes[end])) {
            ++end;
        }
        if (end - i >= min_length) {
            emit(i, StringEncoding::Ascii,
                 std::string(reinterpret_cast<const char*>(bytes.data()) + i, std::min(end - i, options.max_length)),
                 end - i);
        }
        i = end > i ? end : i + 1;
    }
    for (size_t i = 0; i + 1 < bytes.size();) {
        size_t end = i;
        std::string text;
        while (end + 1 < bytes.size() && printable(bytes[end]) && bytes[end + 1] == 0) {
            if (text.size() < options.max_length) {
                text.push_back(static_cast<char>(bytes[end]));
            }
            end += 2;
        }
        const size_t chars = (end - i) / 2;
        if (chars >= min_length) {
            emit(i, StringEncoding::Utf16Le, std::move(text), chars);
            i = end;
        } else {
            ++i;
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 1024 * 1024) {
        return -1;
    }
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
    size_t reference_dropped = 0;
    const std::vector<ExtractedString> reference = referenceStrings(bytes, options, reference_dropped);
    FUZZ_CHECK(reference.size() == set.strings.size() && reference_dropped == set.dropped);
    for (size_t i = 0; i < reference.size(); ++i) {
        FUZZ_CHECK(reference[i].offset == set.strings[i].offset && reference[i].encoding == set.strings[i].encoding &&
                   reference[i].text == set.strings[i].text);
    }

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
    // The one-pass XOR-0x22 search finds what a search per word finds (two or more words, or none).
    std::vector<std::string> xor_words;
    for (const std::string_view word : xorCredentialWords()) {
        std::string encoded(word);
        for (char& c : encoded) {
            c = static_cast<char>(c ^ 0x22);
        }
        if (std::search(bytes.begin(), bytes.end(), encoded.begin(), encoded.end()) != bytes.end()) {
            xor_words.emplace_back(word);
        }
    }
    if (xor_words.size() < 2) {
        xor_words.clear();
    }
    FUZZ_CHECK(xor_words == iocs.xor22_credentials);
    for (const std::string& email : iocs.emails) {
        FUZZ_CHECK(email.find('@') != std::string::npos && isLikelyDomain(email.substr(email.find('@') + 1)));
    }
    return 0;
}
