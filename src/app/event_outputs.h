#pragma once

/// The places a command's events go: JSON lines on stdout, an events file (var/events.jsonl),
/// and the store. Built once per command from its options; commit() makes them durable.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/event_sink.h"
#include "common/jsonl_writer.h"
#include "store/database.h"
#include "store/store_sink.h"

namespace kansoku::app {

struct OutputOptions {
    bool jsonl_stdout = false;
    std::string events_file; ///< appended to; empty for none
    std::string database;    ///< SQLite path; empty for none
    store::StoreSink::Mode mode = store::StoreSink::Atomic{};
};

class EventOutputs {
public:
    /// Opens every output up front, so a bad path fails before any work is done.
    static Result<std::unique_ptr<EventOutputs>> open(const OutputOptions& options);

    EventSink& sink() { return fanout_; }
    /// Each output by name ("events_file", "stdout", "store"), files first, so a bus can count
    /// them one by one; the store comes last so files are written before it commits.
    std::vector<std::pair<std::string, EventSink*>> consumers() const { return consumers_; }
    /// The store's write latency so far (zeros without a store).
    store::StoreSink::WriteStats storeWrites() const {
        return store_sink_ ? store_sink_->writeStats() : store::StoreSink::WriteStats{};
    }
    /// Flushes files and commits the store. Without it, nothing reaches the database.
    Result<void> commit() { return fanout_.flush(); }
    bool hasAny() const { return any_; }

private:
    FanoutSink fanout_;
    std::unique_ptr<JsonlWriter> stdout_;
    std::unique_ptr<JsonlWriter> file_;
    std::unique_ptr<store::Database> store_;
    std::unique_ptr<store::StoreSink> store_sink_;
    std::vector<std::pair<std::string, EventSink*>> consumers_;
    bool any_ = false;
};

} // namespace kansoku::app
