// SqliteStore: the dashboard's rollups (migrations 0006 and 0007). The events a transaction appends
// are added up in a RollupBatch; commit() writes each key of it once, then summarises the hours and
// days that have closed: an hour's top_hours rows are cut to its top keys per kind (the rows cut kept
// apart, under the kind's rest, until their day is summarised), a day's top keys, from its exact day
// totals, go to top_days, and what was cut is kept in top_cuts as the error bound of a list read from
// them.

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <sqlite3.h>

#include "store/sqlite_statement.h"
#include "store/sqlite_store.h"

namespace kansoku::store {
namespace {

/// Keys kept per kind for a closed hour and for a closed day. A top list asks for at most 1,000.
constexpr int64_t kHourKeys = 1000;
constexpr int64_t kDayKeys = 1000;
/// An hour (or day) is closed once an event this much later than its end has been stored: records
/// are stamped when they close, so later ones for it are rare (and only add to the error bound).
constexpr Timestamp kClosingGrace = 10 * 60 * kMicrosPerSecond;
/// Days for which the rows cut from closed hours are kept (a late event reopening such a day is summarised
/// exactly again); older days' rest is dropped.
constexpr Timestamp kRestDays = 2;

/// Where a closed hour's rows past its top keys go ("source~"): no list reads them, the summary of their
/// day does (exact day totals), and they are dropped kRestDays after it.
std::string restKind(const TopRollupKind& kind) {
    return std::string(kind.name) + "~";
}

int bindValue(sqlite3_stmt* s, int index, int64_t value) {
    return sqlite3_bind_int64(s, index, value);
}
int bindValue(sqlite3_stmt* s, int index, std::string_view value) {
    return bindText(s, index, value);
}

template <typename... Values>
bool bindAll(sqlite3_stmt* s, const Values&... values) {
    int index = 0;
    return ((bindValue(s, ++index, values) == SQLITE_OK) && ...);
}

std::string_view orderColumn(const TopRollupKind& kind) {
    return kind.by_amount ? "amount" : "count";
}

} // namespace

Result<sqlite3_stmt*> SqliteStore::cached(const std::string& sql) {
    auto it = cached_.find(sql);
    if (it == cached_.end()) {
        auto statement = prepare(sql);
        if (!statement) {
            return fail(statement.error());
        }
        it = cached_.emplace(sql, std::move(*statement)).first;
    }
    sqlite3_reset(it->second.get());
    sqlite3_clear_bindings(it->second.get());
    return it->second.get();
}

template <typename... Values>
Result<void> SqliteStore::run(const std::string& sql, std::string_view context, const Values&... values) {
    auto s = cached(sql);
    if (!s) {
        return fail(s.error());
    }
    if (!bindAll(*s, values...)) {
        return fail(error(context));
    }
    auto done = stepDone(*s, context);
    sqlite3_reset(*s);
    return done;
}

Result<void> SqliteStore::writeRollups() {
    if (rollups_.empty()) {
        return {};
    }
    const std::string context = "rollups";
    for (const auto& [key, count] : rollups_.eventMinutes()) {
        KANSOKU_TRY(
            run("INSERT INTO event_minutes (type, minute, count) VALUES (?1, ?2, ?3) ON CONFLICT (minute, type) "
                "DO UPDATE SET count = event_minutes.count + excluded.count",
                context, std::string_view(key.first), key.second, count));
    }
    for (const auto& [key, count] : rollups_.eventHours()) {
        KANSOKU_TRY(run("INSERT INTO event_hours (type, hour, count) VALUES (?1, ?2, ?3) ON CONFLICT (hour, type) "
                        "DO UPDATE SET count = event_hours.count + excluded.count",
                        context, std::string_view(key.first), key.second, count));
    }
    for (const auto& [minute, a] : rollups_.probeMinutes()) {
        KANSOKU_TRY(run("INSERT INTO probe_minutes (minute, packets, sources) VALUES (?1, ?2, ?3) ON CONFLICT (minute) "
                        "DO UPDATE SET packets = probe_minutes.packets + excluded.packets, "
                        "sources = probe_minutes.sources + excluded.sources",
                        context, minute, a.count, a.amount));
    }
    for (const auto& [key, a] : rollups_.portMinutes()) {
        KANSOKU_TRY(run("INSERT INTO port_minutes (port, proto, minute, packets, sources) VALUES (?1, ?2, ?3, ?4, ?5) "
                        "ON CONFLICT (port, proto, minute) DO UPDATE SET "
                        "packets = port_minutes.packets + excluded.packets, "
                        "sources = port_minutes.sources + excluded.sources",
                        context, key.port, std::string_view(key.proto), key.minute, a.count, a.amount));
    }
    for (const auto& [key, a] : rollups_.topHours()) {
        KANSOKU_TRY(run("INSERT INTO top_hours (kind, hour, key, count, amount) VALUES (?1, ?2, ?3, ?4, ?5) "
                        "ON CONFLICT (kind, hour, key) DO UPDATE SET count = top_hours.count + excluded.count, "
                        "amount = top_hours.amount + excluded.amount",
                        context, kTopRollupKinds[key.kind].name, key.hour, std::string_view(key.key), a.count,
                        a.amount));
    }
    KANSOKU_TRY(writeSourceSketches());
    for (const auto& [key, a] : rollups_.topHours()) {
        open_hours_.insert(key.hour);
    }
    if (!watermark_) {
        auto latest = latestRollupHour();
        KANSOKU_TRY(latest);
        watermark_ = *latest;
    }
    watermark_ = std::max(*watermark_, rollups_.latest());
    return summariseClosed();
}

Result<void> SqliteStore::writeSourceSketches() {
    for (const auto& [hour, sketch] : rollups_.sourceSketches()) {
        HyperLogLog merged = sketch;
        auto s = cached("SELECT registers FROM source_sketches WHERE hour = ?1");
        KANSOKU_TRY(s);
        bindAll(*s, hour);
        const int rc = sqlite3_step(*s);
        if (rc == SQLITE_ROW) {
            const auto* bytes = static_cast<const char*>(sqlite3_column_blob(*s, 0));
            // A damaged sketch is replaced by this batch's: the hour's count starts over rather than fail.
            merged.merge(
                std::string_view(bytes == nullptr ? "" : bytes, static_cast<size_t>(sqlite3_column_bytes(*s, 0))));
        } else if (rc != SQLITE_DONE) {
            return fail(error("source sketches"));
        }
        sqlite3_reset(*s);
        auto put = cached("INSERT OR REPLACE INTO source_sketches (hour, registers) VALUES (?1, ?2)");
        KANSOKU_TRY(put);
        sqlite3_bind_int64(*put, 1, hour);
        bindBlob(*put, 2, merged.registers());
        auto done = stepDone(*put, "source sketches");
        sqlite3_reset(*put);
        KANSOKU_TRY(done);
    }
    return {};
}

Result<Timestamp> SqliteStore::latestRollupHour() {
    auto s = cached("SELECT coalesce(max(hour), 0) FROM event_hours");
    KANSOKU_TRY(s);
    if (sqlite3_step(*s) != SQLITE_ROW) {
        return fail(error("rollups"));
    }
    const Timestamp hour = sqlite3_column_int64(*s, 0);
    sqlite3_reset(*s);
    return hour;
}

Result<void> SqliteStore::summariseClosed() {
    const Timestamp closed_before = *watermark_ - kClosingGrace;
    for (auto it = open_hours_.begin(); it != open_hours_.end();) {
        const Timestamp hour = *it;
        if (hour + kRollupHour > closed_before) {
            ++it;
            continue;
        }
        for (const auto& kind : kTopRollupKinds) {
            KANSOKU_TRY(cutHour(kind, hour));
        }
        open_days_.insert(floorTo(hour, kRollupDay));
        it = open_hours_.erase(it);
    }
    bool summarised = false;
    for (auto it = open_days_.begin(); it != open_days_.end();) {
        const Timestamp day = *it;
        if (day + kRollupDay > closed_before) {
            ++it;
            continue;
        }
        for (const auto& kind : kTopRollupKinds) {
            KANSOKU_TRY(summariseDay(kind, day));
        }
        summarised = true;
        it = open_days_.erase(it);
    }
    if (summarised) {
        // The rows cut from hours are kept while late events may still reopen their day.
        const Timestamp keep_from = floorTo(closed_before, kRollupDay) - kRestDays * kRollupDay;
        for (const auto& kind : kTopRollupKinds) {
            KANSOKU_TRY(run("DELETE FROM top_hours WHERE kind = ?1 AND hour < ?2", "dropping cut rows",
                            std::string_view(restKind(kind)), keep_from));
        }
    }
    return {};
}

Result<void> SqliteStore::cutHour(const TopRollupKind& kind, Timestamp hour) {
    // The keys past the top kHourKeys of the hour, by the kind's order (ties by key, as lists are read).
    const std::string cut_keys =
        fmt::format("SELECT key FROM top_hours WHERE kind = ?1 AND hour = ?2 ORDER BY {} DESC, key LIMIT -1 OFFSET ?3",
                    orderColumn(kind));
    auto measure = cached(fmt::format("SELECT count(*), coalesce(max(count), 0), coalesce(max(amount), 0) FROM "
                                      "top_hours WHERE kind = ?1 AND hour = ?2 AND key IN ({})",
                                      cut_keys));
    KANSOKU_TRY(measure);
    bindAll(*measure, kind.name, hour, kHourKeys);
    if (sqlite3_step(*measure) != SQLITE_ROW) {
        return fail(error("cutting top lists"));
    }
    const int64_t cut = sqlite3_column_int64(*measure, 0);
    const int64_t max_count = sqlite3_column_int64(*measure, 1);
    const int64_t max_amount = sqlite3_column_int64(*measure, 2);
    sqlite3_reset(*measure);
    if (cut > 0) {
        // The cut rows move to the kind's rest (restKind), which no list reads: the day is summarised from them.
        KANSOKU_TRY(run(fmt::format("INSERT INTO top_hours (kind, hour, key, count, amount) SELECT ?4, hour, key, "
                                    "count, amount FROM top_hours WHERE kind = ?1 AND hour = ?2 AND key IN ({}) "
                                    "ON CONFLICT (kind, hour, key) DO UPDATE SET count = top_hours.count + "
                                    "excluded.count, amount = top_hours.amount + excluded.amount",
                                    cut_keys),
                        "cutting top lists", kind.name, hour, kHourKeys, std::string_view(restKind(kind))));
        KANSOKU_TRY(run(fmt::format("DELETE FROM top_hours WHERE kind = ?1 AND hour = ?2 AND key IN ({})", cut_keys),
                        "cutting top lists", kind.name, hour, kHourKeys));
    }
    return recordCut(kind, "hour", hour, cut, max_count, max_amount);
}

Result<void> SqliteStore::recordCut(const TopRollupKind& kind, std::string_view span, Timestamp period, int64_t cut,
                                    int64_t max_count, int64_t max_amount) {
    // A period cut again (late events) keeps the larger bound and adds up what was cut.
    return run("INSERT INTO top_cuts (kind, span, period, cut, max_count, max_amount) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
               "ON CONFLICT (kind, span, period) DO UPDATE SET cut = top_cuts.cut + excluded.cut, "
               "max_count = max(top_cuts.max_count, excluded.max_count), "
               "max_amount = max(top_cuts.max_amount, excluded.max_amount)",
               "cutting top lists", kind.name, span, period, cut, max_count, max_amount);
}

Result<void> SqliteStore::summariseDay(const TopRollupKind& kind, Timestamp day) {
    const std::string context = "summarising a day";
    KANSOKU_TRY(run("DELETE FROM top_days WHERE kind = ?1 AND day = ?2", context, kind.name, day));
    // The day's keys from its hours' kept rows and the rows cut from them (the rest): exact day totals.
    const std::string rest = restKind(kind);
    const std::string day_keys("SELECT key, sum(count) AS count, sum(amount) AS amount FROM top_hours "
                               "WHERE kind IN (?1, ?5) AND hour >= ?2 AND hour < ?3 GROUP BY key");
    KANSOKU_TRY(run(fmt::format("INSERT INTO top_days (kind, day, key, count, amount) SELECT ?1, ?2, key, count, "
                                "amount FROM ({}) ORDER BY {} DESC, key LIMIT ?4",
                                day_keys, orderColumn(kind)),
                    context, kind.name, day, day + kRollupDay, kDayKeys, std::string_view(rest)));
    // The bound of a day: the largest day total of a key left out, plus what its hours' cuts left out.
    auto measure = cached(fmt::format("SELECT count(*), coalesce(max(count), 0), coalesce(max(amount), 0) FROM ({}) "
                                      "WHERE key NOT IN (SELECT key FROM top_days WHERE kind = ?1 AND day = ?2)",
                                      day_keys));
    KANSOKU_TRY(measure);
    bindAll(*measure, kind.name, day, day + kRollupDay, int64_t{0}, std::string_view(rest));
    if (sqlite3_step(*measure) != SQLITE_ROW) {
        return fail(error(context));
    }
    int64_t cut = sqlite3_column_int64(*measure, 0);
    int64_t max_count = sqlite3_column_int64(*measure, 1);
    int64_t max_amount = sqlite3_column_int64(*measure, 2);
    sqlite3_reset(*measure);
    // When the rest holds every row cut from the day's hours (a row per key cut, as many as the cuts
    // recorded), the day totals above were exact. Otherwise (rows dropped after kRestDays and a late event
    // reopened the day, or hours cut before the rest was kept) what the hours' cuts left out adds up too.
    auto hours = cached("SELECT coalesce(sum(cut), 0), coalesce(sum(max_count), 0), coalesce(sum(max_amount), 0), "
                        "(SELECT count(*) FROM top_hours WHERE kind = ?4 AND hour >= ?2 AND hour < ?3) "
                        "FROM top_cuts WHERE kind = ?1 AND span = 'hour' AND period >= ?2 AND period < ?3");
    KANSOKU_TRY(hours);
    bindAll(*hours, kind.name, day, day + kRollupDay, std::string_view(rest));
    if (sqlite3_step(*hours) != SQLITE_ROW) {
        return fail(error(context));
    }
    const bool rest_complete = sqlite3_column_int64(*hours, 3) == sqlite3_column_int64(*hours, 0);
    cut += rest_complete ? 0 : sqlite3_column_int64(*hours, 0);
    max_count += rest_complete ? 0 : sqlite3_column_int64(*hours, 1);
    max_amount += rest_complete ? 0 : sqlite3_column_int64(*hours, 2);
    sqlite3_reset(*hours);
    KANSOKU_TRY(run("DELETE FROM top_cuts WHERE kind = ?1 AND span = 'day' AND period = ?2", context, kind.name, day));
    return recordCut(kind, "day", day, cut, max_count, max_amount);
}

} // namespace kansoku::store
