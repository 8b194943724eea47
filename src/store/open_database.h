#pragma once

/// The one place that turns a database location into a Database: a "postgresql://" (or
/// "postgres://") URL opens a PostgresStore, anything else is an SQLite file path.

#include <memory>
#include <string_view>

#include "store/database.h"

namespace kansoku::store {

/// True for a PostgreSQL connection URL.
bool isPostgresUrl(std::string_view location);

/// Opens (and for ReadWriteCreate migrates) the database at `location`. Failures are one line that
/// names the location (without a password).
Result<std::unique_ptr<Database>> openDatabase(std::string_view location, OpenMode mode);

} // namespace kansoku::store
