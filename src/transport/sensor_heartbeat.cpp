#include "transport/sensor_heartbeat.h"

namespace kansoku::transport {

Event makeHeartbeat(const std::string& sensor, Timestamp ts, double interval_seconds, const SensorLossCounters& c) {
    Event event{kHeartbeatType, ts, sensor};
    event.reserveFields(12);
    event.add("interval", interval_seconds);
    event.add("seq", c.sequence);
    event.add("captured", c.captured);
    event.add("dropped_kernel", c.dropped_kernel);
    event.add("spooled", c.spooled);
    event.add("spool_pending", c.spool_pending);
    event.add("spool_dropped", c.spool_dropped);
    event.add("sent", c.sent);
    event.add("acknowledged", c.acknowledged);
    event.add("duplicates", c.duplicates);
    event.add("resends", c.resends);
    event.add("reconnects", c.reconnects);
    return event;
}

} // namespace kansoku::transport
