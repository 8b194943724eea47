#include <gtest/gtest.h>

#include "store/sqlite_store.h"
#include "store/store_sink.h"
#include "temp_dir.h"

namespace kansoku::store {
namespace {

using testing::TempDir;

constexpr Timestamp kT0 = 1'714'564'800'000'000;

Event scan(int n) {
    return Event{"darknet.scan", kT0 + n, "tokyo-1", {{"src", "198.51.100." + std::to_string(n)}}};
}

/// A Store that records calls and fails the appends it is told to.
class FakeStore final : public Store {
public:
    Result<void> begin() override {
        calls.emplace_back("begin");
        return {};
    }
    Result<void> append(const Event& event) override {
        ++appends;
        if (appends == fail_append) {
            calls.emplace_back("append-failed");
            return fail("database fake: disk I/O error");
        }
        calls.emplace_back("append");
        pending.push_back(event);
        return {};
    }
    Result<void> commit() override {
        calls.emplace_back("commit");
        committed.insert(committed.end(), pending.begin(), pending.end());
        pending.clear();
        return {};
    }
    void rollback() override {
        calls.emplace_back("rollback");
        pending.clear();
    }
    Result<std::vector<Event>> query(const EventQuery&) override { return committed; }
    Result<int> schemaVersion() override { return 1; }

    int fail_append = 0; ///< the 1-based append that fails; 0: none
    int appends = 0;
    std::vector<std::string> calls;
    std::vector<Event> pending;
    std::vector<Event> committed;
};

/// A writer and, on a second connection, a reader of the same database.
class StoreSinkSqlite : public ::testing::Test {
protected:
    void SetUp() override {
        auto writer = SqliteStore::open(dir_.file("kansoku.db"), OpenMode::ReadWriteCreate);
        ASSERT_TRUE(writer) << writer.error().message;
        writer_ = std::move(*writer);
        auto reader = SqliteStore::open(dir_.file("kansoku.db"), OpenMode::ReadOnly);
        ASSERT_TRUE(reader) << reader.error().message;
        reader_ = std::move(*reader);
    }
    size_t committedCount() {
        const auto events = reader_->query({});
        EXPECT_TRUE(events) << events.error().message;
        return events ? events->size() : 0;
    }

    TempDir dir_;
    std::unique_ptr<SqliteStore> writer_;
    std::unique_ptr<SqliteStore> reader_;
};

TEST_F(StoreSinkSqlite, AtomicCommitsOnlyOnFlush) {
    StoreSink sink(*writer_, StoreSink::Atomic{});
    for (int i = 0; i < 5; ++i) {
        sink.publish(scan(i));
    }
    EXPECT_EQ(committedCount(), 0U);
    ASSERT_TRUE(sink.flush());
    EXPECT_EQ(committedCount(), 5U);
    EXPECT_TRUE(sink.flush()); // nothing pending
}

TEST_F(StoreSinkSqlite, AtomicRollsBackWhenNotFlushed) {
    {
        StoreSink before(*writer_, StoreSink::Atomic{});
        before.publish(scan(0));
        ASSERT_TRUE(before.flush());
    }
    {
        StoreSink abandoned(*writer_, StoreSink::Atomic{});
        for (int i = 1; i < 100; ++i) {
            abandoned.publish(scan(i));
        }
    }
    const auto events = reader_->query({});
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 1U);
    EXPECT_EQ(events->front().fields["src"], "198.51.100.0");
    // The writer is usable again: the abandoned transaction is gone.
    StoreSink after(*writer_, StoreSink::Atomic{});
    after.publish(scan(200));
    EXPECT_TRUE(after.flush());
    EXPECT_EQ(committedCount(), 2U);
}

TEST_F(StoreSinkSqlite, BatchedCommitsEveryBatchAndOnFlush) {
    StoreSink sink(*writer_, StoreSink::Batched{2});
    for (int i = 0; i < 5; ++i) {
        sink.publish(scan(i));
    }
    EXPECT_EQ(committedCount(), 4U);
    ASSERT_TRUE(sink.flush());
    EXPECT_EQ(committedCount(), 5U);
    EXPECT_EQ(sink.dropped(), 0);
}

TEST_F(StoreSinkSqlite, BatchedLeavesOnlyTheUnflushedBatchUncommitted) {
    {
        StoreSink sink(*writer_, StoreSink::Batched{3});
        for (int i = 0; i < 7; ++i) {
            sink.publish(scan(i));
        }
    }
    EXPECT_EQ(committedCount(), 6U);
}

TEST(StoreSink, AtomicFailureCommitsNothing) {
    FakeStore store;
    store.fail_append = 3;
    StoreSink sink(store, StoreSink::Atomic{});
    for (int i = 0; i < 5; ++i) {
        sink.publish(scan(i));
    }
    const auto flushed = sink.flush();
    ASSERT_FALSE(flushed);
    EXPECT_EQ(flushed.error().message, "database fake: disk I/O error");
    EXPECT_FALSE(sink.flush()); // the run stays failed
    EXPECT_TRUE(store.committed.empty());
    EXPECT_EQ(store.calls, (std::vector<std::string>{"begin", "append", "append", "append-failed", "rollback"}));
    EXPECT_EQ(sink.dropped(), 5);
}

TEST(StoreSink, BatchedReportsAFailureOnceAndGoesOn) {
    FakeStore store;
    store.fail_append = 4;
    StoreSink sink(store, StoreSink::Batched{3});
    for (int i = 0; i < 7; ++i) {
        sink.publish(scan(i));
    }
    const auto flushed = sink.flush();
    ASSERT_FALSE(flushed);
    EXPECT_EQ(flushed.error().message, "database fake: disk I/O error");
    // Events 0-2 and 4-6 were committed in batches of three; event 3 was lost with its batch.
    EXPECT_EQ(store.committed.size(), 6U);
    EXPECT_EQ(sink.dropped(), 1);
    EXPECT_TRUE(sink.flush());
}

TEST(StoreSink, DestructionRollsBackAnOpenTransaction) {
    FakeStore store;
    {
        StoreSink sink(store, StoreSink::Atomic{});
        sink.publish(scan(0));
    }
    EXPECT_EQ(store.calls, (std::vector<std::string>{"begin", "append", "rollback"}));
}

TEST(StoreSink, NothingPublishedMeansNoTransaction) {
    FakeStore store;
    {
        StoreSink sink(store, StoreSink::Atomic{});
        EXPECT_TRUE(sink.flush());
    }
    EXPECT_TRUE(store.calls.empty());
}

} // namespace
} // namespace kansoku::store
