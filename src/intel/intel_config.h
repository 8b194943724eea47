#pragma once

/// [intel]: what correlation, labelling and enrichment read (MISP warning lists, the
/// ip-location-db files).

#include <string>
#include <vector>

#include "common/config_visitor.h"
#include "intel/correlation_config.h"
#include "intel/enrichment_options.h"

namespace kansoku::intel {

struct IntelConfig {
    /// A MISP warning lists checkout (the folder holding lists/); empty disables benign labels.
    std::string warning_lists;
    /// Which lists name benign scanners (globs over list folder names).
    std::vector<std::string> benign_lists = {"*-nt-scanning", "censys-scanning", "shodan-scanning"};
    /// IP -> AS and country data (docs/enrichment.md); defaults: where scripts/setup installs it.
    EnrichmentOptions enrichment;
    /// [intel.correlation]: infected hosts and C2 from events (docs/correlation.md).
    CorrelationConfig correlation;
};

void visitConfig(ConfigVisitor& v, IntelConfig& c);

} // namespace kansoku::intel
