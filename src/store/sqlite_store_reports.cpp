// SqliteStore as a ReportStore: ISP reports and their deliveries.

#include "store/sqlite_statement.h"
#include "store/sqlite_store.h"

namespace kansoku::store {
namespace {

constexpr std::string_view kReportColumns = "SELECT id, isp, created, since, until, format, name, hosts";

ReportRecord reportFromRow(sqlite3_stmt* s) {
    ReportRecord report;
    report.id = sqlite3_column_int64(s, 0);
    report.isp = columnText(s, 1);
    report.created = sqlite3_column_int64(s, 2);
    report.since = sqlite3_column_int64(s, 3);
    report.until = sqlite3_column_int64(s, 4);
    report.format = columnText(s, 5);
    report.name = columnText(s, 6);
    report.hosts = sqlite3_column_int64(s, 7);
    return report;
}

std::string_view columnBlob(sqlite3_stmt* s, int column) {
    const auto* bytes = static_cast<const char*>(sqlite3_column_blob(s, column));
    if (bytes == nullptr) {
        return {};
    }
    return {bytes, static_cast<size_t>(sqlite3_column_bytes(s, column))};
}

} // namespace

Result<int64_t> SqliteStore::addReport(const ReportRecord& report) {
    auto statement = prepare("INSERT INTO reports (isp, created, since, until, format, name, body, hosts) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    bindText(s, 1, report.isp);
    sqlite3_bind_int64(s, 2, report.created);
    sqlite3_bind_int64(s, 3, report.since);
    sqlite3_bind_int64(s, 4, report.until);
    bindText(s, 5, report.format);
    bindText(s, 6, report.name);
    bindBlob(s, 7, report.body);
    sqlite3_bind_int64(s, 8, report.hosts);
    if (sqlite3_step(s) != SQLITE_ROW) {
        return fail(error("add report"));
    }
    const int64_t id = sqlite3_column_int64(s, 0);
    KANSOKU_TRY(stepDone(s, "add report"));
    return id;
}

Result<std::optional<ReportRecord>> SqliteStore::report(int64_t id) {
    auto statement = prepare(std::string(kReportColumns) + ", body FROM reports WHERE id = ?");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    sqlite3_bind_int64(s, 1, id);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        return std::optional<ReportRecord>{};
    }
    if (rc != SQLITE_ROW) {
        return fail(error("report"));
    }
    ReportRecord found = reportFromRow(s);
    found.body = columnBlob(s, 8);
    return std::optional<ReportRecord>{std::move(found)};
}

Result<std::vector<ReportRecord>> SqliteStore::reports(const ReportQuery& query) {
    SqlFilter select(std::string(kReportColumns) + " FROM reports");
    if (query.isp) {
        select.where("isp = ?", {*query.isp});
    }
    select.append(" ORDER BY id DESC");
    if (query.limit > 0) {
        select.append(" LIMIT ?", {query.limit});
    }
    auto statement = prepare(select.sql());
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    if (!select.bind(s)) {
        return fail(error("reports"));
    }
    std::vector<ReportRecord> found;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        found.push_back(reportFromRow(s));
    }
    if (rc != SQLITE_DONE) {
        return fail(error("reports"));
    }
    return found;
}

Result<std::optional<Timestamp>> SqliteStore::lastReportUntil(std::string_view isp) {
    auto statement = prepare("SELECT MAX(until) FROM reports WHERE isp = ?");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    bindText(s, 1, isp);
    if (sqlite3_step(s) != SQLITE_ROW) {
        return fail(error("last report"));
    }
    if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
        return std::optional<Timestamp>{};
    }
    return std::optional<Timestamp>{sqlite3_column_int64(s, 0)};
}

Result<int> SqliteStore::addDelivery(const DeliveryRecord& delivery) {
    // One statement numbers and inserts, so two writers cannot take the same attempt number.
    auto statement = prepare("INSERT INTO deliveries (report, attempt, ts, recipient, outcome, detail) "
                             "SELECT ?1, COALESCE(MAX(attempt), 0) + 1, ?2, ?3, ?4, ?5 FROM deliveries "
                             "WHERE report = ?1 RETURNING attempt");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    sqlite3_bind_int64(s, 1, delivery.report);
    sqlite3_bind_int64(s, 2, delivery.ts);
    bindText(s, 3, delivery.recipient);
    bindText(s, 4, delivery.outcome);
    bindText(s, 5, delivery.detail);
    if (sqlite3_step(s) != SQLITE_ROW) {
        return fail(error("add delivery"));
    }
    const int attempt = sqlite3_column_int(s, 0);
    KANSOKU_TRY(stepDone(s, "add delivery"));
    return attempt;
}

Result<std::vector<DeliveryRecord>> SqliteStore::deliveries(int64_t report) {
    auto statement = prepare("SELECT report, attempt, ts, recipient, outcome, detail FROM deliveries "
                             "WHERE report = ? ORDER BY attempt");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    sqlite3_bind_int64(s, 1, report);
    std::vector<DeliveryRecord> found;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        found.push_back({sqlite3_column_int64(s, 0), sqlite3_column_int(s, 1), sqlite3_column_int64(s, 2),
                         std::string(columnText(s, 3)), std::string(columnText(s, 4)), std::string(columnText(s, 5))});
    }
    if (rc != SQLITE_DONE) {
        return fail(error("deliveries"));
    }
    return found;
}

} // namespace kansoku::store
