#include "intel/intel_config.h"

namespace kansoku::intel {

void visitConfig(ConfigVisitor& v, IntelConfig& c) {
    v.text("warning_lists", c.warning_lists,
           "MISP warning lists checkout (the folder holding lists/); sources on the benign lists are labelled; empty: "
           "no labels");
    v.texts("benign_lists", c.benign_lists, "which lists name benign scanners (globs over list folder names)");
}

} // namespace kansoku::intel
