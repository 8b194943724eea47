#pragma once

/// [intel]: what correlation and labelling read (MISP warning lists today).

#include <string>
#include <vector>

#include "common/config_visitor.h"

namespace kansoku::intel {

struct IntelConfig {
    /// A MISP warning lists checkout (the folder holding lists/); empty disables benign labels.
    std::string warning_lists;
    /// Which lists name benign scanners (globs over list folder names).
    std::vector<std::string> benign_lists = {"*-nt-scanning", "censys-scanning", "shodan-scanning"};
};

void visitConfig(ConfigVisitor& v, IntelConfig& c);

} // namespace kansoku::intel
