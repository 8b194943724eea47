#include "store/event_select.h"

namespace kansoku::store {

namespace {

void whereEventsMatch(SqlFilter& select, const EventQuery& query) {
    if (!query.type.empty()) {
        select.where("type = ?", {query.type});
    }
    if (query.since) {
        select.where("ts >= ?", {*query.since});
    }
    if (query.until) {
        select.where("ts < ?", {*query.until});
    }
    if (query.sensor) {
        select.where("sensor = ?", {*query.sensor});
    }
    if (query.subject) {
        // An event's subject is an address: events_addr_ts finds it (migration 0008 dropped the index on the
        // text); the text is compared too, so "::ffff:192.0.2.1" does not match "192.0.2.1".
        if (const auto address = IpAddress::parse(*query.subject)) {
            select.where("addr = ? AND subject = ?", {SqlBlob{addressBlob(*address)}, *query.subject});
        } else {
            select.where("subject = ?", {*query.subject});
        }
    }
}

} // namespace

SqlFilter eventSelect(const EventQuery& query, std::optional<EventPosition> after) {
    SqlFilter select("SELECT id, type, ts, sensor, body FROM events");
    whereEventsMatch(select, query);
    if (after) {
        select.where("(ts > ? OR (ts = ? AND id > ?))", {after->ts, after->ts, after->id});
    }
    select.append(" ORDER BY ts, id");
    if (query.limit > 0) {
        select.append(" LIMIT ?", {query.limit});
    }
    return select;
}

SqlFilter eventCountSelect(const EventQuery& query) {
    SqlFilter select("SELECT COUNT(*) FROM events");
    whereEventsMatch(select, query);
    return select;
}

} // namespace kansoku::store
