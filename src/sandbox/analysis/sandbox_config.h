#pragma once

/// [sandbox]: what happens to the samples the honeypots collect (static triage always; the
/// contained run when enabled and root).

#include <cstdint>

#include "common/config_visitor.h"

namespace kansoku::sandbox {

struct SandboxConfig {
    /// Run every new sample in the sandbox (needs root; skipped with a warning otherwise). Static
    /// triage runs whatever this says.
    bool enabled = true;
    int64_t workers = 2;
    Duration timeout = Duration::fromSeconds(30);
    int64_t queue_size = 256;
    int64_t triage_workers = 1; ///< static triage threads (0 = one per CPU)
    int64_t max_drop_depth = 2; ///< files dropped by dropped files ... are stored and triaged; run up to this depth
    bool resume = true;         ///< at start, process stored samples that lack their triage or sandbox document
};

void visitConfig(ConfigVisitor& v, SandboxConfig& c);

} // namespace kansoku::sandbox
