// The Store contract (events, transactions, cursors, schema version) on every engine, and what a
// PostgreSQL store does with a bad URL, an unreachable server and a connection lost mid-run.

#include <gtest/gtest.h>

#include "store/event_select.h"
#include "store/infected_host_columns.h"
#include "store/migration.h"
#include "store/postgres_connection.h"
#include "store/shared_object_select.h"
#include "support/test_database.h"

namespace kansoku::store {
namespace {

using kansoku::testing::StoreEngine;

constexpr Timestamp kT0 = 1'714'564'800'000'000; // 2024-05-01T12:00:00Z

Event scan(Timestamp ts, std::string src, std::string sensor = "tokyo-1") {
    return Event{"darknet.scan", ts, std::move(sensor), {{"src", std::move(src)}, {"proto", "tcp"}, {"packets", 3}}};
}

Event session(Timestamp ts, std::string text) {
    return Event{"honeypot.session", ts, "osaka-1", {{"session", "s1"}, {"src", "203.0.113.9"}, {"note", text}}};
}

class EventStoreTest : public kansoku::testing::StoreEngineTest {
protected:
    void appendAll(const std::vector<Event>& events) {
        ASSERT_TRUE(store_->begin());
        for (const auto& event : events) {
            const auto appended = store_->append(event);
            ASSERT_TRUE(appended) << appended.error().message;
        }
        const auto committed = store_->commit();
        ASSERT_TRUE(committed) << committed.error().message;
    }
    std::vector<std::string> srcs(const EventQuery& query) {
        auto events = store_->query(query);
        EXPECT_TRUE(events) << events.error().message;
        std::vector<std::string> out;
        for (const auto& e : *events) {
            out.push_back(e.fields.value("src", ""));
        }
        return out;
    }
};

TEST_P(EventStoreTest, MigratesToTheLatestVersion) {
    EXPECT_EQ(*store_->schemaVersion(), latestSchemaVersion());
    store_.reset();
    auto reopened = kansoku::testing::openTestDatabase(location_, OpenMode::ReadOnly);
    ASSERT_NE(reopened, nullptr);
    EXPECT_EQ(*reopened->schemaVersion(), latestSchemaVersion());
    (void)reopened->begin();
    EXPECT_FALSE(reopened->append(scan(kT0, "192.0.2.1"))) << "read-only";
    reopened->rollback();
}

TEST_P(EventStoreTest, EventsComeBackInTimeThenInsertionOrderWithEveryFilter) {
    appendAll({scan(kT0 + 2, "192.0.2.3"), scan(kT0, "192.0.2.1"), scan(kT0 + 2, "192.0.2.4", "osaka-1"),
               session(kT0 + 1, "tab\there\nnewline \\ backslash \xe6\x97\xa5")});
    EXPECT_EQ(srcs({}), (std::vector<std::string>{"192.0.2.1", "203.0.113.9", "192.0.2.3", "192.0.2.4"}));
    EXPECT_EQ(srcs({.type = "darknet.scan", .since = kT0 + 1}), (std::vector<std::string>{"192.0.2.3", "192.0.2.4"}));
    EXPECT_EQ(srcs({.until = kT0 + 2}), (std::vector<std::string>{"192.0.2.1", "203.0.113.9"}));
    EXPECT_EQ(srcs({.sensor = "osaka-1", .limit = 1}), (std::vector<std::string>{"203.0.113.9"}));
    EXPECT_EQ(srcs({.subject = "192.0.2.4"}), (std::vector<std::string>{"192.0.2.4"}));
    auto events = store_->query({.type = "honeypot.session"});
    ASSERT_TRUE(events && events->size() == 1);
    EXPECT_EQ(events->front().toJsonLine(),
              session(kT0 + 1, "tab\there\nnewline \\ backslash \xe6\x97\xa5").toJsonLine());
    EXPECT_EQ(*store_->countEvents({.type = "darknet.scan"}), 3U);
    EXPECT_EQ(*store_->countEvents({.type = "darknet.scan", .limit = 2}), 2U);
}

TEST_P(EventStoreTest, RollbackDiscardsAndAppendNeedsATransaction) {
    EXPECT_FALSE(store_->append(scan(kT0, "192.0.2.1")));
    ASSERT_TRUE(store_->begin());
    ASSERT_TRUE(store_->append(scan(kT0, "192.0.2.1")));
    store_->rollback();
    store_->rollback(); // nothing open: nothing happens
    EXPECT_EQ(*store_->countEvents({}), 0U);
    appendAll({scan(kT0, "192.0.2.2")});
    EXPECT_EQ(srcs({}), (std::vector<std::string>{"192.0.2.2"}));
}

TEST_P(EventStoreTest, ACursorWalksManyRowsInOrderAndSeesItsOwnTransaction) {
    constexpr int kRows = 25'003; // more than one page of a PostgreSQL cursor
    ASSERT_TRUE(store_->begin());
    for (int i = 0; i < kRows; ++i) {
        ASSERT_TRUE(store_->append(scan(kT0 + (i / 3), "192.0.2." + std::to_string(i % 250))));
    }
    // Read before commit: what this transaction appended is there.
    EXPECT_EQ(*store_->countEvents({}), static_cast<uint64_t>(kRows));
    ASSERT_TRUE(store_->commit());
    auto cursor = store_->cursor({.type = "darknet.scan"});
    ASSERT_TRUE(cursor) << cursor.error().message;
    int n = 0;
    Timestamp last_ts = 0;
    int64_t last_id = 0;
    while (true) {
        auto more = (*cursor)->next();
        ASSERT_TRUE(more) << more.error().message;
        if (!*more) {
            break;
        }
        const auto& row = (*cursor)->row();
        ASSERT_TRUE(row.ts > last_ts || (row.ts == last_ts && row.id > last_id)) << n;
        last_ts = row.ts;
        last_id = row.id;
        ++n;
    }
    EXPECT_EQ(n, kRows);
    auto limited = store_->query({.limit = 10'001});
    ASSERT_TRUE(limited);
    EXPECT_EQ(limited->size(), 10'001U);
}

TEST_P(EventStoreTest, TheChangeStampMovesWhenRowsAreWritten) {
    const auto before = store_->changeStamp();
    ASSERT_TRUE(before) << before.error().message;
    appendAll({scan(kT0, "192.0.2.1")});
    EXPECT_NE(*store_->changeStamp(), *before);
}

INSTANTIATE_TEST_SUITE_P(Engines, EventStoreTest, kansoku::testing::kStoreEngines, kansoku::testing::engineName);

TEST(PostgresStoreTest, AnUnreachableServerIsOneLineWithoutThePassword) {
    const int port = 1; // nothing listens on tcp/1 of loopback
    const std::string url = "postgresql://kansoku:s3cret-pw@127.0.0.1:" + std::to_string(port) + "/kansoku";
    auto opened = openDatabase(url, OpenMode::ReadWriteCreate);
    ASSERT_FALSE(opened);
    const std::string& message = opened.error().message;
    EXPECT_EQ(message.find("s3cret-pw"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find("postgresql://kansoku@127.0.0.1:1/kansoku"), std::string::npos) << message;
    EXPECT_NE(message.find("cannot connect"), std::string::npos) << message;
}

TEST(PostgresStoreTest, ABadUrlIsOneLine) {
    auto opened = openDatabase("postgresql://[nonsense", OpenMode::ReadWriteCreate);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().message.find('\n'), std::string::npos) << opened.error().message;
}

TEST(PostgresStoreTest, PasswordsAreLeftOutOfNames) {
    EXPECT_EQ(redactedUrl("postgresql://u:pw@h:5/db?sslmode=require"), "postgresql://u@h:5/db?sslmode=require");
    EXPECT_EQ(redactedUrl("postgresql:///db?host=/tmp&password=pw&user=u"),
              "postgresql:///db?host=/tmp&password=...&user=u");
    EXPECT_EQ(redactedUrl("postgres://h/db"), "postgres://h/db");
}

/// Ends every other connection to `location`'s database, as a server restart or a network cut would.
void cutConnections(const std::string& location) {
    auto admin = PgConnection::connect(location);
    ASSERT_TRUE(admin);
    ASSERT_TRUE((*admin)->exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = "
                               "current_database() AND pid <> pg_backend_pid()",
                               "terminate"));
}

TEST(PostgresStoreTest, AConnectionLostMidRunIsAnErrorTheCallerSees) {
    kansoku::testing::TempDir dir;
    const auto where = kansoku::testing::newTestDatabase(StoreEngine::Postgres, dir);
    if (!where.skip.empty()) {
        GTEST_SKIP() << where.skip;
    }
    auto store = kansoku::testing::openTestDatabase(where.location);
    ASSERT_NE(store, nullptr);

    // Lost before commit: commit fails (the consumer does not acknowledge), the transaction is over.
    ASSERT_TRUE(store->begin());
    ASSERT_TRUE(store->append(scan(kT0, "192.0.2.1")));
    cutConnections(where.location);
    const auto committed = store->commit();
    ASSERT_FALSE(committed);
    EXPECT_EQ(committed.error().message.find('\n'), std::string::npos) << committed.error().message;

    // Lost inside a transaction and noticed by a read: nothing runs until the caller rolls back, so no later
    // COMMIT (on a new connection) could pass for the lost rows.
    ASSERT_TRUE(store->begin()) << "a new connection after the loss";
    ASSERT_TRUE(store->append(scan(kT0, "192.0.2.3")));
    cutConnections(where.location);
    EXPECT_FALSE(store->countEvents({}));
    EXPECT_FALSE(store->commit());
    store->rollback();

    // Then the store connects again: the lost rows are not there, new ones are.
    ASSERT_TRUE(store->begin());
    ASSERT_TRUE(store->append(scan(kT0, "192.0.2.2")));
    ASSERT_TRUE(store->commit());
    auto events = store->query({});
    ASSERT_TRUE(events) << events.error().message;
    ASSERT_EQ(events->size(), 1U);
    EXPECT_EQ(events->front().fields.value("src", ""), "192.0.2.2");
}

/// The first column of every row, each followed by `end`.
std::string joinedRows(const Result<PgRows>& rows, std::string_view end) {
    EXPECT_TRUE(rows) << rows.error().message;
    std::string text;
    for (int r = 0; rows && r < rows->size(); ++r) {
        text += rows->text(r, 0);
        text += end;
    }
    return text;
}

/// `columns` of every row of `table` on `db` (ordered by them), joined by '|', rows ended by ';'.
std::string rowsOf(PgConnection& db, const std::string& columns, const std::string& table) {
    return joinedRows(
        db.query("SELECT concat_ws('|', " + columns + ") FROM " + table + " ORDER BY " + columns, {}, "rows"), ";");
}

// The store writes the 0006 rollups and event_hours at commit from the events it appended (migration 0008
// dropped the trigger that did it); a rolled-back transaction adds nothing, a later one adds to the keys.
TEST(PostgresStoreTest, RollupsAreWrittenByTheCommitThatStoresTheEvents) {
    kansoku::testing::TempDir dir;
    const auto where = kansoku::testing::newTestDatabase(StoreEngine::Postgres, dir);
    if (!where.skip.empty()) {
        GTEST_SKIP() << where.skip;
    }
    auto store = kansoku::testing::openTestDatabase(where.location);
    ASSERT_NE(store, nullptr);
    const Event port_stats{
        "darknet.port_stats", kT0 + 1, "tokyo-1", {{"proto", "tcp"}, {"port", 23}, {"packets", 120}, {"sources", 7}}};
    const Event login{
        "honeypot.login",
        kT0 + 2,
        "osaka-1",
        {{"session", "s1"}, {"src", "203.0.113.9"}, {"username", "root"}, {"password", "x\ty"}, {"success", true}}};
    const Event command{"honeypot.command", kT0 + 3, "osaka-1", {{"session", "s1"}, {"input", "cd /tmp"}}};
    ASSERT_TRUE(store->begin());
    ASSERT_TRUE(store->append(scan(kT0, "192.0.2.1")));
    store->rollback();
    for (int round = 0; round < 2; ++round) {
        ASSERT_TRUE(store->begin());
        for (const auto& e : {scan(kT0, "192.0.2.1"), port_stats, login, command}) {
            ASSERT_TRUE(store->append(e));
        }
        const auto committed = store->commit();
        ASSERT_TRUE(committed) << committed.error().message;
    }
    auto db = PgConnection::connect(where.location);
    ASSERT_TRUE(db);
    const std::string minute = std::to_string(kT0);
    EXPECT_EQ(rowsOf(**db, "type, minute, count", "event_minutes"),
              "darknet.port_stats|" + minute + "|2;darknet.scan|" + minute + "|2;honeypot.command|" + minute +
                  "|2;honeypot.login|" + minute + "|2;");
    EXPECT_EQ(rowsOf(**db, "type, count", "event_hours"),
              "darknet.port_stats|2;darknet.scan|2;honeypot.command|2;honeypot.login|2;");
    EXPECT_EQ(rowsOf(**db, "minute, packets, sources", "probe_minutes"), minute + "|240|14;");
    EXPECT_EQ(rowsOf(**db, "port, proto, packets, sources", "port_minutes"), "23|tcp|240|14;");
    EXPECT_EQ(rowsOf(**db, "kind, hour, key, count, amount", "top_hours"),
              "command|" + minute + "|cd /tmp|2|0;credential|" + minute + "|[\"root\",\"x\\ty\"]|2|2;port|" + minute +
                  "|tcp/23|14|240;source|" + minute + "|192.0.2.1|2|6;tool|" + minute + "|unknown|2|6;");
}

/// The plan of `select` on `db`, with sequential scans priced out: a "Seq Scan" left in it means no index serves.
std::string planOf(PgConnection& db, const SqlFilter& select) {
    return joinedRows(db.query(numberedParameters("EXPLAIN " + select.sql()), PgParams(select.params()), "explain"),
                      "\n");
}

TEST(PostgresStoreTest, TheQueriesOfTheApiReportsAndTaxiiAreIndexed) {
    kansoku::testing::TempDir dir;
    const auto where = kansoku::testing::newTestDatabase(StoreEngine::Postgres, dir);
    if (!where.skip.empty()) {
        GTEST_SKIP() << where.skip;
    }
    ASSERT_NE(kansoku::testing::openTestDatabase(where.location), nullptr); // migrated
    auto db = PgConnection::connect(where.location);
    ASSERT_TRUE(db);
    ASSERT_TRUE((*db)->exec("SET enable_seqscan = off", "explain"));
    const auto prefix = *Prefix::parse("198.51.100.0/24");
    HostQuery in_scope;
    in_scope.scope = AddressScope{{prefix}, {64500}};
    in_scope.after = *IpAddress::parse("198.51.100.9");
    in_scope.limit = 1000;
    HostQuery recent;
    recent.seen_since = kT0;
    SharedObjectQuery page;
    page.collection = "c1";
    page.tlps = {"clear", "green"};
    page.limit = 1000;
    page.added_after = kT0;
    SqlFilter by_ip{std::string(kHostColumns)};
    by_ip.where("ip = ?", {std::string("198.51.100.7")});
    SqlFilter reports("SELECT id FROM reports");
    reports.where("isp = ?", {std::string("isp-a")});
    reports.append(" ORDER BY id DESC LIMIT 10");
    SqlFilter last_report("SELECT MAX(until) FROM reports");
    last_report.where("isp = ?", {std::string("isp-a")});
    SqlFilter log("SELECT ts FROM sharing_log");
    log.where("ts >= ?", {kT0});
    const std::vector<std::pair<std::string, SqlFilter>> queries = {
        {"events of a type in a time range", eventSelect({.type = "darknet.scan", .since = kT0, .until = kT0 + 1})},
        {"events in a time range", eventSelect({.since = kT0, .until = kT0 + 1})},
        {"events about one address", eventSelect({.subject = "198.51.100.7"})},
        {"a cursor's next page", eventSelect({.type = "darknet.scan", .limit = 10000}, EventPosition{kT0, 42})},
        {"counting a type", eventCountSelect({.type = "darknet.scan", .since = kT0})},
        {"an ISP's hosts page", hostSelect(in_scope)},
        {"hosts seen since", hostSelect(recent)},
        {"one host", by_ip},
        {"an ISP's reports", reports},
        {"where the next report starts", last_report},
        {"a TAXII page", sharedObjectSelect(page, 0)},
        {"the sharing log", log},
    };
    for (const auto& [what, select] : queries) {
        const std::string plan = planOf(**db, select);
        EXPECT_EQ(plan.find("Seq Scan"), std::string::npos) << what << ":\n" << select.sql() << "\n" << plan;
    }
}

} // namespace
} // namespace kansoku::store
