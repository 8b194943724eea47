#include "events/ddos_attack.h"

#include <cmath>

namespace kansoku::events {

namespace {

nlohmann::ordered_json portsJson(const std::vector<std::pair<uint16_t, uint64_t>>& ports) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& [port, packets] : ports) {
        nlohmann::ordered_json entry = nlohmann::ordered_json::object();
        entry["port"] = port;
        entry["packets"] = packets;
        out.push_back(std::move(entry));
    }
    return out;
}

} // namespace

Event DdosAttack::toEvent() const {
    Event event;
    event.type = "ddos.attack";
    event.ts = end;
    event.sensor = sensor;
    event.reserveFields(15);
    event.add("victim", victim);
    event.add("vector", std::string(vector));
    event.add("evidence", backscatter ? "backscatter" : "reflector");
    event.add("start", formatRfc3339(start));
    event.add("end", formatRfc3339(end));
    event.add("duration_s", std::round(duration_s * 1000) / 1000);
    event.add("packets", packets);
    if (backscatter) {
        event.add("peak_ppm", backscatter->peak_ppm);
    }
    if (est_pps) {
        event.add("est_pps", *est_pps);
    } else {
        event.add("est_pps", nullptr);
    }
    event.add("ports", portsJson(ports));
    event.add("port_count", port_count);
    if (backscatter) {
        auto per_vector = nlohmann::ordered_json::object();
        for (const auto& [name, count] : backscatter->vectors) {
            per_vector[name] = count;
        }
        event.add("vectors", std::move(per_vector));
        event.add("darknet_addresses", backscatter->darknet_addresses);
    }
    if (reflector) {
        event.add("ports_truncated", reflector->ports_truncated);
        event.add("dst_port", reflector->dst_port);
        event.add("bytes", reflector->bytes);
        event.add("answered", reflector->answered);
    }
    event.add("closed", std::string(closed));
    return event;
}

} // namespace kansoku::events
