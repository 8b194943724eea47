// PostgresStore as a ReportStore: ISP reports and their deliveries.

#include "store/postgres_connection.h"
#include "store/postgres_store.h"

namespace kansoku::store {
namespace {

constexpr std::string_view kReportColumns = "SELECT id, isp, created, since, until, format, name, hosts";

ReportRecord reportFromRow(const PgRows& rows, int r) {
    ReportRecord report;
    report.id = rows.integer(r, 0);
    report.isp = rows.text(r, 1);
    report.created = rows.integer(r, 2);
    report.since = rows.integer(r, 3);
    report.until = rows.integer(r, 4);
    report.format = rows.text(r, 5);
    report.name = rows.text(r, 6);
    report.hosts = rows.integer(r, 7);
    return report;
}

} // namespace

Result<int64_t> PostgresStore::addReport(const ReportRecord& report) {
    auto added = connection_->query("INSERT INTO reports (isp, created, since, until, format, name, body, hosts) "
                                    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                                    PgParams()
                                        .text(report.isp)
                                        .integer(report.created)
                                        .integer(report.since)
                                        .integer(report.until)
                                        .text(report.format)
                                        .text(report.name)
                                        .bytes(report.body)
                                        .integer(report.hosts),
                                    "add report");
    KANSOKU_TRY(added);
    ++changes_;
    return added->integer(0, 0);
}

Result<std::optional<ReportRecord>> PostgresStore::report(int64_t id) {
    auto rows = connection_->query(std::string(kReportColumns) + ", body FROM reports WHERE id = $1",
                                   PgParams().integer(id), "report");
    KANSOKU_TRY(rows);
    if (rows->size() == 0) {
        return std::optional<ReportRecord>{};
    }
    ReportRecord found = reportFromRow(*rows, 0);
    found.body = rows->bytes(0, 8);
    return std::optional<ReportRecord>{std::move(found)};
}

Result<std::vector<ReportRecord>> PostgresStore::reports(const ReportQuery& query) {
    SqlFilter select(std::string(kReportColumns) + " FROM reports");
    if (query.isp) {
        select.where("isp = ?", {*query.isp});
    }
    select.append(" ORDER BY id DESC");
    if (query.limit > 0) {
        select.append(" LIMIT ?", {query.limit});
    }
    auto rows = connection_->query(select, "reports");
    KANSOKU_TRY(rows);
    std::vector<ReportRecord> found;
    for (int r = 0; r < rows->size(); ++r) {
        found.push_back(reportFromRow(*rows, r));
    }
    return found;
}

Result<std::optional<Timestamp>> PostgresStore::lastReportUntil(std::string_view isp) {
    auto rows =
        connection_->query("SELECT MAX(until) FROM reports WHERE isp = $1", PgParams().text(isp), "last report");
    KANSOKU_TRY(rows);
    return rows->optionalInteger(0, 0);
}

Result<int> PostgresStore::addDelivery(const DeliveryRecord& delivery) {
    // Numbered under a lock on the report's row, so two writers cannot take the same attempt number.
    int attempt = 0;
    auto done = atomically("delivery", [&]() -> Result<void> {
        KANSOKU_TRY(connection_->query("SELECT 1 FROM reports WHERE id = $1 FOR UPDATE",
                                       PgParams().integer(delivery.report), "add delivery"));
        auto added = connection_->query("INSERT INTO deliveries (report, attempt, ts, recipient, outcome, detail) "
                                        "SELECT $1, COALESCE(MAX(attempt), 0) + 1, $2, $3, $4, $5 FROM deliveries "
                                        "WHERE report = $1 RETURNING attempt",
                                        PgParams()
                                            .integer(delivery.report)
                                            .integer(delivery.ts)
                                            .text(delivery.recipient)
                                            .text(delivery.outcome)
                                            .text(delivery.detail),
                                        "add delivery");
        KANSOKU_TRY(added);
        attempt = static_cast<int>(added->integer(0, 0));
        return {};
    });
    KANSOKU_TRY(done);
    return attempt;
}

Result<std::vector<DeliveryRecord>> PostgresStore::deliveries(int64_t report) {
    auto rows = connection_->query("SELECT report, attempt, ts, recipient, outcome, detail FROM deliveries "
                                   "WHERE report = $1 ORDER BY attempt",
                                   PgParams().integer(report), "deliveries");
    KANSOKU_TRY(rows);
    std::vector<DeliveryRecord> found;
    for (int r = 0; r < rows->size(); ++r) {
        found.push_back({rows->integer(r, 0), static_cast<int>(rows->integer(r, 1)), rows->integer(r, 2),
                         std::string(rows->text(r, 3)), std::string(rows->text(r, 4)), std::string(rows->text(r, 5))});
    }
    return found;
}

} // namespace kansoku::store
