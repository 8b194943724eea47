#include "cli/benign_scanners.h"

#include <cstdio>

#include "cli/command.h"

namespace kansoku::cli {

std::unique_ptr<intel::WarningLists> loadBenignScanners(const Config& config, const std::string& directory_override) {
    const std::string& directory = directory_override.empty() ? config.intel.warning_lists : directory_override;
    if (directory.empty()) {
        return nullptr;
    }
    auto lists = intel::WarningLists::loadDirectory(directory, config.intel.benign_lists);
    if (!lists) {
        throw CommandError(lists.error().message);
    }
    std::fprintf(stderr, "benign scanners: %s\n", lists->summary().c_str());
    return std::make_unique<intel::WarningLists>(std::move(*lists));
}

} // namespace kansoku::cli
