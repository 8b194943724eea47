#pragma once

/// The jail's seccomp-bpf policy, compiled with libseccomp in the parent (so the child only has to load a
/// ready BPF program, which is async-signal-safe after clone). Default allow; a deny list returns EPERM.
/// README.md "Seccomp policy" lists the rules and why.

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace kansoku::sandbox {

/// A compiled classic-BPF filter: `instructions` holds struct sock_filter records (8 bytes each).
struct SeccompProgram {
    std::vector<uint64_t> instructions;
};

/// Syscalls the policy answers with EPERM (by name, for documentation and tests).
const std::vector<std::string_view>& seccompDeniedSyscalls();

/// Compiles the policy for the native architecture (other architectures' syscall ABIs are killed).
Result<SeccompProgram> compileSeccompPolicy();

/// Loads `program` into the calling thread (needs no_new_privs or CAP_SYS_ADMIN). Async-signal-safe:
/// returns 0 or -errno.
int loadSeccompProgram(const SeccompProgram& program);

} // namespace kansoku::sandbox
