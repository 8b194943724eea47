#include "app/event_replay.h"

#include <fstream>
#include <vector>

#include "common/time.h"
#include "store/event_row.h"

namespace kansoku::app {

Result<ReplayTotals> replayEvents(const std::string& path, int64_t repeat, const std::string& sensor, EventSink& sink) {
    std::ifstream in(path);
    if (!in) {
        return fail("replay {}: cannot open", path);
    }
    ReplayTotals totals;
    std::vector<Event> events;
    std::string line;
    while (std::getline(in, line)) {
        auto json = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
        const auto type = json.is_object() ? json.find("type") : json.end();
        if (!json.is_object() || type == json.end() || !type->is_string()) {
            ++totals.skipped;
            continue;
        }
        auto event = store::eventFromRow(type->get<std::string>(), 0, sensor, line);
        if (!event) {
            ++totals.skipped;
            continue;
        }
        events.push_back(std::move(*event));
    }
    Timestamp ts = nowMicros();
    for (int64_t round = 0; round < repeat; ++round) {
        for (auto event : events) {
            event.ts = ts++;
            sink.publish(event);
            ++totals.published;
        }
    }
    return totals;
}

} // namespace kansoku::app
