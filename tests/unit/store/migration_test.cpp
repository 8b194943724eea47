#include <gtest/gtest.h>

#include "store/migration.h"

namespace kansoku::store {
namespace {

TEST(Migration, VersionsRunFromOneWithoutGaps) {
    const auto migrations = compiledMigrations();
    ASSERT_FALSE(migrations.empty());
    for (size_t i = 0; i < migrations.size(); ++i) {
        EXPECT_EQ(migrations[i].version, static_cast<int>(i) + 1) << migrations[i].name;
        EXPECT_FALSE(migrations[i].sql.empty()) << migrations[i].name;
    }
    EXPECT_EQ(latestSchemaVersion(), migrations.back().version);
}

TEST(Migration, FirstCreatesTheEventsTable) {
    const Migration& first = compiledMigrations().front();
    EXPECT_EQ(first.name, "0001_events");
    EXPECT_NE(first.sql.find("CREATE TABLE events"), std::string_view::npos);
}

} // namespace
} // namespace kansoku::store
