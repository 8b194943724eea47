#include "store/event_body_scan.h"

#include <nlohmann/json.hpp>

#include "store/database.h"

namespace kansoku::store {

Result<void> forEachEventBody(Database& store, std::string_view type, Timestamp since,
                              const std::function<void(const nlohmann::json& body, Timestamp ts)>& visit) {
    EventQuery query;
    query.type = std::string(type);
    if (since > 0) {
        query.since = since;
    }
    auto cursor = store.cursor(query);
    KANSOKU_TRY(cursor);
    while (true) {
        auto more = (*cursor)->next();
        KANSOKU_TRY(more);
        if (!*more) {
            return {};
        }
        const EventRowView& row = (*cursor)->row();
        const nlohmann::json body = nlohmann::json::parse(row.body, nullptr, false);
        if (body.is_object()) {
            visit(body, row.ts);
        }
    }
}

} // namespace kansoku::store
