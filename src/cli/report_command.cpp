// `kansoku report ...`: what goes to the ISPs (issue 11): their infected-host reports and how fast
// notified hosts got cleaned. Each report kind is a subcommand in its own file, registered below.

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace kansoku::cli {

void addReportCommand(CLI::App& app) {
    auto* report = app.add_subcommand("report", "Reports for ISPs: infected hosts in their space, remediation");
    report->require_subcommand(1);
    addRemediationReport(*report);
    addReportIspCommand(*report);
}

} // namespace kansoku::cli
