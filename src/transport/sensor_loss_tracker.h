#pragma once

/// The center's loss accounting per sensor (docs/transport.md "Loss accounting"): last contact,
/// lag (arrival minus event time), the sequence numbers seen and the gaps between them, and the
/// sensor's own counters from its latest sensor.heartbeat. It raises an `alert` event when a
/// sensor is silent longer than `silent_after` (kind sensor.silent, once per silence) and when a
/// sequence number is still missing after `gap_after` (kind sensor.sequence_gap, once per gap).
/// Sequence numbers before the first one a center sees of a sensor are not missing (the center
/// started later). Thread-safe. A center tracks what it consumed: with several centers on one stream each sees its
/// share, so gap alerts come from the centers' union only when one center runs (docs/transport.md).

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/duration.h"
#include "common/event.h"
#include "transport/sensor_heartbeat.h"

namespace kansoku::transport {

struct SequenceGap {
    uint64_t first = 0; ///< the first missing sequence
    uint64_t last = 0;  ///< the last missing one
    Timestamp noticed = 0;
};

struct SensorLoss {
    std::string sensor;
    Timestamp last_contact = 0;  ///< when the center last received anything from it
    Timestamp last_event_ts = 0; ///< the event time of that message
    double lag_seconds = 0;      ///< arrival minus event time of the latest message
    uint64_t events = 0;         ///< messages received (redeliveries not counted)
    uint64_t redeliveries = 0;   ///< sequence numbers received again
    uint64_t highest_sequence = 0;
    uint64_t missing = 0;          ///< sequence numbers below the highest never received
    std::vector<SequenceGap> gaps; ///< reported gaps (at most the latest 32)
    bool silent = false;           ///< silent for longer than silent_after
    bool has_heartbeat = false;
    SensorLossCounters heartbeat; ///< from its latest heartbeat
    Timestamp heartbeat_ts = 0;
};

class SensorLossTracker {
public:
    SensorLossTracker(Duration silent_after, Duration gap_after, std::string center);

    /// Records a message of `event.sensor` with `sequence`, arrived at `now`; false when that
    /// sequence was seen before (a redelivery).
    bool observe(const Event& event, uint64_t sequence, Timestamp now);
    /// Alerts due at `now` (silences and gaps not reported yet), as events of sensor `center`.
    std::vector<Event> check(Timestamp now);
    std::vector<SensorLoss> snapshot() const;

private:
    struct Sensor {
        SensorLoss loss;
        uint64_t contiguous = 0;               ///< every sequence up to this one was seen
        std::map<uint64_t, uint64_t> seen;     ///< seen ranges above contiguous: first -> last
        std::map<uint64_t, Timestamp> pending; ///< first missing sequence of an open gap -> when noticed
    };
    void noteHeartbeat(Sensor& s, const Event& event);
    static void advance(Sensor& s);

    Duration silent_after_;
    Duration gap_after_;
    std::string center_;
    mutable std::mutex mutex_;
    std::map<std::string, Sensor> sensors_;
};

} // namespace kansoku::transport
