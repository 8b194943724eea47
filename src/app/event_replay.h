#pragma once

/// Replays recorded events (JSON lines, as `kansoku darknet analyze --jsonl` or the events file
/// write them) through a sensor's bus: `kansoku sensor --replay`, for tests, benchmarks and
/// re-sending a site's history. Each replayed event carries this sensor's name and its own event
/// time (the replay's start plus one microsecond per event), so repeats are distinct events.

#include <cstdint>
#include <string>

#include "common/event_sink.h"
#include "common/result.h"

namespace kansoku::app {

struct ReplayTotals {
    uint64_t published = 0;
    uint64_t skipped = 0; ///< lines that are not an event
};

/// Publishes every event of `path`, `repeat` times over.
Result<ReplayTotals> replayEvents(const std::string& path, int64_t repeat, const std::string& sensor, EventSink& sink);

} // namespace kansoku::app
