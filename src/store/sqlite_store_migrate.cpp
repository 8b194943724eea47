// SqliteStore: bringing a database's schema up to this binary's version.

#include <sqlite3.h>

#include "common/time.h"
#include "store/migration.h"
#include "store/sqlite_store.h"

namespace kansoku::store {

Result<void> SqliteStore::migrate() {
    KANSOKU_TRY(exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                     "applied_at BIGINT NOT NULL)",
                     "creating schema_migrations"));
    for (const Migration& migration : compiledMigrations()) {
        KANSOKU_TRY(applyMigration(migration));
    }
    return {};
}

Result<void> SqliteStore::applyMigration(const Migration& migration) {
    // IMMEDIATE takes the write lock before the version is read, so two processes opening a new
    // database at once apply each migration exactly once.
    KANSOKU_TRY(exec("BEGIN IMMEDIATE", fmt::format("migration {}", migration.name)));
    auto applied = applyMigrationInTransaction(migration);
    if (!applied) {
        rollback();
        return applied;
    }
    return exec("COMMIT", fmt::format("migration {}", migration.name));
}

Result<void> SqliteStore::applyMigrationInTransaction(const Migration& migration) {
    const auto version = schemaVersion();
    if (!version) {
        return fail(version.error());
    }
    if (*version >= migration.version) {
        return {};
    }
    const std::string context = fmt::format("migration {}", migration.name);
    const std::string sql(migration.sql);
    KANSOKU_TRY(exec(sql.c_str(), context));
    auto record = prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)");
    if (!record) {
        return fail(record.error());
    }
    sqlite3_bind_int(record->get(), 1, migration.version);
    sqlite3_bind_int64(record->get(), 2, nowMicros());
    return stepDone(record->get(), context);
}

} // namespace kansoku::store
