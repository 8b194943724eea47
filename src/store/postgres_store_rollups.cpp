// PostgresStore: the dashboard's rollups (migrations 0006-0008). The events a transaction appends are
// added up in a RollupBatch (as SqliteStore does); commit() sends its keys with one COPY into a
// temporary staging table and upserts each rollup table from it with one statement, so a batch costs
// the same few round trips whatever number of keys it touches. The summaries of closed hours and days
// (top_days, top_cuts) and the source sketches are SQLite's only so far (src/store/README.md).

#include <optional>
#include <string>

#include "store/postgres_connection.h"
#include "store/postgres_store.h"

namespace kansoku::store {
namespace {

constexpr std::string_view kStage = "CREATE TEMP TABLE IF NOT EXISTS rollup_stage (rollup TEXT NOT NULL, key TEXT, "
                                    "t BIGINT NOT NULL, port BIGINT, count BIGINT NOT NULL, amount BIGINT NOT NULL) "
                                    "ON COMMIT DELETE ROWS";

constexpr std::string_view kUpserts =
    "INSERT INTO event_minutes (type, minute, count) SELECT key, t, count FROM rollup_stage WHERE rollup = 'minute' "
    "ON CONFLICT (minute, type) DO UPDATE SET count = event_minutes.count + excluded.count; "
    "INSERT INTO event_hours (type, hour, count) SELECT key, t, count FROM rollup_stage WHERE rollup = 'hour' "
    "ON CONFLICT (hour, type) DO UPDATE SET count = event_hours.count + excluded.count; "
    "INSERT INTO probe_minutes (minute, packets, sources) SELECT t, count, amount FROM rollup_stage "
    "WHERE rollup = 'probes' ON CONFLICT (minute) DO UPDATE SET packets = probe_minutes.packets + excluded.packets, "
    "sources = probe_minutes.sources + excluded.sources; "
    "INSERT INTO port_minutes (port, proto, minute, packets, sources) SELECT port, key, t, count, amount "
    "FROM rollup_stage WHERE rollup = 'port' ON CONFLICT (port, proto, minute) DO UPDATE SET "
    "packets = port_minutes.packets + excluded.packets, sources = port_minutes.sources + excluded.sources; "
    "INSERT INTO top_hours (kind, hour, key, count, amount) SELECT substr(rollup, 5), t, key, count, amount "
    "FROM rollup_stage WHERE rollup LIKE 'top.%' ON CONFLICT (kind, hour, key) DO UPDATE SET "
    "count = top_hours.count + excluded.count, amount = top_hours.amount + excluded.amount";

/// One row of the staging table in COPY text format.
void appendStageRow(std::string& out, std::string_view rollup, const std::string* key, Timestamp t,
                    std::optional<int64_t> port, int64_t count, int64_t amount) {
    out += rollup;
    out += '\t';
    if (key != nullptr) {
        appendCopyText(out, *key);
    } else {
        out += "\\N";
    }
    out += '\t';
    out += std::to_string(t);
    out += '\t';
    out += port ? std::to_string(*port) : "\\N";
    out += '\t';
    out += std::to_string(count);
    out += '\t';
    out += std::to_string(amount);
    out += '\n';
}

} // namespace

Result<void> PostgresStore::writeRollups() {
    if (rollups_.empty()) {
        return {};
    }
    std::string rows;
    for (const auto& [key, count] : rollups_.eventMinutes()) {
        appendStageRow(rows, "minute", &key.first, key.second, std::nullopt, count, 0);
    }
    for (const auto& [key, count] : rollups_.eventHours()) {
        appendStageRow(rows, "hour", &key.first, key.second, std::nullopt, count, 0);
    }
    for (const auto& [minute, a] : rollups_.probeMinutes()) {
        appendStageRow(rows, "probes", nullptr, minute, std::nullopt, a.count, a.amount);
    }
    for (const auto& [key, a] : rollups_.portMinutes()) {
        appendStageRow(rows, "port", &key.proto, key.minute, key.port, a.count, a.amount);
    }
    std::string top;
    for (const auto& [key, a] : rollups_.topHours()) {
        top = "top.";
        top += kTopRollupKinds[key.kind].name;
        appendStageRow(rows, top, &key.key, key.hour, std::nullopt, a.count, a.amount);
    }
    KANSOKU_TRY(connection_->exec(kStage, "rollups"));
    KANSOKU_TRY(connection_->copyIn("rollup_stage (rollup, key, t, port, count, amount)", rows, "rollups"));
    return connection_->exec(kUpserts, "rollups");
}

} // namespace kansoku::store
