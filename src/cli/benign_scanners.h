#pragma once

/// Loads the MISP warning lists that name benign scanners, from `--warning-lists DIR` or the
/// [intel] config section, for the darknet scan tracker's `benign` labels.

#include <memory>
#include <string>

#include "common/config.h"
#include "intel/warning_lists.h"

namespace kansoku::cli {

/// nullptr when no lists are configured; a load error is a CommandError.
std::unique_ptr<intel::WarningLists> loadBenignScanners(const Config& config, const std::string& directory_override);

} // namespace kansoku::cli
