#pragma once

/// cgroup v2 limits for one jail (README.md "Limits"): memory, pids and CPU where the host delegates those
/// controllers, and why not where it does not (the jail then relies on its rlimits alone).

#include <string>

#include "common/result.h"
#include "sandbox/jail/jail_options.h"

namespace kansoku::sandbox {

/// Where the cgroup2 hierarchy is mounted (read from /proc/self/mountinfo), or "" when it is not.
std::string cgroup2Mount();

/// The cgroup v1 hierarchy id that `controller` is bound to, from the text of /proc/cgroups ("#subsys_name
/// hierarchy num_cgroups enabled" rows); 0 when it is free for cgroup v2 or not listed. A controller lives in one
/// hierarchy at a time, so one bound to v1 cannot be delegated on v2 in any mount namespace.
int cgroupV1Hierarchy(const std::string& proc_cgroups, const std::string& controller);

/// A jail's cgroup: created by create(), removed by the Jail after the run.
struct JailCgroup {
    std::string path;
    bool cpu = false; ///< the cpu controller was delegated too and cpu.max is set
};

/// Creates `<parent>/kansoku-jail-<name>` (parent empty: the cgroup2 mount) with memory.max =
/// limits.address_space_bytes, memory.swap.max = 0, pids.max = limits.processes and, when the cpu controller is
/// there, cpu.max = limits.cpu_percent of one CPU. Enables memory, pids and cpu in the parent's subtree_control
/// when its cgroup.controllers offers them (the kernel refuses that in a non-root cgroup that holds processes: no
/// delegation). Fails with the reason: no cgroup2 mount, a controller missing, not writable, ...
Result<JailCgroup> createJailCgroup(const std::string& parent, const std::string& name, const JailLimits& limits);

namespace detail {
/// Writes `text` to an existing file (a /proc or cgroup control file) in one write.
Result<void> writeControlFile(const std::string& path, const std::string& text);
} // namespace detail

} // namespace kansoku::sandbox
