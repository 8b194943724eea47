#pragma once

/// What the server reports about the process it runs in (GET /api/v1/status, GET /metrics),
/// given by the runtime that starts it, so web does not depend on app.

#include <cstdint>
#include <string>
#include <vector>

namespace kansoku::web {

struct ConsumerStatus {
    std::string name;
    uint64_t delivered = 0;
    uint64_t errors = 0; ///< failed deliveries and flushes
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
};

class StatusProvider {
public:
    virtual ~StatusProvider() = default;
    /// Called from the server's thread; must be cheap and thread-safe.
    virtual ProcessStatus status() const = 0;
};

} // namespace kansoku::web
