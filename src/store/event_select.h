#pragma once

/// The SELECT over `events` an EventQuery means, in the SQL both engines accept.

#include <cstdint>
#include <optional>

#include "store/sql_filter.h"
#include "store/store.h"

namespace kansoku::store {

/// A row's place in the (ts, id) order query() returns rows in.
struct EventPosition {
    Timestamp ts = 0;
    int64_t id = 0;
};

/// "SELECT id, type, ts, sensor, body FROM events WHERE ... ORDER BY ts, id [LIMIT ?]"; with
/// `after`, only the rows after that one (a cursor reading in pages).
SqlFilter eventSelect(const EventQuery& query, std::optional<EventPosition> after = std::nullopt);

/// "SELECT COUNT(*) FROM events WHERE ..." with the filters of `query` (its limit is not applied).
SqlFilter eventCountSelect(const EventQuery& query);

} // namespace kansoku::store
