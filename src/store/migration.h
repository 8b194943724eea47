#pragma once

/// Schema migrations: src/store/migrations/NNNN_name.sql, compiled into the binary at configure
/// time (see CMakeLists.txt); migrations/postgres/ holds the PostgreSQL dialect of each. A database records the ones
/// applied in `schema_migrations`; opening it for writing applies the missing ones in order, each in its own
/// transaction.

#include <span>
#include <string_view>

namespace kansoku::store {

struct Migration {
    int version;           ///< NNNN of the file name; versions run 1, 2, 3, ... without gaps
    std::string_view name; ///< the file name without ".sql" ("0001_events")
    std::string_view sql;  ///< the file's statements
};

/// Every migration compiled into this binary, ordered by version.
std::span<const Migration> compiledMigrations();

/// The same migrations in PostgreSQL's dialect (migrations/postgres/): same versions and names.
std::span<const Migration> compiledPostgresMigrations();

/// The schema version this binary brings a database to (the last migration's version).
int latestSchemaVersion();

} // namespace kansoku::store
