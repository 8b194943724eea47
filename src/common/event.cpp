#include "common/event.h"

namespace kansoku {

nlohmann::ordered_json Event::toJson() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    out["type"] = type;
    out["ts"] = formatRfc3339(ts);
    out["sensor"] = sensor;
    out["v"] = v;
    for (const auto& [key, value] : fields.items()) {
        out[key] = value;
    }
    return out;
}

std::string Event::toJsonLine() const {
    return toJson().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace kansoku
