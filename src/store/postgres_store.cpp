#include "store/postgres_store.h"

#include <algorithm>
#include <functional>

#include <fmt/format.h>

#include "common/time.h"
#include "store/event_columns.h"
#include "store/event_row.h"
#include "store/event_select.h"
#include "store/migration.h"
#include "store/postgres_connection.h"

namespace kansoku::store {
namespace {

/// Buffered event rows are sent once they take this much memory (and at commit).
constexpr size_t kCopyBufferBytes = 8 << 20;
/// Rows a cursor reads per round trip.
constexpr int64_t kCursorPage = 10000;
/// The advisory lock migrations hold, so two processes creating one database apply each migration once.
constexpr int64_t kMigrationLock = 0x6b616e736f6b75; // "kansoku"

constexpr std::string_view kCopyTarget =
    "events (type, ts, sensor, subject, body, addr, port, session, sha256, family)";

void appendOptionalText(std::string& row, const std::optional<std::string>& value) {
    if (value) {
        appendCopyText(row, *value);
    } else {
        row += "\\N";
    }
}

/// One event as a line of COPY text format.
void appendCopyRow(std::string& out, const Event& event) {
    const EventRow row = toEventRow(event);
    const EventColumns columns = eventColumns(event, row.subject);
    appendCopyText(out, row.type);
    out += '\t';
    out += std::to_string(row.ts);
    out += '\t';
    appendCopyText(out, row.sensor);
    out += '\t';
    appendOptionalText(out, row.subject);
    out += '\t';
    appendCopyText(out, row.body);
    out += '\t';
    if (columns.addr) {
        appendCopyBytes(out, *columns.addr);
    } else {
        out += "\\N";
    }
    out += '\t';
    out += columns.port ? std::to_string(*columns.port) : "\\N";
    out += '\t';
    appendOptionalText(out, columns.session);
    out += '\t';
    appendOptionalText(out, columns.sha256);
    out += '\t';
    appendOptionalText(out, columns.family);
    out += '\n';
}

/// Reads events in pages of kCursorPage by (ts, id), so a walk over millions holds one page and the
/// connection stays free for other statements between pages.
class PostgresEventCursor final : public EventCursor {
public:
    PostgresEventCursor(PgConnection& connection, EventQuery query)
        : connection_(connection), query_(std::move(query)) {}

    Result<bool> next() override {
        if (!page_ || ++row_index_ >= page_->size()) {
            if (done_) {
                return false;
            }
            KANSOKU_TRY(readPage());
            if (page_->size() == 0) {
                return false;
            }
        }
        const PgRows& rows = *page_;
        row_ = {rows.integer(row_index_, 0), rows.text(row_index_, 1), rows.integer(row_index_, 2),
                rows.text(row_index_, 3), rows.text(row_index_, 4)};
        after_ = EventPosition{row_.ts, row_.id};
        ++returned_;
        return true;
    }
    const EventRowView& row() const override { return row_; }

private:
    Result<void> readPage() {
        EventQuery page = query_;
        page.limit = kCursorPage;
        if (query_.limit > 0) {
            page.limit = std::min(kCursorPage, query_.limit - returned_);
        }
        if (page.limit <= 0) {
            done_ = true;
            page_.emplace(nullptr);
            return {};
        }
        auto rows = connection_.query(eventSelect(page, after_), "query");
        KANSOKU_TRY(rows);
        page_.emplace(std::move(*rows));
        row_index_ = 0;
        done_ = page_->size() < page.limit;
        return {};
    }

    PgConnection& connection_;
    EventQuery query_;
    std::optional<PgRows> page_;
    int row_index_ = 0;
    std::optional<EventPosition> after_;
    int64_t returned_ = 0;
    bool done_ = false;
    EventRowView row_;
};

} // namespace

PostgresStore::PostgresStore(std::unique_ptr<PgConnection> connection) : connection_(std::move(connection)) {}

PostgresStore::~PostgresStore() = default;

const std::string& PostgresStore::path() const {
    return connection_->name();
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(const std::string& url, OpenMode mode) {
    auto connection = PgConnection::connect(url);
    KANSOKU_TRY(connection);
    std::unique_ptr<PostgresStore> store(new PostgresStore(std::move(*connection)));
    KANSOKU_TRY(store->connection_->exec("SET client_min_messages = warning", "configure"));
    KANSOKU_TRY(store->checkVersion(mode));
    if (mode == OpenMode::ReadWriteCreate) {
        KANSOKU_TRY(store->migrate());
        store->writable_ = true;
    }
    return store;
}

Result<void> PostgresStore::checkVersion(OpenMode mode) {
    const auto version = schemaVersion();
    KANSOKU_TRY(version);
    const int latest = latestSchemaVersion();
    const std::string& name = path();
    if (*version > latest) {
        return fail("database {}: schema version {} is newer than this kansoku supports ({})", name, *version, latest);
    }
    if (mode == OpenMode::ReadOnly && *version == 0) {
        return fail("database {}: has no kansoku schema", name);
    }
    if (mode == OpenMode::ReadOnly && *version < latest) {
        return fail("database {}: schema version {} is older than this kansoku expects ({}); a writing command "
                    "such as `kansoku run` migrates it",
                    name, *version, latest);
    }
    return {};
}

Result<void> PostgresStore::migrate() {
    for (const Migration& migration : compiledPostgresMigrations()) {
        KANSOKU_TRY(applyMigration(migration));
    }
    return {};
}

Result<void> PostgresStore::applyMigration(const Migration& migration) {
    const std::string context = fmt::format("migration {}", migration.name);
    KANSOKU_TRY(connection_->exec(
        fmt::format("BEGIN; SELECT pg_advisory_xact_lock({}); CREATE TABLE IF NOT EXISTS schema_migrations "
                    "(version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)",
                    kMigrationLock),
        context));
    auto applied = [&]() -> Result<void> {
        const auto version = schemaVersion();
        KANSOKU_TRY(version);
        if (*version >= migration.version) {
            return {};
        }
        KANSOKU_TRY(connection_->exec(migration.sql, context));
        KANSOKU_TRY(connection_->query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                                       PgParams().integer(migration.version).integer(nowMicros()), context));
        return {};
    }();
    if (!applied) {
        rollback();
        return applied;
    }
    return connection_->exec("COMMIT", context);
}

Result<int> PostgresStore::schemaVersion() {
    auto exists = connection_->query("SELECT to_regclass('schema_migrations') IS NOT NULL", {}, "schema version");
    KANSOKU_TRY(exists);
    if (exists->text(0, 0) != "t") {
        return 0;
    }
    auto max = connection_->query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", {}, "schema version");
    KANSOKU_TRY(max);
    return static_cast<int>(max->integer(0, 0));
}

Result<void> PostgresStore::begin() {
    return connection_->exec("BEGIN", "begin");
}

Result<void> PostgresStore::append(const Event& event) {
    if (!writable_) {
        return fail("database {}: opened read-only", path());
    }
    if (!connection_->inTransaction()) {
        return fail("database {}: append outside a transaction", path());
    }
    appendCopyRow(copy_buffer_, event);
    ++buffered_rows_;
    rollups_.add(event);
    if (copy_buffer_.size() >= kCopyBufferBytes) {
        return flush();
    }
    return {};
}

Result<void> PostgresStore::flush() {
    if (buffered_rows_ == 0) {
        return {};
    }
    auto copied = connection_->copyIn(kCopyTarget, copy_buffer_, "append");
    changes_ += static_cast<int64_t>(buffered_rows_);
    copy_buffer_.clear();
    buffered_rows_ = 0;
    return copied;
}

Result<void> PostgresStore::commit() {
    auto written = flush();
    if (written) {
        written = writeRollups();
    }
    rollups_.clear();
    if (!written) {
        rollback();
        return written;
    }
    return connection_->exec("COMMIT", "commit");
}

void PostgresStore::rollback() {
    rollups_.clear();
    copy_buffer_.clear();
    buffered_rows_ = 0;
    connection_->abandonTransaction();
}

Result<void> PostgresStore::atomically(std::string_view name, const std::function<Result<void>()>& work) {
    const bool nested = connection_->inTransaction();
    KANSOKU_TRY(flush());
    KANSOKU_TRY(connection_->exec(nested ? fmt::format("SAVEPOINT {}", name) : std::string("BEGIN"), name));
    auto done = work();
    if (!done) {
        if (nested) {
            (void)connection_->exec(fmt::format("ROLLBACK TO SAVEPOINT {}; RELEASE SAVEPOINT {}", name, name), name);
        } else {
            connection_->abandonTransaction();
        }
        return done;
    }
    ++changes_;
    return connection_->exec(nested ? fmt::format("RELEASE SAVEPOINT {}", name) : std::string("COMMIT"), name);
}

Result<std::unique_ptr<EventCursor>> PostgresStore::cursor(const EventQuery& query) {
    KANSOKU_TRY(flush());
    return std::unique_ptr<EventCursor>(std::make_unique<PostgresEventCursor>(*connection_, query));
}

Result<uint64_t> PostgresStore::countEvents(const EventQuery& query) {
    KANSOKU_TRY(flush());
    auto rows = connection_->query(eventCountSelect(query), "count");
    KANSOKU_TRY(rows);
    const auto n = static_cast<uint64_t>(rows->integer(0, 0));
    return query.limit > 0 ? std::min<uint64_t>(n, query.limit) : n;
}

Result<std::vector<Event>> PostgresStore::query(const EventQuery& query) {
    auto rows = cursor(query);
    KANSOKU_TRY(rows);
    std::vector<Event> events;
    while (true) {
        auto more = (*rows)->next();
        KANSOKU_TRY(more);
        if (!*more) {
            return events;
        }
        const EventRowView& row = (*rows)->row();
        auto event = eventFromRow(std::string(row.type), row.ts, std::string(row.sensor), row.body);
        if (!event) {
            return fail("database {}: event {}: {}", path(), row.id, event.error().message);
        }
        events.push_back(std::move(*event));
    }
}

Result<std::pair<int64_t, int64_t>> PostgresStore::changeStamp() {
    // The snapshot ("xmin:xmax:in-progress ids") moves whenever any connection starts writing or ends a
    // transaction that wrote.
    auto rows = connection_->query("SELECT pg_current_snapshot()::text", {}, "change stamp");
    KANSOKU_TRY(rows);
    return std::pair<int64_t, int64_t>{static_cast<int64_t>(std::hash<std::string_view>{}(rows->text(0, 0))), changes_};
}

} // namespace kansoku::store
