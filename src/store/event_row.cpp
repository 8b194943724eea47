#include "store/event_row.h"

#include <array>

namespace kansoku::store {

std::optional<std::string> eventSubject(const Event& event) {
    static constexpr std::array<const char*, 3> kSubjectFields = {"src", "victim", "ip"};
    for (const char* key : kSubjectFields) {
        const auto it = event.fields.find(key);
        if (it != event.fields.end() && it->is_string()) {
            return it->get<std::string>();
        }
    }
    return std::nullopt;
}

EventRow toEventRow(const Event& event) {
    return EventRow{event.type, event.ts, event.sensor, eventSubject(event), event.toJsonLine()};
}

Result<Event> eventFromRow(std::string type, Timestamp ts, std::string sensor, std::string_view body) {
    auto json = nlohmann::ordered_json::parse(body, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object()) {
        return fail("body is not a JSON object");
    }
    Event event{std::move(type), ts, std::move(sensor), nlohmann::ordered_json::object()};
    for (auto& [key, value] : json.items()) {
        if (key == "v" && value.is_number_integer()) {
            event.v = value.get<int>();
        } else if (key != "type" && key != "ts" && key != "sensor" && key != "v") {
            event.fields[key] = std::move(value);
        }
    }
    return event;
}

} // namespace kansoku::store
