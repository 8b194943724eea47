#include "app/stored_event_check.h"

#include "store/open_database.h"

namespace kansoku::app {

Result<std::unique_ptr<StoredEventCheck>> StoredEventCheck::open(const std::string& location) {
    auto store = store::openDatabase(location, store::OpenMode::ReadOnly);
    KANSOKU_TRY(store);
    auto check = std::make_unique<StoredEventCheck>();
    check->store_ = std::move(*store);
    return check;
}

bool StoredEventCheck::contains(const Event& event) {
    store::EventQuery query;
    query.type = event.type;
    query.since = event.ts;
    query.until = event.ts + 1;
    query.sensor = event.sensor;
    auto rows = store_->query(query);
    if (!rows) {
        return false;
    }
    const auto line = event.toJsonLine();
    for (const auto& row : *rows) {
        if (row.toJsonLine() == line) {
            return true;
        }
    }
    return false;
}

} // namespace kansoku::app
