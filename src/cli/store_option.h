#pragma once

/// The database a management command works on: `--db PATH`, else storage.url, else storage.database, of `--config`.

#include <memory>
#include <string>

#include "store/database.h"

namespace CLI {
class App;
}

namespace kansoku::cli {

class ConfigOption;

/// Opens the database; with ReadWriteCreate also makes its directory (registering ISPs and
/// partners is often the first thing done on a new center, before `kansoku run` made it). A
/// failure is a CommandError.
std::unique_ptr<store::Database> openStore(const ConfigOption& config, const std::string& db, store::OpenMode mode);

/// Adds `--db PATH` writing to `db`.
void addDbOption(CLI::App& command, std::string& db);

} // namespace kansoku::cli
