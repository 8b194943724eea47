#include "web/sensor_links.h"

#include <fmt/format.h>

namespace kansoku::web {
namespace {

double seconds(int64_t micros) {
    return static_cast<double>(micros) / 1e6;
}

nlohmann::json heartbeatJson(const SensorHeartbeatStatus& h) {
    return {{"ts", formatRfc3339(h.ts)},          {"seq", h.seq},         {"captured", h.captured},
            {"dropped_kernel", h.dropped_kernel}, {"spooled", h.spooled}, {"spool_pending", h.spool_pending},
            {"spool_dropped", h.spool_dropped},   {"sent", h.sent},       {"acknowledged", h.acknowledged},
            {"duplicates", h.duplicates},         {"resends", h.resends}, {"reconnects", h.reconnects}};
}

} // namespace

nlohmann::json sensorLinksJson(const ProcessStatus& status, Timestamp now) {
    nlohmann::json transport = nullptr;
    if (status.transport) {
        const auto& t = *status.transport;
        auto refused = nlohmann::json::object();
        for (const auto& [reason, count] : t.refused) {
            refused[reason] = count;
        }
        transport = {
            {"connected", t.connected},           {"fetched", t.fetched}, {"delivered", t.delivered},
            {"acknowledged", t.acknowledged},     {"nacked", t.nacked},   {"redelivered", t.redelivered},
            {"already_stored", t.already_stored}, {"refused", refused},   {"dead_letter_errors", t.dead_letter_errors}};
    }
    auto sensors = nlohmann::json::array();
    for (const auto& s : status.sensors) {
        auto gaps = nlohmann::json::array();
        for (const auto& g : s.gaps) {
            gaps.push_back({{"first", g.first}, {"last", g.last}, {"noticed", formatRfc3339(g.noticed)}});
        }
        sensors.push_back({{"sensor", s.sensor},
                           {"last_contact", formatRfc3339(s.last_contact)},
                           {"silent_seconds", seconds(now - s.last_contact)},
                           {"silent", s.silent},
                           {"lag_seconds", s.lag_seconds},
                           {"events", s.events},
                           {"redeliveries", s.redeliveries},
                           {"highest_sequence", s.highest_sequence},
                           {"missing", s.missing},
                           {"gaps", gaps},
                           {"heartbeat", s.heartbeat ? heartbeatJson(*s.heartbeat) : nlohmann::json(nullptr)}});
    }
    return {{"transport", transport}, {"sensors", sensors}};
}

void addSensorLinkMetrics(Exposition& e, const ProcessStatus& status, Timestamp now) {
    if (!status.transport) {
        return;
    }
    const auto& t = *status.transport;
    e.single("kansoku_transport_connected", "gauge", "1 while connected to the NATS cluster.", t.connected ? 1 : 0);
    e.single("kansoku_transport_fetched_total", "counter", "Messages taken from the stream.",
             static_cast<double>(t.fetched));
    e.single("kansoku_transport_acknowledged_total", "counter", "Messages acknowledged after the store committed.",
             static_cast<double>(t.acknowledged));
    e.single("kansoku_transport_nacked_total", "counter", "Messages given back because the store failed.",
             static_cast<double>(t.nacked));
    e.single("kansoku_transport_redelivered_total", "counter", "Messages received again.",
             static_cast<double>(t.redelivered));
    e.single("kansoku_transport_already_stored_total", "counter", "Redelivered messages found in the store.",
             static_cast<double>(t.already_stored));
    e.family("kansoku_transport_refused_total", "counter", "Messages dead-lettered, by reason.");
    for (const auto& [reason, count] : t.refused) {
        e.sample("kansoku_transport_refused_total", fmt::format("reason=\"{}\"", labelValue(reason)),
                 static_cast<double>(count));
    }
    struct Family {
        const char* name;
        const char* type;
        const char* help;
    };
    const auto per_sensor = [&](const Family& f, auto value) {
        e.family(f.name, f.type, f.help);
        for (const auto& s : status.sensors) {
            e.sample(f.name, fmt::format("sensor=\"{}\"", labelValue(s.sensor)), value(s));
        }
    };
    per_sensor({"kansoku_sensor_silent_seconds", "gauge", "Seconds since the sensor was last heard from."},
               [&](const SensorLinkStatus& s) { return seconds(now - s.last_contact); });
    per_sensor({"kansoku_sensor_lag_seconds", "gauge", "Arrival minus event time of its latest message."},
               [](const SensorLinkStatus& s) { return s.lag_seconds; });
    per_sensor({"kansoku_sensor_events_total", "counter", "Messages received from the sensor."},
               [](const SensorLinkStatus& s) { return static_cast<double>(s.events); });
    per_sensor({"kansoku_sensor_sequence", "gauge", "The highest sequence number received."},
               [](const SensorLinkStatus& s) { return static_cast<double>(s.highest_sequence); });
    per_sensor({"kansoku_sensor_missing_total", "counter", "Sequence numbers reported missing (gaps)."},
               [](const SensorLinkStatus& s) { return static_cast<double>(s.missing); });
    per_sensor(
        {"kansoku_sensor_spool_dropped_total", "counter", "Events the sensor dropped, its spool full."},
        [](const SensorLinkStatus& s) { return s.heartbeat ? static_cast<double>(s.heartbeat->spool_dropped) : 0.0; });
    per_sensor(
        {"kansoku_sensor_dropped_kernel_total", "counter", "Packets the sensor's kernel dropped."},
        [](const SensorLinkStatus& s) { return s.heartbeat ? static_cast<double>(s.heartbeat->dropped_kernel) : 0.0; });
    per_sensor(
        {"kansoku_sensor_spool_pending", "gauge", "Events in the sensor's spool not yet acknowledged."},
        [](const SensorLinkStatus& s) { return s.heartbeat ? static_cast<double>(s.heartbeat->spool_pending) : 0.0; });
}

} // namespace kansoku::web
