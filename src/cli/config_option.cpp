#include "cli/config_option.h"

#include <CLI/CLI.hpp>

#include "cli/command.h"

namespace kansoku::cli {

void ConfigOption::add(CLI::App& command) {
    command.add_option("-c,--config", path_, "Configuration file (TOML); default: the embedded config/local.toml");
}

app::Config ConfigOption::load() const {
    if (path_.empty()) {
        return app::Config::embeddedDefault();
    }
    auto config = app::Config::load(path_);
    if (!config) {
        throw CommandError(config.error().message);
    }
    return std::move(*config);
}

} // namespace kansoku::cli
