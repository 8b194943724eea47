#include "store/open_database.h"

#include <string>

#include "store/postgres_store.h"
#include "store/sqlite_store.h"

namespace kansoku::store {

bool isPostgresUrl(std::string_view location) {
    return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Result<std::unique_ptr<Database>> openDatabase(std::string_view location, OpenMode mode) {
    if (isPostgresUrl(location)) {
        auto store = PostgresStore::open(std::string(location), mode);
        KANSOKU_TRY(store);
        return std::unique_ptr<Database>(std::move(*store));
    }
    auto store = SqliteStore::open(std::string(location), mode);
    KANSOKU_TRY(store);
    return std::unique_ptr<Database>(std::move(*store));
}

} // namespace kansoku::store
