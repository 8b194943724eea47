// Fuzzes the malware component's magic-byte sniff (malware/file_type.h): ELF identification and
// header fields (class, byte order, e_type, e_machine) at every length, "#!" interpreter lines, the
// DOS header's e_lfanew lookup of a PE signature, gzip and zip magic. Then the result goes into a
// `sample` event and through its JSON serialisation, as a stored sample's would.
//
// Input: the first bytes of a sample (any length; only the first 64 matter, except for a PE's
// e_lfanew, which may point anywhere in the input).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "malware/elf_machine.h"
#include "malware/file_type.h"
#include "malware/sample_event.h"

namespace {

using kansoku::malware::FileKind;
using kansoku::malware::FileType;

bool knownArch(std::string_view arch) {
    for (const std::string_view name : {"x86", "x86-64", "ARM", "AArch64", "MIPS", "MIPSEL", "PowerPC", "PowerPC64",
                                        "SuperH", "SPARC", "SPARC64", "m68k", "S390", "RISC-V", "ARC", "unknown"}) {
        if (arch == name) {
            return true;
        }
    }
    return false;
}

bool sameType(const FileType& a, const FileType& b) {
    if (a.kind != b.kind || a.description != b.description || a.arch != b.arch ||
        a.elf.has_value() != b.elf.has_value()) {
        return false;
    }
    if (!a.elf) {
        return true;
    }
    return a.elf->elf_class == b.elf->elf_class && a.elf->data == b.elf->data && a.elf->type == b.elf->type &&
           a.elf->machine == b.elf->machine && a.elf->has_machine == b.elf->has_machine &&
           a.elf->truncated == b.elf->truncated;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size > 1024 * 1024) {
        return -1;
    }
    const std::span<const uint8_t> bytes(data, size);
    const FileType type = kansoku::malware::sniffFileType(bytes);

    FUZZ_CHECK(!type.description.empty() && type.description.size() <= 128);
    for (const char c : type.description) {
        FUZZ_CHECK(c >= 0x20 && c <= 0x7e); // printable ASCII: safe in any event or log line
    }
    FUZZ_CHECK(knownArch(type.arch));
    FUZZ_CHECK(type.elf.has_value() == (type.kind == FileKind::Elf));
    if (type.kind != FileKind::Elf) {
        FUZZ_CHECK(type.arch == "unknown");
    } else {
        FUZZ_CHECK(size >= 4);
        if (type.elf->has_machine) {
            FUZZ_CHECK(size >= 20);
            FUZZ_CHECK(type.arch == kansoku::malware::elfArchName(type.elf->machine, type.elf->data == 2));
        } else {
            FUZZ_CHECK(type.arch == "unknown" && type.elf->machine == 0 && type.elf->type == 0);
        }
        FUZZ_CHECK(type.elf->truncated == (size < (type.elf->elf_class == 2 ? 64U : 52U)));
        // Only the header matters: the first 64 bytes say the same as the whole input.
        FUZZ_CHECK(sameType(type, kansoku::malware::sniffFileType(bytes.first(size < 64 ? size : 64))));
    }
    // A pure function of the bytes.
    FUZZ_CHECK(sameType(type, kansoku::malware::sniffFileType(bytes)));

    kansoku::malware::SampleRecord record;
    record.sha256 = std::string(64, '0');
    record.size = size;
    record.file_type = type.description;
    record.arch = std::string(type.arch);
    kansoku::malware::SampleSource source;
    source.kind = kansoku::malware::SourceKind::ShellWrite;
    source.url = std::string(reinterpret_cast<const char*>(data), size < 256 ? size : 256); // hostile text
    record.sources.push_back(source);
    const kansoku::Event event = kansoku::malware::makeSampleEvent(record, 0, "fuzz");
    FUZZ_CHECK(!event.toJsonLine().empty());
    return 0;
}
