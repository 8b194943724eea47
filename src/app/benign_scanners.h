#pragma once

/// Loads the MISP warning lists that name benign scanners, from `--warning-lists DIR` or the
/// [intel] config section, for the darknet scan tracker's `benign` labels.

#include <memory>
#include <string>

#include "common/result.h"
#include "intel/intel_config.h"
#include "intel/warning_lists.h"

namespace kansoku::app {

/// nullptr when no lists are configured.
Result<std::unique_ptr<intel::WarningLists>> loadBenignScanners(const intel::IntelConfig& config,
                                                                const std::string& directory_override);

} // namespace kansoku::app
