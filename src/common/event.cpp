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

std::string Event::toJsonLine() const {
    return toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace kansoku
