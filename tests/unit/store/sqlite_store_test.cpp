#include <fstream>
#include <iterator>
#include <limits>

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include "store/migration.h"
#include "store/sqlite_store.h"
#include "temp_dir.h"

namespace kansoku::store {
namespace {

using testing::TempDir;

constexpr Timestamp kT0 = 1'714'564'800'000'000; // 2024-05-01T12:00:00Z

/// Runs `sql` on its own connection and returns the first column of the first row ("" if none).
std::string rawQuery(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    std::string out;
    if (sqlite3_step(statement) == SQLITE_ROW && sqlite3_column_text(statement, 0) != nullptr) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
    }
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return out;
}

std::unique_ptr<SqliteStore> openOrDie(const std::string& path, OpenMode mode = OpenMode::ReadWriteCreate) {
    auto store = SqliteStore::open(path, mode);
    EXPECT_TRUE(store) << store.error().message;
    return store ? std::move(*store) : nullptr;
}

Event scan(Timestamp ts, std::string src, std::string sensor = "tokyo-1") {
    return Event{"darknet.scan", ts, std::move(sensor), {{"src", std::move(src)}, {"proto", "tcp"}, {"packets", 3}}};
}

Event attack(Timestamp ts, std::string victim) {
    return Event{"ddos.attack", ts, "tokyo-1", {{"victim", std::move(victim)}, {"vector", "syn"}}};
}

void appendAll(Store& store, const std::vector<Event>& events) {
    ASSERT_TRUE(store.begin());
    for (const auto& event : events) {
        const auto appended = store.append(event);
        ASSERT_TRUE(appended) << appended.error().message;
    }
    ASSERT_TRUE(store.commit());
}

std::vector<std::string> srcsOf(const Result<std::vector<Event>>& events) {
    EXPECT_TRUE(events) << events.error().message;
    std::vector<std::string> out;
    for (const auto& event : events.value_or(std::vector<Event>{})) {
        out.push_back(event.fields.value("src", event.fields.value("victim", std::string("?"))));
    }
    return out;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// --- opening and migrations ---

TEST(SqliteStore, MigratesAnEmptyDatabase) {
    TempDir dir;
    const std::string path = dir.file("kansoku.db");
    auto store = openOrDie(path);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->schemaVersion().value_or(-1), latestSchemaVersion());
    EXPECT_EQ(rawQuery(path, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(rawQuery(path, "SELECT count(*) FROM schema_migrations"), std::to_string(latestSchemaVersion()));
    // 0001: type+ts; 0006 (the dashboard): addr+ts, port+ts, session, sha256, family+ts, ts. 0008 dropped 0001's
    // index on the subject: addr+ts serves those queries.
    EXPECT_EQ(rawQuery(path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'"), "7");
    const auto events = store->query({});
    ASSERT_TRUE(events) << events.error().message;
    EXPECT_TRUE(events->empty());
}

TEST(SqliteStore, ReopeningIsIdempotent) {
    TempDir dir;
    const std::string path = dir.file("kansoku.db");
    appendAll(*openOrDie(path), {scan(kT0, "198.51.100.1")});
    const std::string applied_at = rawQuery(path, "SELECT group_concat(applied_at) FROM schema_migrations");

    auto store = openOrDie(path);
    ASSERT_TRUE(store);
    EXPECT_EQ(store->schemaVersion().value_or(-1), latestSchemaVersion());
    EXPECT_EQ(rawQuery(path, "SELECT group_concat(applied_at) FROM schema_migrations"), applied_at);
    EXPECT_EQ(srcsOf(store->query({})), std::vector<std::string>{"198.51.100.1"});
    EXPECT_TRUE(openOrDie(path, OpenMode::ReadOnly));
}

TEST(SqliteStore, RejectsASchemaNewerThanItKnows) {
    TempDir dir;
    const std::string path = dir.file("kansoku.db");
    openOrDie(path);
    const int newer = latestSchemaVersion() + 1;
    rawQuery(path, "INSERT INTO schema_migrations (version, applied_at) VALUES (" + std::to_string(newer) + ", 0)");

    const std::string expected = "database " + path + ": schema version " + std::to_string(newer) +
                                 " is newer than this kansoku supports (" + std::to_string(latestSchemaVersion()) + ")";
    for (const auto mode : {OpenMode::ReadWriteCreate, OpenMode::ReadOnly}) {
        const auto store = SqliteStore::open(path, mode);
        ASSERT_FALSE(store);
        EXPECT_EQ(store.error().message, expected);
    }
}

TEST(SqliteStore, RejectsAFileThatIsNotADatabaseAndLeavesItAlone) {
    TempDir dir;
    const std::string path = dir.file("notes.db");
    const std::string text = "This is a text file, long enough to have what would be an SQLite header and more.\n"
                             "It must come out of the open unchanged.\n";
    std::ofstream(path) << text;
    for (const auto mode : {OpenMode::ReadWriteCreate, OpenMode::ReadOnly}) {
        const auto store = SqliteStore::open(path, mode);
        ASSERT_FALSE(store);
        EXPECT_EQ(store.error().message, "database " + path + ": file is not a database");
    }
    EXPECT_EQ(readFile(path), text);
}

TEST(SqliteStore, ReadOnlyRejectsADatabaseWithoutSchema) {
    TempDir dir;
    const std::string path = dir.file("empty.db");
    std::ofstream(path).close(); // an empty file
    const auto store = SqliteStore::open(path, OpenMode::ReadOnly);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().message, "database " + path + ": has no kansoku schema");
}

TEST(SqliteStore, ReadOnlyRejectsAMissingFileWithoutCreatingIt) {
    TempDir dir;
    const std::string path = dir.file("missing.db");
    const auto store = SqliteStore::open(path, OpenMode::ReadOnly);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().message, "database " + path + ": does not exist");
    EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SqliteStore, RejectsADirectory) {
    TempDir dir;
    for (const auto mode : {OpenMode::ReadWriteCreate, OpenMode::ReadOnly}) {
        const auto store = SqliteStore::open(dir.path().string(), mode);
        ASSERT_FALSE(store);
        EXPECT_EQ(store.error().message, "database " + dir.path().string() + ": is a directory");
    }
}

TEST(SqliteStore, FailsAtOpenInAMissingDirectory) {
    TempDir dir;
    const std::string path = dir.file("no-such-dir/kansoku.db");
    const auto store = SqliteStore::open(path, OpenMode::ReadWriteCreate);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().message, "database " + path + ": unable to open database file");
}

TEST(SqliteStore, FailsAtOpenWhenTheParentIsAFile) {
    TempDir dir;
    std::ofstream(dir.file("plain-file")) << "x";
    const std::string path = dir.file("plain-file/kansoku.db");
    const auto store = SqliteStore::open(path, OpenMode::ReadWriteCreate);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().message, "database " + path + ": unable to open database file");
}

TEST(SqliteStore, FailsAtOpenInAnUnwritableDirectory) {
    TempDir dir;
    // root may write anywhere it can chmod; /proc refuses new files even to root.
    std::string path = "/proc/kansoku-store-test.db";
    if (geteuid() != 0) {
        std::filesystem::create_directory(dir.path() / "read-only");
        std::filesystem::permissions(dir.path() / "read-only",
                                     std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
        path = dir.file("read-only/kansoku.db");
    }
    const auto store = SqliteStore::open(path, OpenMode::ReadWriteCreate);
    ASSERT_FALSE(store);
    EXPECT_EQ(store.error().message, "database " + path + ": unable to open database file");
}

TEST(SqliteStore, ReadOnlyStoreRefusesToWrite) {
    TempDir dir;
    const std::string path = dir.file("kansoku.db");
    openOrDie(path);
    auto store = openOrDie(path, OpenMode::ReadOnly);
    ASSERT_TRUE(store);
    (void)store->begin();
    const auto appended = store->append(scan(kT0, "198.51.100.1"));
    store->rollback();
    ASSERT_FALSE(appended);
    EXPECT_EQ(appended.error().message, "database " + path + ": opened read-only");
}

// --- writing and reading ---

TEST(SqliteStore, AppendNeedsATransaction) {
    TempDir dir;
    auto store = openOrDie(dir.file("kansoku.db"));
    ASSERT_TRUE(store);
    const auto appended = store->append(scan(kT0, "198.51.100.1"));
    ASSERT_FALSE(appended);
    EXPECT_EQ(appended.error().message, "database " + dir.file("kansoku.db") + ": append outside a transaction");
}

TEST(SqliteStore, RoundTripKeepsFieldOrderAndTypes) {
    TempDir dir;
    auto store = openOrDie(dir.file("kansoku.db"));
    ASSERT_TRUE(store);
    Event event{"darknet.scan", kT0 + 123'456, "tokyo-1", nlohmann::ordered_json::object()};
    event.fields["src"] = "198.51.100.7";
    event.fields["proto"] = "tcp";
    event.fields["dst_ports"] = {{{"port", 23}, {"count", 9}}, {{"port", 2323}, {"count", 1}}};
    event.fields["packets"] = int64_t{-5};
    event.fields["big"] = std::numeric_limits<uint64_t>::max();
    event.fields["ratio"] = 0.1;
    event.fields["spoofed"] = false;
    event.fields["note"] = nullptr;
    event.fields["tool"] = "ミライ";
    event.fields["a_last"] = nlohmann::ordered_json::object({{"z", 1}, {"a", 2}});
    appendAll(*store, {event});

    const auto events = store->query({});
    ASSERT_TRUE(events) << events.error().message;
    ASSERT_EQ(events->size(), 1U);
    const Event& back = events->front();
    EXPECT_EQ(back.toJsonLine(), event.toJsonLine());
    EXPECT_EQ(back.ts, event.ts);
    EXPECT_EQ(back.fields, event.fields);
    EXPECT_TRUE(back.fields["packets"].is_number_integer());
    EXPECT_EQ(back.fields["big"].get<uint64_t>(), std::numeric_limits<uint64_t>::max());
    EXPECT_TRUE(back.fields["ratio"].is_number_float());
    EXPECT_TRUE(back.fields["spoofed"].is_boolean());
    EXPECT_TRUE(back.fields["note"].is_null());
    EXPECT_TRUE(back.fields["dst_ports"].is_array());
    std::vector<std::string> keys;
    for (const auto& item : back.fields.items()) {
        keys.push_back(item.key());
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"src", "proto", "dst_ports", "packets", "big", "ratio", "spoofed", "note",
                                              "tool", "a_last"}));
}

TEST(SqliteStore, StoresSubjectColumn) {
    TempDir dir;
    const std::string path = dir.file("kansoku.db");
    auto store = openOrDie(path);
    ASSERT_TRUE(store);
    appendAll(*store, {scan(kT0, "198.51.100.1"), Event{"capture.stats", kT0, "tokyo-1", {{"received", 5}}}});
    EXPECT_EQ(
        rawQuery(path,
                 "SELECT group_concat(s, ',') FROM (SELECT coalesce(subject, 'NULL') AS s FROM events ORDER BY id)"),
        "198.51.100.1,NULL");
}

TEST(SqliteStore, RollbackDiscardsTheTransaction) {
    TempDir dir;
    auto store = openOrDie(dir.file("kansoku.db"));
    ASSERT_TRUE(store);
    appendAll(*store, {scan(kT0, "198.51.100.1")});
    ASSERT_TRUE(store->begin());
    ASSERT_TRUE(store->append(scan(kT0, "198.51.100.2")));
    store->rollback();
    store->rollback(); // no transaction: nothing happens
    EXPECT_EQ(srcsOf(store->query({})), std::vector<std::string>{"198.51.100.1"});
}

class SqliteStoreQuery : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = openOrDie(dir_.file("kansoku.db"));
        ASSERT_TRUE(store_);
        appendAll(*store_, {
                               scan(kT0 + 30, "198.51.100.3"),
                               attack(kT0 + 10, "192.0.2.9"),
                               scan(kT0 + 10, "198.51.100.1", "osaka-1"),
                               scan(kT0 + 20, "198.51.100.2"),
                               scan(kT0 + 20, "198.51.100.1"),
                               Event{"intel.infected_host", kT0 + 40, "center", {{"ip", "198.51.100.1"}}},
                           });
    }
    std::vector<std::string> srcs(const EventQuery& query) { return srcsOf(store_->query(query)); }

    TempDir dir_;
    std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreQuery, OrdersByTimeThenInsertion) {
    const auto events = store_->query({});
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 6U);
    std::vector<Timestamp> times;
    for (const auto& event : *events) {
        times.push_back(event.ts - kT0);
    }
    EXPECT_EQ(times, (std::vector<Timestamp>{10, 10, 20, 20, 30, 40}));
    EXPECT_EQ((*events)[0].type, "ddos.attack"); // appended before the osaka scan at the same time
    EXPECT_EQ((*events)[1].sensor, "osaka-1");
}

TEST_F(SqliteStoreQuery, ByType) {
    EXPECT_EQ(srcs({.type = "darknet.scan"}),
              (std::vector<std::string>{"198.51.100.1", "198.51.100.2", "198.51.100.1", "198.51.100.3"}));
    EXPECT_EQ(srcs({.type = "ddos.attack"}), std::vector<std::string>{"192.0.2.9"});
    EXPECT_TRUE(srcs({.type = "no.such.type"}).empty());
}

TEST_F(SqliteStoreQuery, SinceIsInclusiveUntilIsExclusive) {
    EXPECT_EQ(srcs({.type = "darknet.scan", .since = kT0 + 20}),
              (std::vector<std::string>{"198.51.100.2", "198.51.100.1", "198.51.100.3"}));
    EXPECT_EQ(srcs({.type = "darknet.scan", .until = kT0 + 20}), std::vector<std::string>{"198.51.100.1"});
    EXPECT_EQ(srcs({.type = "darknet.scan", .since = kT0 + 20, .until = kT0 + 30}),
              (std::vector<std::string>{"198.51.100.2", "198.51.100.1"}));
}

TEST_F(SqliteStoreQuery, BySensor) {
    EXPECT_EQ(srcs({.sensor = "osaka-1"}), std::vector<std::string>{"198.51.100.1"});
}

TEST_F(SqliteStoreQuery, BySubjectAcrossSrcVictimAndIp) {
    const auto events = store_->query({.subject = "198.51.100.1"});
    ASSERT_TRUE(events);
    std::vector<std::string> types;
    for (const auto& event : *events) {
        types.push_back(event.type);
    }
    EXPECT_EQ(types, (std::vector<std::string>{"darknet.scan", "darknet.scan", "intel.infected_host"}));
    EXPECT_EQ(srcs({.subject = "192.0.2.9"}), std::vector<std::string>{"192.0.2.9"});
}

TEST_F(SqliteStoreQuery, LimitTakesTheEarliest) {
    EXPECT_EQ(srcs({.type = "darknet.scan", .limit = 2}), (std::vector<std::string>{"198.51.100.1", "198.51.100.2"}));
    EXPECT_EQ(srcs({.type = "darknet.scan", .limit = 0}).size(), 4U);
}

TEST_F(SqliteStoreQuery, ReportsACorruptBody) {
    // Valid JSON that is not an object: since migration 0006 indexes columns computed from the body,
    // SQLite itself refuses a body that is not JSON at all.
    rawQuery(dir_.file("kansoku.db"), "UPDATE events SET body = '\"garbage\"' WHERE type = 'ddos.attack'");
    const auto events = store_->query({});
    ASSERT_FALSE(events);
    EXPECT_EQ(events.error().message, "database " + dir_.file("kansoku.db") + ": event 2: body is not a JSON object");
}

} // namespace
} // namespace kansoku::store
