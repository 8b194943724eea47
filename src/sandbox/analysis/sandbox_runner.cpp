#include "sandbox/analysis/sandbox_runner.h"

namespace kansoku::sandbox {

SandboxReport sandboxReportOf(const BehaviourReport& report) {
    SandboxReport out;
    out.sha256 = report.sha256;
    out.document = report.toJson();
    out.event = makeSandboxReportEvent(report, std::string(), 0);
    for (const DroppedFile& file : report.dropped) {
        if (!file.kept_path.empty()) {
            out.dropped.push_back({file.path, file.sha256, file.kept_path});
        }
    }
    return out;
}

} // namespace kansoku::sandbox
