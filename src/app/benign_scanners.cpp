#include "app/benign_scanners.h"

namespace kansoku::app {

Result<std::unique_ptr<intel::WarningLists>> loadBenignScanners(const intel::IntelConfig& config,
                                                                const std::string& directory_override) {
    const std::string& directory = directory_override.empty() ? config.warning_lists : directory_override;
    if (directory.empty()) {
        return nullptr;
    }
    auto lists = intel::WarningLists::loadDirectory(directory, config.benign_lists);
    KANSOKU_TRY(lists);
    return std::make_unique<intel::WarningLists>(std::move(*lists));
}

} // namespace kansoku::app
