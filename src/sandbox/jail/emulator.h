#pragma once

/// Which qemu-user-static binary runs a foreign-architecture sample (no binfmt_misc: the jail copies the
/// emulator into its root and execs it with the sample as argument).

#include <optional>
#include <string>
#include <string_view>

#include "malware/file_type.h"

namespace kansoku::sandbox {

/// How the jail runs a sample of CPU `arch` (malware::FileType::arch names).
struct Emulation {
    bool native = false;          ///< runs directly (arch matches the host)
    std::string_view qemu_binary; ///< e.g. "qemu-arm-static" when !native
    /// qemu's -R (reserve less guest address space) works for this guest. Debian's qemu 7.2 ARM aborts with
    /// -R (its commpage at 0xffff0000 must lie inside the reservation), and PowerPC programs are linked at
    /// 0x10000000, above a 256 MiB reservation ("requires more than reserved virtual address space"), so ARM
    /// and PowerPC reserve the full 4 GiB.
    bool supports_reserve = true;
};

/// The host's arch name ("x86-64" on amd64, "AArch64" on arm64, ...).
std::string_view hostArchName();

/// The CPU a file runs on in the jail: its ELF arch, or the host's for a `#!` script (the kernel
/// hands it to the jail's BusyBox sh, a native program).
std::string runArch(const malware::FileType& type);

/// nullopt when the arch is unknown or has no emulator (e.g. "unknown", "SPARC" 32-bit is handled, "x86" too).
std::optional<Emulation> emulationFor(std::string_view arch);

} // namespace kansoku::sandbox
