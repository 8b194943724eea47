#pragma once

/// The sensor.heartbeat event (docs/events.md, schemas/events/sensor.heartbeat.schema.json): what a
/// sensor says about itself so the center can account for loss — its sequence number and counters
/// from capture to the stream's acknowledgement.

#include <cstdint>

#include "common/event.h"

namespace kansoku::transport {

struct SensorLossCounters {
    uint64_t sequence = 0;       ///< the highest sequence number handed out (this heartbeat's own)
    uint64_t captured = 0;       ///< packets received by the capture (sum of capture.stats received)
    uint64_t dropped_kernel = 0; ///< packets the kernel dropped (sum of capture.stats dropped_kernel)
    uint64_t spooled = 0;        ///< events written to the spool since start
    uint64_t spool_pending = 0;  ///< in the spool, not acknowledged yet
    uint64_t spool_dropped = 0;  ///< refused because the spool was full
    uint64_t sent = 0;           ///< publishes to the stream (resends included)
    uint64_t acknowledged = 0;   ///< the highest sequence the stream acknowledged
    uint64_t duplicates = 0;     ///< publishes the stream dropped as already stored (resends)
    uint64_t resends = 0;        ///< publish windows sent again after a failure or timeout
    uint64_t reconnects = 0;
};

inline constexpr const char* kHeartbeatType = "sensor.heartbeat";

Event makeHeartbeat(const std::string& sensor, Timestamp ts, double interval_seconds, const SensorLossCounters& c);

} // namespace kansoku::transport
