#pragma once

/// A copy of every published event for the test suites' schema check (tests/support/validate_events.py).
/// When the environment variable KANSOKU_EVENT_TAP names a directory at the first publish, the sinks
/// that tests and the binary use (CollectingSink, JsonlWriter) also append each event as one JSON line
/// to `<dir>/events-<pid>.jsonl`. Unset, the cost is one test of a flag read once.

#include <string_view>

#include "common/event.h"

namespace kansoku {

namespace detail {
/// Whether KANSOKU_EVENT_TAP was set (read once, on first use).
bool eventTapEnabledSlow();
/// Appends one line (no trailing newline) to this process's tap file, in one write(2).
void writeEventTapLine(std::string_view line);
} // namespace detail

inline bool eventTapEnabled() {
    static const bool enabled = detail::eventTapEnabledSlow();
    return enabled;
}

/// Copies `event` to the tap when it is enabled.
inline void tapEvent(const Event& event) {
    if (eventTapEnabled()) {
        detail::writeEventTapLine(event.toJsonLine());
    }
}

/// Copies an event already formatted as one JSON line to the tap when it is enabled.
inline void tapEventLine(std::string_view line) {
    if (eventTapEnabled()) {
        detail::writeEventTapLine(line);
    }
}

} // namespace kansoku
