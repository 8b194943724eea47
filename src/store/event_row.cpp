#include "store/event_row.h"

#include <array>

#include "common/event_version.h"

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
        // `v` stays among the fields only when it is not ours, so toJson() gives back the sender's.
        const bool our_version = key == "v" && value == kEventSchemaVersion;
        if (key != "type" && key != "ts" && key != "sensor" && !our_version) {
            event.fields[key] = std::move(value);
        }
    }
    return event;
}

} // namespace kansoku::store
