#pragma once

/// An event as a row of the `events` table, shared by every Store backend: the whole event as
/// one JSON line in `body`, plus copies of the columns queries filter on.

#include <optional>
#include <string>
#include <string_view>

#include "common/event.h"
#include "common/result.h"

namespace kansoku::store {

struct EventRow {
    std::string type;
    Timestamp ts = 0;
    std::string sensor;
    std::optional<std::string> subject;
    std::string body; ///< Event::toJsonLine()
};

/// The event's main address: the first of the fields "src", "victim", "ip" that is a string.
std::optional<std::string> eventSubject(const Event& event);

/// The row that stores `event`.
EventRow toEventRow(const Event& event);

/// Rebuilds an event from its row: type, ts and sensor from the columns, the fields from `body`
/// (every key but type, ts and sensor, in their stored order). Fails if `body` is not a JSON object.
Result<Event> eventFromRow(std::string type, Timestamp ts, std::string sensor, std::string_view body);

} // namespace kansoku::store
