#pragma once

/// What the server reports about the process it runs in (GET /api/v1/status, GET /metrics),
/// given by the runtime that starts it, so web does not depend on app.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kansoku::web {

struct ConsumerStatus {
    std::string name;
    uint64_t delivered = 0;
    uint64_t errors = 0; ///< failed deliveries and flushes
};

/// `kansoku center`: the JetStream consumer (docs/transport.md).
struct TransportStatus {
    bool connected = false;
    uint64_t fetched = 0;
    uint64_t delivered = 0;
    uint64_t acknowledged = 0;
    uint64_t nacked = 0;
    uint64_t redelivered = 0;
    uint64_t already_stored = 0;
    uint64_t dead_letter_errors = 0;
    std::vector<std::pair<std::string, uint64_t>> refused; ///< dead-lettered, per reason
};

/// What a sensor said in its latest sensor.heartbeat (docs/events.md).
struct SensorHeartbeatStatus {
    int64_t ts = 0; ///< microseconds
    uint64_t seq = 0;
    uint64_t captured = 0;
    uint64_t dropped_kernel = 0;
    uint64_t spooled = 0;
    uint64_t spool_pending = 0;
    uint64_t spool_dropped = 0;
    uint64_t sent = 0;
    uint64_t acknowledged = 0;
    uint64_t duplicates = 0;
    uint64_t resends = 0;
    uint64_t reconnects = 0;
};

struct SequenceGapStatus {
    uint64_t first = 0;
    uint64_t last = 0;
    int64_t noticed = 0; ///< microseconds
};

/// One sensor's link to this center: GET /api/v1/sensors, kansoku_sensor_* in /metrics.
struct SensorLinkStatus {
    std::string sensor;
    int64_t last_contact = 0;  ///< microseconds
    int64_t last_event_ts = 0; ///< microseconds
    double lag_seconds = 0;
    uint64_t events = 0;
    uint64_t redeliveries = 0;
    uint64_t highest_sequence = 0;
    uint64_t missing = 0;
    std::vector<SequenceGapStatus> gaps;
    bool silent = false;
    std::optional<SensorHeartbeatStatus> heartbeat;
};

struct ProcessStatus {
    std::string version;
    std::string sensor;
    double uptime_seconds = 0;
    uint64_t events_published = 0; ///< accepted by the event bus
    uint64_t events_dropped = 0;   ///< refused by the event bus (full or stopped)
    std::vector<ConsumerStatus> consumers;
    uint64_t events_queued = 0; ///< waiting in the event bus now
    uint64_t events_max_queued = 0;
    uint64_t store_commits = 0;      ///< store write transactions committed (live runs)
    double store_commit_seconds = 0; ///< their total time, appends and commit
    double store_commit_seconds_max = 0;
    std::optional<TransportStatus> transport; ///< `kansoku center` only
    std::vector<SensorLinkStatus> sensors;    ///< `kansoku center` only
};

class StatusProvider {
public:
    virtual ~StatusProvider() = default;
    /// Called from the server's thread; must be cheap and thread-safe.
    virtual ProcessStatus status() const = 0;
};

} // namespace kansoku::web
