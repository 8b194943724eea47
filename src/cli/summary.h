#pragma once

#include "darknet/darknet_analyzer.h"

namespace kansoku::cli {

/// Two lines on stderr: packets per class, events and drops.
void printDarknetSummary(const darknet::DarknetTotals& totals, double seconds);

} // namespace kansoku::cli
