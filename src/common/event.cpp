#include "common/event.h"

#include "common/event_version.h"

namespace kansoku {

nlohmann::ordered_json Event::toJson() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    out["type"] = type;
    out["ts"] = formatRfc3339(ts);
    out["sensor"] = sensor;
    // Our version, unless the fields hold the sender's (an event read back from a store row of a
    // sensor one version apart, store/event_row.cpp): assigning an existing key keeps its place.
    out["v"] = kEventSchemaVersion;
    for (const auto& [key, value] : fields.items()) {
        out[key] = value;
    }
    return out;
}

namespace {

std::string dumpJson(const nlohmann::ordered_json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace

std::string Event::toJsonLine() const {
    // What toJson().dump() gives, without copying the fields into a new object first (the store and the
    // sensor's spool call this for every event): the header, then the fields' own serialisation spliced
    // in. Fields that hold a header key (a sender's `v`) take its place there: toJson() does that.
    const bool plain = fields.is_object() && !fields.contains("type") && !fields.contains("ts") &&
                       !fields.contains("sensor") && !fields.contains("v");
    if (!plain) {
        return dumpJson(toJson());
    }
    const std::string body = dumpJson(fields); // "{}" or "{...}"
    std::string line = "{\"type\":";
    line.reserve(body.size() + type.size() + sensor.size() + 80);
    line += dumpJson(type);
    line += ",\"ts\":\"";
    appendRfc3339(line, ts);
    line += "\",\"sensor\":";
    line += dumpJson(sensor);
    line += ",\"v\":";
    line += std::to_string(kEventSchemaVersion);
    if (body.size() > 2) {
        line += ',';
        line.append(body, 1, std::string::npos);
    } else {
        line += '}';
    }
    return line;
}

} // namespace kansoku
