#include "sandbox/jail/emulator.h"

namespace kansoku::sandbox {

std::string_view hostArchName() {
#if defined(__x86_64__)
    return "x86-64";
#elif defined(__aarch64__)
    return "AArch64";
#elif defined(__i386__)
    return "x86";
#else
    return "unknown";
#endif
}

std::string runArch(const malware::FileType& type) {
    return std::string(type.kind == malware::FileKind::ShellScript ? hostArchName() : type.arch);
}

std::optional<Emulation> emulationFor(std::string_view arch) {
    if (arch == hostArchName()) {
        return Emulation{true, {}, true};
    }
    struct Row {
        std::string_view arch;
        std::string_view qemu;
    };
    // Debian qemu-user-static names; 32-bit ARM/MIPS/PowerPC/SuperH/SPARC are what IoT malware ships.
    static constexpr Row kRows[] = {
        {"ARM", "qemu-arm-static"},       {"ARMEB", "qemu-armeb-static"},   {"AArch64", "qemu-aarch64-static"},
        {"MIPS", "qemu-mips-static"},     {"MIPSEL", "qemu-mipsel-static"}, {"PowerPC", "qemu-ppc-static"},
        {"SuperH", "qemu-sh4-static"},    {"SPARC", "qemu-sparc-static"},   {"x86", "qemu-i386-static"},
        {"x86-64", "qemu-x86_64-static"},
    };
    for (const Row& row : kRows) {
        if (row.arch == arch) {
            return Emulation{false, row.qemu, row.arch != "ARM" && row.arch != "ARMEB" && row.arch != "PowerPC"};
        }
    }
    return std::nullopt;
}

} // namespace kansoku::sandbox
