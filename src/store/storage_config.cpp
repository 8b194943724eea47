#include "store/storage_config.h"

namespace kansoku::store {

void visitConfig(ConfigVisitor& v, StorageConfig& c) {
    v.text("data_dir", c.data_dir, "data directory; relative paths are resolved against the working directory");
    v.text("database", c.database, "SQLite database (WAL mode), created with its schema on first start");
    v.text("url", c.url,
           "PostgreSQL instead of the SQLite database: a libpq URL postgresql://user[:password]@host[:port]/dbname "
           "(the schema is created on first start); empty: SQLite");
    v.text("events_jsonl", c.events_jsonl, "every event also appended here as one JSON line; empty: off");
    v.integer("batch_size", c.batch_size, 1, 1'000'000, "rows written per transaction when running live");
}

} // namespace kansoku::store
