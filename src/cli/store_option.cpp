#include "cli/store_option.h"

#include <filesystem>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "cli/command.h"
#include "cli/config_option.h"
#include "store/open_database.h"

namespace kansoku::cli {

std::unique_ptr<store::Database> openStore(const ConfigOption& config, const std::string& db, store::OpenMode mode) {
    const std::string path = db.empty() ? config.load().storage.location() : db;
    if (mode == store::OpenMode::ReadWriteCreate && !store::isPostgresUrl(path)) {
        const auto parent = std::filesystem::path(path).parent_path();
        std::error_code ec;
        if (!parent.empty() && !std::filesystem::create_directories(parent, ec) && ec) {
            throw CommandError(fmt::format("cannot create directory {}: {}", parent.string(), ec.message()));
        }
    }
    return orThrow(store::openDatabase(path, mode));
}

void addDbOption(CLI::App& command, std::string& db) {
    command
        .add_option("--db", db,
                    "SQLite file or postgresql:// URL (default: storage.url, else storage.database of the config)")
        ->type_name("PATH");
}

} // namespace kansoku::cli
