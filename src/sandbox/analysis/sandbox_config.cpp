#include "sandbox/analysis/sandbox_config.h"

namespace kansoku::sandbox {

void visitConfig(ConfigVisitor& v, SandboxConfig& c) {
    v.boolean("enabled", c.enabled, "run every new sample in the contained sandbox (needs root; triage always runs)");
    v.integer("workers", c.workers, 1, 256, "parallel analyses");
    v.duration("timeout", c.timeout, Duration::fromSeconds(1), Duration::fromHours(1),
               "how long each sample runs before its process tree is killed");
    v.renamed("timeout_s", "write timeout = \"30s\"");
    v.integer("queue_size", c.queue_size, 1, 1'000'000,
              "new samples waiting; beyond this they are counted and skipped");
    v.integer("triage_workers", c.triage_workers, 0, 256, "static triage threads (0 = one per CPU)");
    v.integer("max_drop_depth", c.max_drop_depth, 0, 16, "dropped files are run up to this depth");
    v.boolean("resume", c.resume, "at start, process stored samples that lack their documents");
}

} // namespace kansoku::sandbox
