#include "cli/store_option.h"

#include <filesystem>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_option.h"

namespace kansoku::cli {

std::unique_ptr<store::SqliteStore> openStore(const ConfigOption& config, const std::string& db, store::OpenMode mode) {
    const std::string path = db.empty() ? config.load().storage.database : db;
    if (mode == store::OpenMode::ReadWriteCreate) {
        const auto parent = std::filesystem::path(path).parent_path();
        std::error_code ec;
        if (!parent.empty() && !std::filesystem::create_directories(parent, ec) && ec) {
            throw CommandError(fmt::format("cannot create directory {}: {}", parent.string(), ec.message()));
        }
    }
    return orThrow(store::SqliteStore::open(path, mode));
}

void addDbOption(CLI::App& command, std::string& db) {
    command.add_option("--db", db, "SQLite database (default: storage.database of the config)")->type_name("PATH");
}

} // namespace kansoku::cli
