#pragma once

/// Correlation over stored events (`kansoku intel correlate`, the benchmark): reads the event types
/// the correlator needs from the store, in an order that needs little memory (samples and sandbox
/// reports first, so scan profiles are known before the scans; the honeypot events of one session
/// in time order), and upserts the resulting infected hosts and C2 endpoints.

#include <cstdint>
#include <functional>
#include <optional>

#include "common/result.h"
#include "common/time.h"
#include "intel/correlator.h"
#include "store/database.h"

namespace kansoku::intel {

struct StoredCorrelationOptions {
    std::optional<Timestamp> since; ///< events with ts >= since; all when unset
    /// Called now and then with events read so far and the total to read (counted first only when set).
    std::function<void(uint64_t done, uint64_t total)> progress;
    bool write = true; ///< upsert the results into the store's intel tables
};

struct StoredCorrelationSummary {
    uint64_t events = 0;      ///< rows read
    uint64_t hosts = 0;       ///< infected hosts found (rows upserted)
    uint64_t c2 = 0;          ///< C2 endpoints found
    double read_seconds = 0;  ///< reading and correlating
    double write_seconds = 0; ///< upserting
    CorrelatorCounters counters;
};

Result<StoredCorrelationSummary> correlateStored(store::Database& store, Correlator& correlator,
                                                 const StoredCorrelationOptions& options);

} // namespace kansoku::intel
