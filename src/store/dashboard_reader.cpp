#include "store/dashboard_reader.h"

#include <array>
#include <filesystem>

#include <fmt/format.h>
#include <sqlite3.h>

#include "common/hyperloglog.h"
#include "store/address_function.h"
#include "store/address_ranges_function.h"
#include "store/rollup_batch.h"
#include "store/sqlite_statement.h"

namespace kansoku::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;
/// A tenant with at most this many prefixes is filtered by an OR of BETWEENs (which the addr index serves).
constexpr size_t kIndexedPrefixes = 16;
constexpr Timestamp kMinute = kRollupMinute;
constexpr Timestamp kHour = kRollupHour;
constexpr Timestamp kDay = kRollupDay;

struct TopKindName {
    TopKind kind;
    std::string_view name;
};

constexpr std::array kTopKinds = {
    TopKindName{TopKind::Sources, "sources"},
    TopKindName{TopKind::Ports, "ports"},
    TopKindName{TopKind::Asns, "asns"},
    TopKindName{TopKind::Countries, "countries"},
    TopKindName{TopKind::Tools, "tools"},
    TopKindName{TopKind::Families, "families"},
    TopKindName{TopKind::Credentials, "credentials"},
    TopKindName{TopKind::Commands, "commands"},
};

/// How a top list of the rollup is read: its top_hours kind, the event type and expressions a tenant's
/// answer is computed from, and whether it is ordered by amount (probes) rather than count.
struct RollupTop {
    std::string_view kind;
    std::string_view type;
    std::string_view key;
    std::string_view amount;
    std::string_view count;
    bool by_amount;
};

std::optional<RollupTop> rollupOf(TopKind kind) {
    switch (kind) {
    case TopKind::Sources:
        return RollupTop{"source",
                         "darknet.scan",
                         "json_extract(body, '$.src')",
                         "coalesce(json_extract(body, '$.packets'), 0)",
                         "1",
                         true};
    case TopKind::Tools:
        return RollupTop{"tool",
                         "darknet.scan",
                         "coalesce(json_extract(body, '$.tool'), 'unknown')",
                         "coalesce(json_extract(body, '$.packets'), 0)",
                         "1",
                         false};
    case TopKind::Ports: // port_stats have no address: a tenant's list is empty
        return RollupTop{"port",
                         "darknet.port_stats",
                         "json_extract(body, '$.proto') || '/' || json_extract(body, '$.port')",
                         "coalesce(json_extract(body, '$.packets'), 0)",
                         "coalesce(json_extract(body, '$.sources'), 0)",
                         true};
    case TopKind::Credentials:
        return RollupTop{"credential",
                         "honeypot.login",
                         "json_array(coalesce(json_extract(body, '$.username'), ''), "
                         "coalesce(json_extract(body, '$.password'), ''))",
                         "coalesce(json_extract(body, '$.success') = 1, 0)",
                         "1",
                         false};
    case TopKind::Commands:
        return RollupTop{"command", "honeypot.command", "json_extract(body, '$.input')", "0", "1", false};
    default:
        return std::nullopt;
    }
}

Timestamp ceilTo(Timestamp t, Timestamp step) {
    const Timestamp f = floorTo(t, step);
    return f == t ? t : f + step;
}

/// "(addr BETWEEN ? AND ? OR ...)" over a scope's prefixes; "0" when it has none (events carry no ASN:
/// a tenant's ASNs reach here as the prefixes they announce). Past kIndexedPrefixes, one
/// kansoku_in_ranges() over all of them instead: a binary search per row rather than hundreds of
/// comparisons (and SQLite's expression depth limit of 1,000).
std::string eventScopeClause(const AddressScope& scope, std::vector<SqlParam>& params) {
    if (scope.prefixes.size() > kIndexedPrefixes) {
        params.emplace_back(SqlBlob{addressRangesBlob(scope.prefixes)});
        return "kansoku_in_ranges(addr, ?)";
    }
    std::string clause;
    for (const auto& prefix : scope.prefixes) {
        clause += clause.empty() ? "(" : " OR ";
        clause += "addr BETWEEN ? AND ?";
        params.emplace_back(SqlBlob{addressBlob(prefix.network())});
        params.emplace_back(SqlBlob{addressBlob(prefix.last())});
    }
    return clause.empty() ? std::string("0") : clause + ")";
}

/// The same for infected_hosts, which know their ASN too.
std::string hostScopeClause(const AddressScope& scope, std::vector<SqlParam>& params) {
    std::string clause = eventScopeClause(scope, params);
    if (scope.asns.empty()) {
        return clause;
    }
    clause = "(" + clause + " OR asn IN (";
    for (size_t i = 0; i < scope.asns.size(); ++i) {
        clause += i == 0 ? "?" : ", ?";
        params.emplace_back(static_cast<int64_t>(scope.asns[i]));
    }
    return clause + "))";
}

/// A prepared statement with its SqlFilter, stepped row by row.
class Query {
public:
    Query(sqlite3* db, SqlFilter select) : select_(std::move(select)) {
        sqlite3_stmt* raw = nullptr;
        ok_ = sqlite3_prepare_v2(db, select_.sql().c_str(), -1, &raw, nullptr) == SQLITE_OK;
        statement_.reset(raw);
        ok_ = ok_ && select_.bind(raw);
    }
    bool ok() const { return ok_; }
    /// SQLITE_ROW, SQLITE_DONE or an error code.
    int step() { return sqlite3_step(statement_.get()); }
    sqlite3_stmt* get() const { return statement_.get(); }

private:
    struct Finalizer {
        void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
    };
    SqlFilter select_;
    std::unique_ptr<sqlite3_stmt, Finalizer> statement_;
    bool ok_ = false;
};

StoredEvent storedEvent(sqlite3_stmt* s) {
    return {sqlite3_column_int64(s, 0), std::string(columnText(s, 1)), sqlite3_column_int64(s, 2),
            std::string(columnText(s, 3)), std::string(columnText(s, 4))};
}

/// [from, to) as a minute rollup and an hour rollup cover it: the whole hours from the hour table, the
/// minutes before the first and after the last whole hour from the minute table.
struct HourSplit {
    Timestamp from;      ///< minutes [from, body_from)
    Timestamp body_from; ///< hours [body_from, body_to)
    Timestamp body_to;   ///< minutes [body_to, to)
    Timestamp to;
};

HourSplit splitByHours(Timestamp from, Timestamp to) {
    const Timestamp body_from = ceilTo(from, kHour);
    const Timestamp body_to = floorTo(to, kHour);
    if (body_from >= body_to) {
        return {from, to, to, to};
    }
    return {from, body_from, body_to, to};
}

/// Rows `(t, value)` of a rollup kept per minute and per hour over `split` (`filter`: " AND type = ?"
/// or empty, with `filter_params` for each of the three parts).
SqlFilter minuteHourRows(const HourSplit& split, std::string_view columns, std::string_view filter,
                         const std::vector<SqlParam>& filter_params) {
    SqlFilter rows("");
    const auto part = [&](std::string_view table, std::string_view time, Timestamp a, Timestamp b, bool first) {
        std::vector<SqlParam> params = filter_params;
        params.emplace_back(a);
        params.emplace_back(b);
        rows.append(fmt::format("{}SELECT {} AS t, {} FROM {} WHERE 1{} AND {} >= ? AND {} < ?",
                                first ? "" : " UNION ALL ", time, columns, table, filter, time, time),
                    std::move(params));
    };
    part("event_minutes", "minute", split.from, split.body_from, true);
    part("event_hours", "hour", split.body_from, split.body_to, false);
    part("event_minutes", "minute", split.body_to, split.to, false);
    return rows;
}

size_t bucketCount(TimeRange range, Timestamp step) {
    const Timestamp start = floorTo(range.from, step);
    return range.to <= start ? 0 : static_cast<size_t>((range.to - start + step - 1) / step);
}

} // namespace

std::string_view topKindName(TopKind kind) {
    for (const auto& k : kTopKinds) {
        if (k.kind == kind) {
            return k.name;
        }
    }
    return "?";
}

std::optional<TopKind> parseTopKind(std::string_view name) {
    for (const auto& k : kTopKinds) {
        if (k.name == name) {
            return k.kind;
        }
    }
    return std::nullopt;
}

void DashboardReader::Closer::operator()(sqlite3* db) const {
    sqlite3_close_v2(db);
}

DashboardReader::DashboardReader(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}

DashboardReader::~DashboardReader() = default;

Result<std::unique_ptr<DashboardReader>> DashboardReader::open(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return fail("database {}: does not exist", path);
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<DashboardReader> reader(new DashboardReader(path, raw));
    if (rc != SQLITE_OK) {
        return fail("database {}: {}", path, raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc));
    }
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
    if (!registerAddressFunction(raw) || !registerAddressRangesFunction(raw)) {
        return fail(reader->error("registering kansoku_addr and kansoku_in_ranges"));
    }
    return reader;
}

Error DashboardReader::error(std::string_view context) const {
    return Error{fmt::format("database {}: {}: {}", path_, context, sqlite3_errmsg(db_.get()))};
}

Result<std::map<std::string, int64_t>> DashboardReader::countsByType(TimeRange range, const AddressScope* scope) {
    std::map<std::string, int64_t> counts;
    SqlFilter select("");
    if (scope == nullptr) {
        select.append("SELECT type, sum(count) FROM (");
        select.append(minuteHourRows(splitByHours(floorTo(range.from, kMinute), range.to), "type, count", "", {}));
        select.append(") GROUP BY type");
    } else {
        std::vector<SqlParam> params{range.from, range.to};
        const std::string clause = eventScopeClause(*scope, params);
        params.emplace_back(kTenantRows);
        select.append("SELECT type, count(*) FROM (SELECT type FROM events WHERE ts >= ? AND ts < ? AND " + clause +
                          " LIMIT ?) GROUP BY type",
                      std::move(params));
    }
    Query q(db_.get(), std::move(select));
    if (!q.ok()) {
        return fail(error("counts"));
    }
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        counts[std::string(columnText(q.get(), 0))] = sqlite3_column_int64(q.get(), 1);
    }
    if (rc != SQLITE_DONE) {
        return fail(error("counts"));
    }
    return counts;
}

Result<std::pair<int64_t, int64_t>> DashboardReader::probeTotals(TimeRange range) {
    SqlFilter select("SELECT coalesce(sum(packets), 0), coalesce(sum(sources), 0) FROM probe_minutes");
    select.where("minute >= ? AND minute < ?", {floorTo(range.from, kMinute), range.to});
    Query q(db_.get(), std::move(select));
    if (!q.ok() || q.step() != SQLITE_ROW) {
        return fail(error("probes"));
    }
    return std::pair<int64_t, int64_t>{sqlite3_column_int64(q.get(), 0), sqlite3_column_int64(q.get(), 1)};
}

Result<int64_t> DashboardReader::distinctSources(TimeRange range, const AddressScope* scope) {
    if (scope == nullptr) {
        SqlFilter select("SELECT registers FROM source_sketches");
        select.where("hour >= ? AND hour < ?", {floorTo(range.from, kHour), range.to});
        Query q(db_.get(), std::move(select));
        if (!q.ok()) {
            return fail(error("sources"));
        }
        HyperLogLog sources;
        int rc = 0;
        while ((rc = q.step()) == SQLITE_ROW) {
            const auto* bytes = static_cast<const char*>(sqlite3_column_blob(q.get(), 0));
            if (bytes != nullptr) {
                sources.merge(std::string_view(bytes, static_cast<size_t>(sqlite3_column_bytes(q.get(), 0))));
            }
        }
        if (rc != SQLITE_DONE) {
            return fail(error("sources"));
        }
        return static_cast<int64_t>(sources.estimate());
    }
    std::vector<SqlParam> params{range.from, range.to};
    const std::string clause = eventScopeClause(*scope, params);
    params.emplace_back(kTenantRows);
    SqlFilter select("SELECT count(DISTINCT addr) FROM (SELECT addr FROM events WHERE type = 'darknet.scan' AND "
                     "ts >= ? AND ts < ? AND " +
                     clause + " LIMIT ?)");
    select.append("", std::move(params));
    Query q(db_.get(), std::move(select));
    if (!q.ok() || q.step() != SQLITE_ROW) {
        return fail(error("sources"));
    }
    return sqlite3_column_int64(q.get(), 0);
}

Result<int64_t> DashboardReader::infectedHostCount(TimeRange range, const AddressScope* scope) {
    SqlFilter select("SELECT count(*) FROM infected_hosts");
    select.where("last_seen >= ? AND last_seen < ?", {range.from, range.to});
    if (scope != nullptr) {
        std::vector<SqlParam> params;
        const std::string clause = hostScopeClause(*scope, params);
        select.where(clause, std::move(params));
    }
    Query q(db_.get(), std::move(select));
    if (!q.ok() || q.step() != SQLITE_ROW) {
        return fail(error("infected hosts"));
    }
    return sqlite3_column_int64(q.get(), 0);
}

Result<std::vector<int64_t>> DashboardReader::countSeries(std::string_view type, TimeRange range, Timestamp step,
                                                          const AddressScope* scope) {
    const Timestamp start = floorTo(range.from, step);
    std::vector<int64_t> buckets(bucketCount(range, step), 0);
    SqlFilter select("");
    if (scope == nullptr) {
        // Buckets of whole hours sum event_hours; shorter ones, and the last bucket's minutes, event_minutes.
        const HourSplit split =
            step % kHour == 0 ? splitByHours(start, range.to) : HourSplit{start, range.to, range.to, range.to};
        select.append("SELECT (t - ?) / ?, sum(count) FROM (", {start, step});
        select.append(minuteHourRows(split, "count", " AND type = ?", {std::string(type)}));
        select.append(") GROUP BY 1");
    } else {
        std::vector<SqlParam> params{start, step, std::string(type), start, range.to};
        const std::string clause = eventScopeClause(*scope, params);
        params.emplace_back(kTenantRows);
        select.append("SELECT (ts - ?) / ?, count(*) FROM (SELECT ts FROM events WHERE type = ? AND ts >= ? AND "
                      "ts < ? AND " +
                          clause + " LIMIT ?) GROUP BY 1",
                      std::move(params));
    }
    Query q(db_.get(), std::move(select));
    if (!q.ok()) {
        return fail(error("series"));
    }
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        const int64_t i = sqlite3_column_int64(q.get(), 0);
        if (i >= 0 && static_cast<size_t>(i) < buckets.size()) {
            buckets[static_cast<size_t>(i)] += sqlite3_column_int64(q.get(), 1);
        }
    }
    if (rc != SQLITE_DONE) {
        return fail(error("series"));
    }
    return buckets;
}

Result<std::vector<int64_t>> DashboardReader::probeSeries(TimeRange range, Timestamp step, std::optional<int64_t> port,
                                                          std::optional<std::string> proto, bool sources) {
    const Timestamp start = floorTo(range.from, step);
    std::vector<int64_t> buckets(bucketCount(range, step), 0);
    const std::string column = sources ? "sources" : "packets";
    SqlFilter select("");
    if (!port) {
        select.append(fmt::format("SELECT (minute - ?) / ?, sum({}) FROM probe_minutes", column), {start, step});
        select.where("minute >= ? AND minute < ?", {start, range.to});
    } else {
        select.append(fmt::format("SELECT (minute - ?) / ?, sum({}) FROM port_minutes", column), {start, step});
        select.where("port = ?", {*port});
        if (proto) {
            select.where("proto = ?", {*proto});
        }
        select.where("minute >= ? AND minute < ?", {start, range.to});
    }
    select.append(" GROUP BY 1");
    Query q(db_.get(), std::move(select));
    if (!q.ok()) {
        return fail(error("probe series"));
    }
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        const int64_t i = sqlite3_column_int64(q.get(), 0);
        if (i >= 0 && static_cast<size_t>(i) < buckets.size()) {
            buckets[static_cast<size_t>(i)] += sqlite3_column_int64(q.get(), 1);
        }
    }
    if (rc != SQLITE_DONE) {
        return fail(error("probe series"));
    }
    return buckets;
}

Result<TopList> DashboardReader::top(TopKind kind, TimeRange range, int64_t limit, const AddressScope* scope) {
    SqlFilter select("");
    const auto rollup = rollupOf(kind);
    TopList list;
    if (rollup && scope == nullptr) {
        auto summarised = topFromSummaries(rollup->kind, rollup->by_amount, range, limit);
        if (!summarised) {
            return fail(summarised.error());
        }
        select = std::move(summarised->first);
        list.error_bound = summarised->second;
    } else if (rollup) {
        std::vector<SqlParam> params{std::string(rollup->type), range.from, range.to};
        const std::string clause = eventScopeClause(*scope, params);
        params.emplace_back(kTenantRows);
        params.emplace_back(limit);
        select.append(fmt::format("SELECT k, sum(c), sum(a), '' FROM (SELECT {} AS k, {} AS c, {} AS a FROM events "
                                  "WHERE type = ? AND ts >= ? AND ts < ? AND {} LIMIT ?) WHERE k IS NOT NULL "
                                  "GROUP BY k ORDER BY {} DESC, k LIMIT ?",
                                  rollup->key, rollup->count, rollup->amount, clause, rollup->by_amount ? "3" : "2"),
                      std::move(params));
    } else {
        // From infected_hosts: hosts last seen in the range, grouped.
        std::string_view key = kind == TopKind::Asns ? "asn" : kind == TopKind::Countries ? "country" : "family";
        std::string_view label = kind == TopKind::Asns ? "max(as_name)" : "''";
        std::string_view present = kind == TopKind::Asns        ? "asn IS NOT NULL"
                                   : kind == TopKind::Countries ? "country != ''"
                                                                : "family != ''";
        std::vector<SqlParam> params{range.from, range.to};
        std::string clause = "1";
        if (scope != nullptr) {
            clause = hostScopeClause(*scope, params);
        }
        params.emplace_back(limit);
        select.append(fmt::format("SELECT CAST({0} AS TEXT), count(*), 0, {1} FROM infected_hosts WHERE "
                                  "last_seen >= ? AND last_seen < ? AND {2} AND {3} GROUP BY {0} "
                                  "ORDER BY 2 DESC, 1 LIMIT ?",
                                  key, label, present, clause),
                      std::move(params));
    }
    Query q(db_.get(), std::move(select));
    if (!q.ok()) {
        return fail(error("top"));
    }
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        list.items.push_back({std::string(columnText(q.get(), 0)), sqlite3_column_int64(q.get(), 1),
                              sqlite3_column_int64(q.get(), 2), std::string(columnText(q.get(), 3))});
    }
    if (rc != SQLITE_DONE) {
        return fail(error("top"));
    }
    return list;
}

Result<std::pair<SqlFilter, int64_t>> DashboardReader::topFromSummaries(std::string_view kind, bool by_amount,
                                                                        TimeRange range, int64_t limit) {
    const Timestamp from = floorTo(range.from, kHour);
    const Timestamp to = ceilTo(range.to, kHour);
    const std::string_view bound_column = by_amount ? "max_amount" : "max_count";
    // The closed days summarised in top_days that lie wholly inside the range, and their bounds.
    SqlFilter days_select(fmt::format("SELECT period, {} FROM top_cuts", bound_column));
    days_select.where("kind = ? AND span = 'day' AND period >= ? AND period <= ?",
                      {std::string(kind), ceilTo(from, kDay), to - kDay});
    days_select.append(" ORDER BY period");
    Query days(db_.get(), std::move(days_select));
    if (!days.ok()) {
        return fail(error("top"));
    }
    std::vector<SqlParam> day_params{std::string(kind)};
    std::string day_list;
    int64_t bound = 0;
    // The hours outside those days, as [a, b) intervals.
    std::vector<std::pair<Timestamp, Timestamp>> hours;
    Timestamp next = from;
    int rc = 0;
    while ((rc = days.step()) == SQLITE_ROW) {
        const Timestamp day = sqlite3_column_int64(days.get(), 0);
        bound += sqlite3_column_int64(days.get(), 1);
        day_list += day_list.empty() ? "?" : ", ?";
        day_params.emplace_back(day);
        if (next < day) {
            hours.emplace_back(next, day);
        }
        next = day + kDay;
    }
    if (rc != SQLITE_DONE) {
        return fail(error("top"));
    }
    if (next < to) {
        hours.emplace_back(next, to);
    }
    // "(column >= ? AND column < ?) OR ..." over those hours; "0" when there are none.
    const auto within = [&hours](std::string_view column) {
        std::string clause;
        for (size_t i = 0; i < hours.size(); ++i) {
            clause += fmt::format("{}({} >= ? AND {} < ?)", i == 0 ? "(" : " OR ", column, column);
        }
        return clause.empty() ? std::string("0") : clause + ")";
    };
    std::vector<SqlParam> hour_params{std::string(kind)};
    for (const auto& [a, b] : hours) {
        hour_params.emplace_back(a);
        hour_params.emplace_back(b);
    }
    // The cut hours' bounds add up too.
    SqlFilter cuts(fmt::format("SELECT coalesce(sum({}), 0) FROM top_cuts WHERE kind = ? AND span = 'hour' AND {}",
                               bound_column, within("period")));
    cuts.append("", hour_params);
    Query hour_bounds(db_.get(), std::move(cuts));
    if (!hour_bounds.ok() || hour_bounds.step() != SQLITE_ROW) {
        return fail(error("top"));
    }
    bound += sqlite3_column_int64(hour_bounds.get(), 0);

    SqlFilter select("SELECT key, sum(count), sum(amount), '' FROM (");
    select.append("SELECT key, count, amount FROM top_hours WHERE kind = ? AND " + within("hour"), hour_params);
    if (!day_list.empty()) {
        select.append(" UNION ALL SELECT key, count, amount FROM top_days WHERE kind = ? AND day IN (" + day_list + ")",
                      day_params);
    }
    select.append(fmt::format(") GROUP BY key ORDER BY {} DESC, key LIMIT ?", by_amount ? "3" : "2"), {limit});
    return std::pair<SqlFilter, int64_t>{std::move(select), bound};
}

Result<EventPage> DashboardReader::search(const EventSearch& search, const AddressScope* scope) {
    SqlFilter select("SELECT id, type, ts, sensor, body FROM events");
    if (search.type) {
        select.where("type = ?", {*search.type});
    }
    if (search.addr_lo && search.addr_hi) {
        if (*search.addr_lo == *search.addr_hi) {
            select.where("addr = ?", {SqlBlob{*search.addr_lo}});
        } else {
            select.where("addr BETWEEN ? AND ?", {SqlBlob{*search.addr_lo}, SqlBlob{*search.addr_hi}});
        }
    }
    if (search.port) {
        select.where("port = ?", {*search.port});
    }
    if (search.family) {
        select.where("family = ?", {*search.family});
    }
    if (search.sha256) {
        select.where("sha256 = ?", {*search.sha256});
    }
    if (search.session) {
        select.where("session = ?", {*search.session});
    }
    if (search.sensor) {
        select.where("sensor = ?", {*search.sensor});
    }
    if (search.from) {
        select.where("ts >= ?", {*search.from});
    }
    if (search.to) {
        select.where("ts < ?", {*search.to});
    }
    if (search.after) {
        select.where("(ts < ? OR (ts = ? AND id < ?))",
                     {search.after->first, search.after->first, search.after->second});
    }
    if (scope != nullptr) {
        std::vector<SqlParam> params;
        const std::string clause = eventScopeClause(*scope, params);
        select.where(clause, std::move(params));
    }
    select.append(" ORDER BY ts DESC, id DESC LIMIT ?", {search.limit + 1});
    Query q(db_.get(), std::move(select));
    if (!q.ok()) {
        return fail(error("search"));
    }
    EventPage page;
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        if (static_cast<int64_t>(page.events.size()) == search.limit) {
            page.more = true;
            break;
        }
        page.events.push_back(storedEvent(q.get()));
    }
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        return fail(error("search"));
    }
    return page;
}

Result<std::optional<StoredEvent>> DashboardReader::event(int64_t id, std::string_view type) {
    SqlFilter select("SELECT id, type, ts, sensor, body FROM events");
    select.where("id = ? AND type = ?", {id, std::string(type)});
    Query q(db_.get(), std::move(select));
    if (!q.ok()) {
        return fail(error("event"));
    }
    const int rc = q.step();
    if (rc == SQLITE_DONE) {
        return std::optional<StoredEvent>();
    }
    if (rc != SQLITE_ROW) {
        return fail(error("event"));
    }
    return std::optional<StoredEvent>(storedEvent(q.get()));
}

namespace {

Result<std::vector<StoredEvent>> collect(Query& q) {
    std::vector<StoredEvent> events;
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        events.push_back(storedEvent(q.get()));
    }
    if (rc != SQLITE_DONE) {
        return fail("query failed");
    }
    return events;
}

} // namespace

Result<std::vector<StoredEvent>> DashboardReader::sessionEvents(std::string_view session, int64_t limit) {
    SqlFilter select("SELECT id, type, ts, sensor, body FROM events");
    select.where("session = ?", {std::string(session)});
    select.append(" ORDER BY ts, id LIMIT ?", {limit});
    Query q(db_.get(), std::move(select));
    if (!q.ok()) {
        return fail(error("session"));
    }
    auto events = collect(q);
    if (!events) {
        return fail(error("session"));
    }
    return events;
}

Result<std::vector<StoredEvent>> DashboardReader::sampleEvents(std::string_view sha256, int64_t limit) {
    SqlFilter select("SELECT id, type, ts, sensor, body FROM events");
    select.where("sha256 = ?", {std::string(sha256)});
    select.append(" ORDER BY ts, id LIMIT ?", {limit});
    Query q(db_.get(), std::move(select));
    if (!q.ok()) {
        return fail(error("sample"));
    }
    auto events = collect(q);
    if (!events) {
        return fail(error("sample"));
    }
    return events;
}

Result<std::vector<StoredEvent>> DashboardReader::recentSamples(int64_t limit) {
    // The newest announcement per sample that carries a digest.
    SqlFilter select("SELECT max(id), type, ts, sensor, body FROM events");
    select.where("type = 'sample' AND sha256 IS NOT NULL AND (json_extract(body, '$.ssdeep') IS NOT NULL OR "
                 "json_extract(body, '$.tlsh') IS NOT NULL)",
                 {});
    select.append(" GROUP BY sha256 ORDER BY 1 DESC LIMIT ?", {limit});
    Query q(db_.get(), std::move(select));
    if (!q.ok()) {
        return fail(error("samples"));
    }
    auto events = collect(q);
    if (!events) {
        return fail(error("samples"));
    }
    return events;
}

Result<std::vector<std::string>> DashboardReader::droppedBy(std::string_view sha256, int64_t limit) {
    SqlFilter select("SELECT DISTINCT sha256 FROM events");
    select.where("type = 'sample' AND sha256 IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(body, '$.sources') "
                 "WHERE json_extract(value, '$.parent') = ?)",
                 {std::string(sha256)});
    select.append(" LIMIT ?", {limit});
    Query q(db_.get(), std::move(select));
    if (!q.ok()) {
        return fail(error("drops"));
    }
    std::vector<std::string> out;
    int rc = 0;
    while ((rc = q.step()) == SQLITE_ROW) {
        out.emplace_back(columnText(q.get(), 0));
    }
    if (rc != SQLITE_DONE) {
        return fail(error("drops"));
    }
    return out;
}

} // namespace kansoku::store
