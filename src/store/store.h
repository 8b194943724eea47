#pragma once

/// Where events are kept: one row per event (ARCHITECTURE.md "Events"). The embedded default is
/// SQLite (SqliteStore); a PostgreSQL backend uses the same tables, so schema and queries stay
/// portable SQL: BIGINT microsecond timestamps, TEXT, the full event as a JSON line in `body`.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/event.h"
#include "common/result.h"
#include "common/time.h"

namespace kansoku::store {

/// What to read back. Unset members do not filter; rows come ordered by ts, then insertion.
struct EventQuery {
    std::string type;                   ///< exact event type; empty: any type
    std::optional<Timestamp> since;     ///< ts >= since
    std::optional<Timestamp> until;     ///< ts < until (half-open, so adjacent windows do not overlap)
    std::optional<std::string> sensor;  ///< exact sensor name
    std::optional<std::string> subject; ///< the event's main address (see eventSubject())
    int64_t limit = 0;                  ///< at most this many (the earliest); 0: no limit
};

/// A database of events. Writes happen inside an explicit transaction: begin(), append()...,
/// commit() or rollback(). One Store is used from one thread at a time.
class Store {
public:
    virtual ~Store() = default;

    /// Starts a write transaction.
    virtual Result<void> begin() = 0;
    /// Adds one event; only inside a transaction opened with begin().
    virtual Result<void> append(const Event& event) = 0;
    /// Makes everything appended since begin() durable.
    virtual Result<void> commit() = 0;
    /// Discards everything appended since begin(); does nothing when no transaction is open.
    virtual void rollback() = 0;

    /// Events matching `query`, ordered by ts, then by the order they were appended.
    virtual Result<std::vector<Event>> query(const EventQuery& query) = 0;

    /// The highest schema migration applied to the database (0: none).
    virtual Result<int> schemaVersion() = 0;
};

} // namespace kansoku::store
