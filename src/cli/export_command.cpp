// `kansoku export ...`: kansoku's knowledge in formats other tools read (blocklists; STIX bundles; MISP feeds).
// Each format is a subcommand in its own file, registered below.

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace kansoku::cli {

/// export_misp_command.cpp (declared here: command.h is included by every command).
void addExportMispCommand(CLI::App& exporter);

void addExportCommand(CLI::App& app) {
    auto* exporter =
        app.add_subcommand("export", "Write kansoku's indicators for other tools (blocklists, STIX 2.1, MISP feeds)");
    exporter->require_subcommand(1);
    addExportBlocklistCommand(*exporter);
    addExportStixCommand(*exporter);
    addExportMispCommand(*exporter);
}

} // namespace kansoku::cli
