#pragma once

/// An EventSink that writes events to a Store, in transactions.

#include <atomic>
#include <cstdint>
#include <optional>
#include <variant>

#include "common/event_sink.h"
#include "store/store.h"

namespace kansoku::store {

class StoreSink final : public EventSink {
public:
    /// Offline runs: every event in one transaction, committed only by flush(). A run that fails
    /// or never flushes leaves the database as it was.
    struct Atomic {};
    /// Live runs: a commit every `batch_size` events and on flush(). A failed batch is rolled back
    /// and counted in dropped(); later events go on in a new batch.
    struct Batched {
        int64_t batch_size = 1000;
    };
    using Mode = std::variant<Atomic, Batched>;

    /// Writes to `store`, which must outlive the sink.
    StoreSink(Store& store, Mode mode);
    /// Rolls back anything not yet committed.
    ~StoreSink() override;
    StoreSink(const StoreSink&) = delete;
    StoreSink& operator=(const StoreSink&) = delete;

    /// Appends the event; never throws. A failure is kept and reported by flush().
    void publish(const Event& event) override;
    /// Commits the open transaction. Returns the first failure since the last flush (Atomic: since
    /// construction, and nothing is committed after one).
    Result<void> flush() override;

    /// Events lost to failed transactions.
    int64_t dropped() const { return dropped_; }

    /// Write latency of committed transactions (for /metrics), readable from any thread.
    struct WriteStats {
        uint64_t commits = 0;
        uint64_t micros = 0;     ///< total time spent in the store writing them (appends and commit)
        uint64_t max_micros = 0; ///< the slowest
    };
    WriteStats writeStats() const {
        return {commits_.load(std::memory_order_relaxed), commit_micros_.load(std::memory_order_relaxed),
                max_commit_micros_.load(std::memory_order_relaxed)};
    }

private:
    Result<void> append(const Event& event);
    Result<void> commitPending();
    void abandonPending(Error error);

    Store& store_;
    std::optional<int64_t> batch_size_; ///< unset: Atomic
    bool in_transaction_ = false;
    int64_t pending_ = 0; ///< events appended in the open transaction
    int64_t dropped_ = 0;
    std::optional<Error> error_;
    uint64_t batch_micros_ = 0; ///< time spent writing the open transaction so far
    std::atomic<uint64_t> commits_{0};
    std::atomic<uint64_t> commit_micros_{0};
    std::atomic<uint64_t> max_commit_micros_{0};
};

} // namespace kansoku::store
