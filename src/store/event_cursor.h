#pragma once

/// Reading stored events one row at a time without building them: for work over millions of
/// events (correlation) that needs only a few fields of each body and must not hold them all.

#include <cstdint>
#include <string_view>

#include "common/result.h"
#include "common/time.h"

namespace kansoku::store {

/// One stored event's columns as read; the views are valid until the cursor moves.
struct EventRowView {
    int64_t id = 0; ///< insertion order
    std::string_view type;
    Timestamp ts = 0;
    std::string_view sensor;
    std::string_view body; ///< the whole event as one JSON line (Event::toJsonLine)
};

class EventCursor {
public:
    virtual ~EventCursor() = default;
    /// Moves to the next row: false at the end; an error when the database fails.
    virtual Result<bool> next() = 0;
    /// The current row (after next() returned true).
    virtual const EventRowView& row() const = 0;
};

} // namespace kansoku::store
