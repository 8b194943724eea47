#pragma once

/// The guest program behind a qemu-user command line. The jail runs a foreign-architecture sample as
/// `qemu-<arch>-static [options] GUEST [ARGS...]`; the tracer sees that host exec and reports the guest's
/// path and argv instead, so an ARM sample's process tree reads as the x86-64 build's does.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kansoku::sandbox {

/// The program a qemu-user process emulates.
struct EmulatedProgram {
    std::string path;              ///< the guest executable as qemu was given it
    std::vector<std::string> argv; ///< what the guest sees: argv[0] from `-0`, else the path; then its arguments
};

/// Parses qemu-user's argv (qemu 7.2 `linux-user/main.c` rules: options until the first word without a
/// leading '-', "--" ends them, "--opt" equals "-opt"; the options listed in the .cpp take a value).
/// nullopt when no guest program is named (e.g. `-version`) or an option lacks its value.
std::optional<EmulatedProgram> parseQemuCommandLine(const std::vector<std::string>& argv);

/// The name the kernel gives a process that execs `path` (its last component, cut to 15 bytes: TASK_COMM_LEN).
std::string commName(std::string_view path);

} // namespace kansoku::sandbox
