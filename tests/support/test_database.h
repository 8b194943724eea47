#pragma once

// A fresh kansoku database of either engine for one test: SQLite in a temporary directory, or a new
// database on the PostgreSQL server of the CTest fixture `postgres` (tests/support/postgres_server.py;
// KANSOKU_TEST_PG_URL, else the fixture's URL compiled in). Tests over both engines are parameterised by StoreEngine
// and skip PostgreSQL, saying why, when no server was started for them.

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "store/open_database.h"
#include "store/postgres_connection.h"
#include "support/temp_dir.h"

namespace kansoku::testing {

enum class StoreEngine { Sqlite, Postgres };

inline std::string engineName(const ::testing::TestParamInfo<StoreEngine>& info) {
    return info.param == StoreEngine::Sqlite ? "Sqlite" : "Postgres";
}

/// Where a new database is, or why there is none (`skip`).
struct TestDatabaseLocation {
    std::string location;
    std::string skip;
};

/// A new empty database: a file under `dir`, or a database created on the fixture's server.
inline TestDatabaseLocation newTestDatabase(StoreEngine engine, const TempDir& dir) {
    if (engine == StoreEngine::Sqlite) {
        return {dir.file("k.db"), {}};
    }
    const char* env = std::getenv("KANSOKU_TEST_PG_URL");
    std::string url = env != nullptr ? env : "";
#ifdef KANSOKU_TEST_PG_URL_DEFAULT
    if (url.empty() && std::filesystem::exists(std::filesystem::path(KANSOKU_TEST_PG_DIR) / "url")) {
        url = KANSOKU_TEST_PG_URL_DEFAULT;
    }
#endif
    if (url.empty()) {
        return {{},
                "no PostgreSQL server for tests: KANSOKU_TEST_PG_URL is not set and the CTest fixture "
                "postgres_fixture_start did not start one (is PostgreSQL installed? see its output)"};
    }
    auto admin = store::PgConnection::connect(url);
    if (!admin) {
        return {{}, "no PostgreSQL server for tests: " + admin.error().message};
    }
    static std::atomic<int> counter{0};
    const std::string name = "t" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    auto created = (*admin)->exec("CREATE DATABASE " + name, "test database");
    if (!created) {
        ADD_FAILURE() << created.error().message;
        return {{}, created.error().message};
    }
    std::string location(url);
    const auto slash = location.find('/', location.find("://") + 3);
    const auto end = location.find('?', slash);
    location.replace(slash + 1, (end == std::string::npos ? location.size() : end) - slash - 1, name);
    return {location, {}};
}

/// Opens (and migrates) a new database of `engine`; null with a test failure when it cannot be opened.
inline std::unique_ptr<store::Database> openTestDatabase(const std::string& location,
                                                         store::OpenMode mode = store::OpenMode::ReadWriteCreate) {
    auto opened = store::openDatabase(location, mode);
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? std::move(*opened) : nullptr;
}

} // namespace kansoku::testing

namespace kansoku::testing {

/// A test run once per engine (INSTANTIATE_TEST_SUITE_P(Engines, T, kStoreEngines, engineName)): store_ is a
/// new migrated database of GetParam()'s engine; PostgreSQL is skipped, saying why, without a server.
class StoreEngineTest : public ::testing::TestWithParam<StoreEngine> {
protected:
    void SetUp() override {
        const auto where = newTestDatabase(GetParam(), dir_);
        if (!where.skip.empty()) {
            GTEST_SKIP() << where.skip;
        }
        location_ = where.location;
        store_ = openTestDatabase(location_);
        ASSERT_NE(store_, nullptr);
    }
    TempDir dir_;
    std::string location_;
    std::unique_ptr<store::Database> store_;
};

inline const auto kStoreEngines = ::testing::Values(StoreEngine::Sqlite, StoreEngine::Postgres);

} // namespace kansoku::testing
