#include "store/sqlite_store.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

#include <sqlite3.h>

#include "store/address_function.h"
#include "store/event_columns.h"
#include "store/event_row.h"
#include "store/event_select.h"
#include "store/migration.h"
#include "store/sketch_function.h"
#include "store/sqlite_statement.h"

namespace kansoku::store {
namespace {

/// How long a statement waits for another connection's lock before failing with "database is locked".
constexpr int kBusyTimeoutMs = 5000;

int bindOptionalText(sqlite3_stmt* statement, int index, const std::optional<std::string>& text) {
    return text ? bindText(statement, index, *text) : sqlite3_bind_null(statement, index);
}

/// Binds ?1..?10 of the insert: the row, then the typed columns the store computes (migration 0008).
bool bindRow(sqlite3_stmt* statement, const EventRow& row, const EventColumns& columns) {
    const int addr = columns.addr ? bindBlob(statement, 6, *columns.addr) : sqlite3_bind_null(statement, 6);
    const int port = columns.port ? sqlite3_bind_int64(statement, 7, *columns.port) : sqlite3_bind_null(statement, 7);
    return bindText(statement, 1, row.type) == SQLITE_OK && sqlite3_bind_int64(statement, 2, row.ts) == SQLITE_OK &&
           bindText(statement, 3, row.sensor) == SQLITE_OK &&
           bindOptionalText(statement, 4, row.subject) == SQLITE_OK && bindText(statement, 5, row.body) == SQLITE_OK &&
           addr == SQLITE_OK && port == SQLITE_OK && bindOptionalText(statement, 8, columns.session) == SQLITE_OK &&
           bindOptionalText(statement, 9, columns.sha256) == SQLITE_OK &&
           bindOptionalText(statement, 10, columns.family) == SQLITE_OK;
}

} // namespace

void SqliteStore::DatabaseCloser::operator()(sqlite3* db) const {
    sqlite3_close_v2(db);
}

void SqliteStore::StatementFinalizer::operator()(sqlite3_stmt* statement) const {
    sqlite3_finalize(statement);
}

SqliteStore::SqliteStore(std::string path, Connection db) : path_(std::move(path)), db_(std::move(db)) {}

SqliteStore::~SqliteStore() = default;

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path, OpenMode mode) {
    std::error_code ec;
    if (mode == OpenMode::ReadOnly && !std::filesystem::exists(path, ec)) {
        return fail("database {}: does not exist", path);
    }
    if (std::filesystem::is_directory(path, ec)) {
        return fail("database {}: is a directory", path);
    }
    const int flags = mode == OpenMode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    Connection db(raw);
    if (rc != SQLITE_OK) {
        return fail("database {}: {}", path, db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc));
    }
    std::unique_ptr<SqliteStore> store(new SqliteStore(path, std::move(db)));
    KANSOKU_TRY(store->configure(mode));
    return store;
}

Result<void> SqliteStore::configure(OpenMode mode) {
    sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
    if (!registerAddressFunction(db_.get()) || !registerSketchFunction(db_.get())) {
        return fail(error("registering kansoku's SQL functions"));
    }
    KANSOKU_TRY(exec("PRAGMA foreign_keys = ON", {}));
    // Reads from a memory map of the file rather than read() into the page cache's copy: pages of TAXII
    // objects and ISP hosts are large and read often (measured: bench/taxii_bench). Up to 256 MiB of the
    // file; beyond, the usual reads.
    KANSOKU_TRY(exec("PRAGMA mmap_size = 268435456", {}));
    if (mode == OpenMode::ReadOnly) {
        return checkVersion(mode);
    }
    // SQLite silently falls back to read-only when the file exists but is not writable.
    if (sqlite3_db_readonly(db_.get(), "main") == 1) {
        return fail("database {}: file is not writable", path_);
    }
    KANSOKU_TRY(useWal());
    KANSOKU_TRY(exec("PRAGMA synchronous = NORMAL", {}));
    // The writer's page cache: the events' indexes take random inserts (addresses, sessions), and with
    // SQLite's default of 2 MiB each insert at millions of rows read index pages back from the file.
    // Pages are allocated as used, so a small store never takes this much.
    KANSOKU_TRY(exec("PRAGMA cache_size = -131072", {}));
    KANSOKU_TRY(checkVersion(mode));
    KANSOKU_TRY(migrate());
    auto insert = prepare("INSERT INTO events (type, ts, sensor, subject, body, addr, port, session, sha256, family) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)");
    if (!insert) {
        return fail(insert.error());
    }
    insert_ = std::move(*insert);
    return {};
}

Result<void> SqliteStore::useWal() {
    auto statement = prepare("PRAGMA journal_mode = WAL");
    if (!statement) {
        return fail(statement.error());
    }
    if (sqlite3_step(statement->get()) != SQLITE_ROW) {
        return fail(error({}));
    }
    const std::string_view journal_mode = columnText(statement->get(), 0);
    if (journal_mode != "wal" && journal_mode != "memory") {
        return fail("database {}: cannot use WAL journal mode (still {})", path_, journal_mode);
    }
    return {};
}

Result<void> SqliteStore::checkVersion(OpenMode mode) {
    const auto version = schemaVersion();
    if (!version) {
        return fail(version.error());
    }
    const int latest = latestSchemaVersion();
    if (*version > latest) {
        return fail("database {}: schema version {} is newer than this kansoku supports ({})", path_, *version, latest);
    }
    if (mode == OpenMode::ReadOnly && *version == 0) {
        return fail("database {}: has no kansoku schema", path_);
    }
    if (mode == OpenMode::ReadOnly && *version < latest) {
        return fail("database {}: schema version {} is older than this kansoku expects ({}); a writing command "
                    "such as `kansoku run` migrates it",
                    path_, *version, latest);
    }
    return {};
}

Result<void> SqliteStore::begin() {
    return exec("BEGIN IMMEDIATE", "begin");
}

Result<void> SqliteStore::append(const Event& event) {
    if (!insert_) {
        return fail("database {}: opened read-only", path_);
    }
    if (sqlite3_get_autocommit(db_.get()) != 0) {
        return fail("database {}: append outside a transaction", path_);
    }
    const EventRow row = toEventRow(event);
    const EventColumns columns = eventColumns(event, row.subject);
    sqlite3_stmt* insert = insert_.get();
    auto result = bindRow(insert, row, columns) ? stepDone(insert, "append") : fail(error("append"));
    sqlite3_reset(insert);
    if (result) {
        rollups_.add(event);
    }
    return result;
}

Result<void> SqliteStore::commit() {
    auto rolled = writeRollups();
    rollups_.clear();
    KANSOKU_TRY(rolled);
    return exec("COMMIT", "commit");
}

void SqliteStore::rollback() {
    rollups_.clear();
    if (sqlite3_get_autocommit(db_.get()) == 0) {
        sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

namespace {

class SqliteEventCursor final : public EventCursor {
public:
    /// `select` stays with the cursor: its parameters are bound without copies.
    SqliteEventCursor(sqlite3* db, sqlite3_stmt* statement, SqlFilter select, std::string path)
        : db_(db), statement_(statement), select_(std::move(select)), path_(std::move(path)) {}
    ~SqliteEventCursor() override { sqlite3_finalize(statement_); }
    SqliteEventCursor(const SqliteEventCursor&) = delete;
    SqliteEventCursor& operator=(const SqliteEventCursor&) = delete;

    Result<bool> next() override {
        const int rc = sqlite3_step(statement_);
        if (rc == SQLITE_DONE) {
            return false;
        }
        if (rc != SQLITE_ROW) {
            return fail("database {}: query: {}", path_, sqlite3_errmsg(db_));
        }
        row_ = {sqlite3_column_int64(statement_, 0), columnText(statement_, 1), sqlite3_column_int64(statement_, 2),
                columnText(statement_, 3), columnText(statement_, 4)};
        return true;
    }
    const EventRowView& row() const override { return row_; }
    bool bind() { return select_.bind(statement_); }

private:
    sqlite3* db_;
    sqlite3_stmt* statement_;
    SqlFilter select_;
    std::string path_;
    EventRowView row_;
};

} // namespace

Result<std::unique_ptr<EventCursor>> SqliteStore::cursor(const EventQuery& query) {
    SqlFilter select = eventSelect(query);
    auto statement = prepare(select.sql());
    if (!statement) {
        return fail(statement.error());
    }
    auto cursor = std::make_unique<SqliteEventCursor>(db_.get(), statement->release(), std::move(select), path_);
    if (!cursor->bind()) {
        return fail(error("query"));
    }
    return cursor;
}

Result<uint64_t> SqliteStore::countEvents(const EventQuery& query) {
    const SqlFilter select = eventCountSelect(query);
    auto statement = prepare(select.sql());
    if (!statement) {
        return fail(statement.error());
    }
    if (!select.bind(statement->get()) || sqlite3_step(statement->get()) != SQLITE_ROW) {
        return fail(error("count"));
    }
    const int64_t n = sqlite3_column_int64(statement->get(), 0);
    return query.limit > 0 ? std::min<uint64_t>(n, query.limit) : static_cast<uint64_t>(n);
}

Result<std::vector<Event>> SqliteStore::query(const EventQuery& query) {
    auto rows = cursor(query);
    if (!rows) {
        return fail(rows.error());
    }
    std::vector<Event> events;
    while (true) {
        auto more = (*rows)->next();
        if (!more) {
            return fail(more.error());
        }
        if (!*more) {
            break;
        }
        const EventRowView& row = (*rows)->row();
        auto event = eventFromRow(std::string(row.type), row.ts, std::string(row.sensor), row.body);
        if (!event) {
            return fail("database {}: event {}: {}", path_, row.id, event.error().message);
        }
        events.push_back(std::move(*event));
    }
    return events;
}

Result<std::pair<int64_t, int64_t>> SqliteStore::changeStamp() {
    if (!data_version_) {
        auto statement = prepare("PRAGMA data_version");
        KANSOKU_TRY(statement);
        data_version_ = std::move(*statement);
    }
    sqlite3_stmt* s = data_version_.get();
    sqlite3_reset(s);
    if (sqlite3_step(s) != SQLITE_ROW) {
        return fail(error("data version"));
    }
    const int64_t others = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return std::pair<int64_t, int64_t>{others, sqlite3_total_changes64(db_.get())};
}

Result<int> SqliteStore::schemaVersion() {
    auto exists = prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
    if (!exists) {
        return fail(exists.error());
    }
    const int rc = sqlite3_step(exists->get());
    if (rc == SQLITE_DONE) {
        return 0;
    }
    if (rc != SQLITE_ROW) {
        return fail(error({}));
    }
    auto max = prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (!max) {
        return fail(max.error());
    }
    if (sqlite3_step(max->get()) != SQLITE_ROW) {
        return fail(error({}));
    }
    return sqlite3_column_int(max->get(), 0);
}

Result<void> SqliteStore::exec(const char* sql, std::string_view context) {
    if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
        return fail(error(context));
    }
    return {};
}

Result<SqliteStore::Statement> SqliteStore::prepare(std::string_view sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) != SQLITE_OK) {
        return fail(error({}));
    }
    return Statement(raw);
}

Result<void> SqliteStore::stepDone(sqlite3_stmt* statement, std::string_view context) {
    if (sqlite3_step(statement) != SQLITE_DONE) {
        return fail(error(context));
    }
    return {};
}

Error SqliteStore::error(std::string_view context) const {
    if (context.empty()) {
        return Error{fmt::format("database {}: {}", path_, sqlite3_errmsg(db_.get()))};
    }
    return Error{fmt::format("database {}: {}: {}", path_, context, sqlite3_errmsg(db_.get()))};
}

} // namespace kansoku::store
