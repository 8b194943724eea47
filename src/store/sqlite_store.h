#pragma once

/// The embedded store: one SQLite file in WAL mode (var/kansoku.db by default), so the live
/// writer and `kansoku query` readers do not block each other.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "store/database.h"
#include "store/rollup_batch.h"

struct sqlite3;
struct sqlite3_stmt;

namespace kansoku::store {

struct Migration;
class SqlFilter;

class SqliteStore final : public Database {
public:
    /// Opens (and for ReadWriteCreate creates and migrates) the database at `path`. Every failure
    /// is one line naming the path: a missing or unwritable directory, a file that is not an SQLite
    /// database, a schema newer than this binary supports.
    static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, OpenMode mode);

    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    Result<void> begin() override;
    Result<void> append(const Event& event) override;
    Result<void> commit() override;
    void rollback() override;
    Result<std::vector<Event>> query(const EventQuery& query) override;
    Result<std::unique_ptr<EventCursor>> cursor(const EventQuery& query) override;
    Result<uint64_t> countEvents(const EventQuery& query) override;
    Result<int> schemaVersion() override;

    // IntelStore (sqlite_store_intel.cpp)
    Result<void> upsertInfectedHost(const InfectedHostRecord& record, Timestamp now) override;
    Result<std::optional<InfectedHostRecord>> infectedHost(const IpAddress& ip) override;
    Result<std::vector<InfectedHostRecord>> infectedHosts(const HostQuery& query) override;
    Result<void> forEachInfectedHost(const HostQuery& query, const HostVisitor& visit) override;
    Result<void> upsertC2(const C2Record& record) override;
    Result<std::vector<C2Record>> c2Records(std::optional<Timestamp> seen_since) override;
    Result<void> recordFeedback(const FeedbackRecord& feedback) override;
    Result<std::vector<FeedbackRecord>> feedback(std::optional<std::string> isp) override;
    Result<void> setNoticeToken(const IpAddress& ip, std::string_view token, Timestamp expires) override;
    Result<std::optional<InfectedHostRecord>> hostByNoticeToken(std::string_view token, Timestamp now) override;

    // TenantStore (sqlite_store_isps.cpp)
    Result<void> addIsp(const IspRecord& isp) override;
    Result<std::vector<IspRecord>> isps() override;
    Result<std::optional<IspRecord>> isp(std::string_view name) override;
    Result<std::optional<IspRecord>> ispByKeyHash(std::string_view key_hash) override;
    Result<bool> removeIsp(std::string_view name) override;
    Result<bool> setIspKeyHash(std::string_view name, std::string_view key_hash, Timestamp when) override;

    // ReportStore (sqlite_store_reports.cpp)
    Result<int64_t> addReport(const ReportRecord& report) override;
    Result<std::optional<ReportRecord>> report(int64_t id) override;
    Result<std::vector<ReportRecord>> reports(const ReportQuery& query) override;
    Result<std::optional<Timestamp>> lastReportUntil(std::string_view isp) override;
    Result<int> addDelivery(const DeliveryRecord& delivery) override;
    Result<std::vector<DeliveryRecord>> deliveries(int64_t report) override;

    const std::string& path() const override { return path_; }

    /// Another connection (this process or another) committed (`PRAGMA data_version`), or this
    /// connection changed rows (sqlite3_total_changes).
    Result<std::pair<int64_t, int64_t>> changeStamp() override;

    // SharingStore (sqlite_store_sharing.cpp).
    Result<void> addPartner(const PartnerRecord& partner) override;
    Result<std::vector<PartnerRecord>> partners() override;
    Result<std::optional<PartnerRecord>> partner(std::string_view name) override;
    Result<std::optional<PartnerRecord>> partnerBySecretHash(std::string_view secret_hash) override;
    Result<bool> removePartner(std::string_view name) override;
    Result<bool> setPartnerSecretHash(std::string_view name, std::string_view secret_hash, Timestamp when) override;
    Result<std::string> collectionId(std::string_view community, std::string_view name) override;
    Result<int64_t> addSharedObjects(std::vector<SharedObjectRecord>& objects, Timestamp now) override;
    Result<std::vector<SharedObjectRecord>> sharedObjects(const SharedObjectQuery& query) override;
    Result<void> putSharingStatus(const SharingStatusRecord& status) override;
    Result<std::optional<SharingStatusRecord>> sharingStatus(std::string_view id) override;
    Result<void> logSharing(const SharingLogRecord& record) override;
    Result<std::vector<SharingLogRecord>> sharingLog(Timestamp since, int64_t limit) override;

    // PartnerIntelStore (sqlite_store_partner_intel.cpp).
    Result<int64_t> putPartnerObjects(std::string_view feed, const std::vector<PartnerObjectRecord>& objects,
                                      const std::vector<PartnerIndicatorRecord>& values) override;
    Result<std::vector<PartnerIndicatorRecord>> partnerIndicators(Timestamp at) override;
    Result<std::vector<PartnerObjectRecord>> partnerObjects(std::string_view feed, std::string_view type) override;
    Result<void> addPartnerSightings(const std::vector<PartnerSightingRecord>& sightings) override;
    Result<std::vector<PartnerSightingRecord>> partnerSightings() override;
    Result<void> putFeedState(const FeedStateRecord& state) override;
    Result<std::optional<FeedStateRecord>> feedState(std::string_view name) override;

private:
    struct DatabaseCloser {
        void operator()(sqlite3* db) const;
    };
    struct StatementFinalizer {
        void operator()(sqlite3_stmt* statement) const;
    };
    using Connection = std::unique_ptr<sqlite3, DatabaseCloser>;
    using Statement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

    SqliteStore(std::string path, Connection db);

    Result<void> configure(OpenMode mode);
    Result<void> useWal();
    Result<void> checkVersion(OpenMode mode);
    // Schema migrations (sqlite_store_migrate.cpp).
    Result<void> migrate();
    Result<void> applyMigration(const Migration& migration);
    Result<void> applyMigrationInTransaction(const Migration& migration);

    // Reading hosts and ISPs (sqlite_store_intel.cpp, sqlite_store_isps.cpp).
    Result<std::vector<InfectedHostRecord>> selectHosts(const SqlFilter& select);
    Result<void> visitHosts(const SqlFilter& select, const HostVisitor& visit);
    Result<std::vector<IspRecord>> selectIsps(std::string_view where, std::string_view param);
    Result<void> insertIsp(const IspRecord& isp);
    Result<void> loadNetworks(IspRecord& isp);
    Result<std::vector<PartnerRecord>> selectPartners(std::string_view where, std::string_view value);
    Result<int64_t> insertSharedObjects(std::vector<SharedObjectRecord>& objects, Timestamp now);
    Result<int64_t> insertPartnerObjects(std::string_view feed, const std::vector<PartnerObjectRecord>& objects,
                                         const std::vector<PartnerIndicatorRecord>& values);
    // The dashboard's rollups (sqlite_store_rollups.cpp): what the transaction's events add, written
    // once per key before it commits, then the summaries of the hours and days that closed.
    Result<void> writeRollups();
    Result<void> writeSourceSketches();
    Result<Timestamp> latestRollupHour();
    Result<void> summariseClosed();
    Result<void> cutHour(const TopRollupKind& kind, Timestamp hour);
    Result<void> summariseDay(const TopRollupKind& kind, Timestamp day);
    Result<void> recordCut(const TopRollupKind& kind, std::string_view span, Timestamp period, int64_t cut,
                           int64_t max_count, int64_t max_amount);
    /// A statement prepared once per SQL text, reset and unbound.
    Result<sqlite3_stmt*> cached(const std::string& sql);
    /// Runs a cached statement that returns no rows with `values` bound as ?1, ?2, ...
    template <typename... Values>
    Result<void> run(const std::string& sql, std::string_view context, const Values&... values);

    /// Runs a statement that changes rows; the number of rows it changed.
    Result<int> change(sqlite3_stmt* statement, std::string_view context);

    Result<void> exec(const char* sql, std::string_view context);
    Result<Statement> prepare(std::string_view sql);
    Result<void> stepDone(sqlite3_stmt* statement, std::string_view context);
    /// "database <path>: <context>: <SQLite's message>" (no context: "database <path>: <message>").
    Error error(std::string_view context) const;

    std::string path_;
    Connection db_;
    Statement insert_;       ///< prepared once; destroyed before db_
    Statement upsert_host_;  ///< prepared on first use (correlation upserts hosts by the hundred thousand)
    Statement data_version_; ///< changeStamp()'s, prepared on first use
    std::map<std::string, Statement, std::less<>> cached_;
    RollupBatch rollups_;                ///< what the open transaction's events add to the rollups
    std::optional<Timestamp> watermark_; ///< the latest event time stored (read once from the rollups)
    std::set<Timestamp> open_hours_;     ///< hours written to that have not closed yet
    std::set<Timestamp> open_days_;      ///< days with a closed hour, not closed themselves yet
};

} // namespace kansoku::store
