#pragma once

// ServerTest with a store in a temporary database, for the routes that read infected hosts and
// ISPs (notices, blocklists). A test's SetUp calls StoreServerTest::SetUp first, then fills store_.

#include <memory>

#include "server_fixture.h"
#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace kansoku::web::test {

class StoreServerTest : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        auto opened = store::SqliteStore::open(db_dir_.file("k.db"), store::OpenMode::ReadWriteCreate);
        ASSERT_TRUE(opened) << opened.error().message;
        store_ = std::move(*opened);
    }

    kansoku::testing::TempDir db_dir_;
    std::unique_ptr<store::SqliteStore> store_;
};

} // namespace kansoku::web::test
