#pragma once

// A fresh SQLite store (with the whole schema) in a test's temporary directory.

#include <memory>

#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "support/temp_dir.h"

namespace kansoku::testing {

/// `dir`/k.db, created and migrated; null (with a test failure) when it cannot be opened.
inline std::unique_ptr<store::SqliteStore> openTempStore(const TempDir& dir) {
    auto opened = store::SqliteStore::open((dir.path() / "k.db").string(), store::OpenMode::ReadWriteCreate);
    EXPECT_TRUE(opened) << opened.error().message;
    return opened ? std::move(*opened) : nullptr;
}

} // namespace kansoku::testing
