#pragma once

/// `kansoku intel correlate`: correlation over the stored events (docs/correlation.md).

namespace CLI {
class App;
}

namespace kansoku::cli {

/// Adds `correlate` under the `intel` command.
void addIntelCorrelateCommand(CLI::App& intel);

} // namespace kansoku::cli
