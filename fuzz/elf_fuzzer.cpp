// Fuzzes static triage's ELF parser and packer detector (malware/triage/elf_parser.h,
// packer_detector.h): identification, 32/64-bit headers in both byte orders, program and section
// header tables with lying offsets and counts, .shstrtab names, PT_INTERP, and the UPX l_info /
// p_info / b_info structure check.
//
// Input: a whole (hostile) file.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "fuzz_check.h"
#include "malware/triage/elf_parser.h"
#include "malware/triage/packer_detector.h"

namespace {

bool printable(const std::string& text) {
    for (const char c : text) {
        if (c < 0x20 || c > 0x7e) {
            return false;
        }
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 4 * 1024 * 1024) {
        return -1;
    }
    using namespace kansoku::malware::triage;
    const std::span<const uint8_t> bytes(data, size);
    const auto info = parseElf(bytes);
    const bool magic = size >= 4 && data[0] == 0x7f && data[1] == 'E' && data[2] == 'L' && data[3] == 'F';
    FUZZ_CHECK(info.has_value() == magic);
    if (!info) {
        return 0;
    }
    FUZZ_CHECK(info->bits == 0 || info->bits == 32 || info->bits == 64);
    FUZZ_CHECK(info->sections.size() <= kMaxElfSections);
    FUZZ_CHECK(info->segments.size() <= kMaxElfSegments);
    FUZZ_CHECK(info->anomalies.size() <= 64);
    FUZZ_CHECK(info->interpreter.size() <= 256 && printable(info->interpreter));
    for (const ElfSection& section : info->sections) {
        FUZZ_CHECK(section.name.size() <= 64 && printable(section.name));
    }
    if (!info->header_complete) {
        FUZZ_CHECK(!info->anomalies.empty());
        FUZZ_CHECK(info->segments.empty() && info->sections.empty());
    }
    // A pure function of the bytes.
    const auto again = parseElf(bytes);
    FUZZ_CHECK(again->anomalies == info->anomalies && again->sections.size() == info->sections.size());

    const PackerHints hints = detectPackers(bytes, *info);
    FUZZ_CHECK(hints.hints.size() <= 1);
    for (const std::string& hint : hints.hints) {
        FUZZ_CHECK(hint.rfind("upx", 0) == 0 && printable(hint));
    }
    const int64_t linfo = findUpxLinfo(bytes, *info);
    FUZZ_CHECK(linfo < 0 || static_cast<uint64_t>(linfo) + 36 <= size);
    return 0;
}
