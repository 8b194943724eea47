#pragma once

/// The syscalls the jail's seccomp policy refuses with EPERM (src/sandbox/jail/seccomp_policy.cpp), by x86-64
/// number, and how the tracer shows their arguments in Observation::denied. Under qemu-user the guest's
/// syscalls reach the host as x86-64 ones, so one table serves every architecture.

#include <cstdint>
#include <string_view>

namespace kansoku::sandbox {

/// One refused syscall. `args` has one letter per argument the report shows: 's' a string in the tracee's
/// memory (path, fs type, module name), 'f' a file descriptor (shown as the file it names), 'x' flags or an
/// address in hex, 'd' a number in decimal.
struct DeniedSyscallSpec {
    std::string_view name;
    std::string_view args;
};

/// The spec for x86-64 syscall `nr`, or nullptr when the policy lets it through. clone is listed (its
/// namespace flags are refused); ptrace too (everything but PTRACE_TRACEME is refused).
const DeniedSyscallSpec* deniedSyscallSpec(std::uint64_t nr);

} // namespace kansoku::sandbox
