#pragma once

/// The `--config FILE` option every command shares: the file's configuration, or the embedded
/// default (config/local.toml) when none is given.

#include <string>

#include "app/config.h"

namespace CLI {
class App;
}

namespace kansoku::cli {

class ConfigOption {
public:
    void add(CLI::App& command);
    /// Loads the configuration; a bad file is a CommandError.
    app::Config load() const;
    const std::string& path() const { return path_; }
    bool given() const { return !path_.empty(); }

private:
    std::string path_;
};

} // namespace kansoku::cli
