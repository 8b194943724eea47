#pragma once

/// The center's store at scale: PostgreSQL through libpq (`storage.url = "postgresql://..."`). The
/// same tables as SqliteStore from the PostgreSQL dialect of the same migrations
/// (migrations/postgres/), so every query reads the same. Events are buffered inside a transaction and
/// sent with COPY; every other write is a parameterised statement.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/database.h"
#include "store/rollup_batch.h"

namespace kansoku::store {

struct Migration;
class PgConnection;
class SqlFilter;

class PostgresStore final : public Database {
public:
    /// Connects to `url` (a libpq connection URI) and, for ReadWriteCreate, migrates. Every failure
    /// is one line naming the URL without its password: the server unreachable, refused
    /// credentials, a schema newer than this binary supports.
    static Result<std::unique_ptr<PostgresStore>> open(const std::string& url, OpenMode mode);

    ~PostgresStore() override;
    PostgresStore(const PostgresStore&) = delete;
    PostgresStore& operator=(const PostgresStore&) = delete;

    Result<void> begin() override;
    /// Buffers the row; rows go to the server with COPY when the buffer is full, before any read,
    /// and at commit(). An error here or at commit() means nothing since begin() is stored.
    Result<void> append(const Event& event) override;
    Result<void> commit() override;
    void rollback() override;
    Result<std::vector<Event>> query(const EventQuery& query) override;
    Result<std::unique_ptr<EventCursor>> cursor(const EventQuery& query) override;
    Result<uint64_t> countEvents(const EventQuery& query) override;
    Result<int> schemaVersion() override;
    Result<std::pair<int64_t, int64_t>> changeStamp() override;
    const std::string& path() const override;

    // IntelStore (postgres_store_intel.cpp)
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

    // TenantStore (postgres_store_isps.cpp)
    Result<void> addIsp(const IspRecord& isp) override;
    Result<std::vector<IspRecord>> isps() override;
    Result<std::optional<IspRecord>> isp(std::string_view name) override;
    Result<std::optional<IspRecord>> ispByKeyHash(std::string_view key_hash) override;
    Result<bool> removeIsp(std::string_view name) override;
    Result<bool> setIspKeyHash(std::string_view name, std::string_view key_hash, Timestamp when) override;

    // ReportStore (postgres_store_reports.cpp)
    Result<int64_t> addReport(const ReportRecord& report) override;
    Result<std::optional<ReportRecord>> report(int64_t id) override;
    Result<std::vector<ReportRecord>> reports(const ReportQuery& query) override;
    Result<std::optional<Timestamp>> lastReportUntil(std::string_view isp) override;
    Result<int> addDelivery(const DeliveryRecord& delivery) override;
    Result<std::vector<DeliveryRecord>> deliveries(int64_t report) override;

    // SharingStore (postgres_store_sharing.cpp)
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

    // PartnerIntelStore (postgres_store_partner_intel.cpp)
    Result<int64_t> putPartnerObjects(std::string_view feed, const std::vector<PartnerObjectRecord>& objects,
                                      const std::vector<PartnerIndicatorRecord>& values) override;
    Result<std::vector<PartnerIndicatorRecord>> partnerIndicators(Timestamp at) override;
    Result<std::vector<PartnerObjectRecord>> partnerObjects(std::string_view feed, std::string_view type) override;
    Result<void> addPartnerSightings(const std::vector<PartnerSightingRecord>& sightings) override;
    Result<std::vector<PartnerSightingRecord>> partnerSightings() override;
    Result<void> putFeedState(const FeedStateRecord& state) override;
    Result<std::optional<FeedStateRecord>> feedState(std::string_view name) override;

private:
    explicit PostgresStore(std::unique_ptr<PgConnection> connection);

    Result<void> checkVersion(OpenMode mode);
    Result<void> migrate();
    Result<void> applyMigration(const Migration& migration);
    /// Sends the buffered event rows (COPY); nothing to do when there are none.
    Result<void> flush();
    /// Writes what the transaction's events add to the dashboard's rollups (postgres_store_rollups.cpp).
    Result<void> writeRollups();
    /// Runs `work` all or nothing: in a savepoint inside a transaction, else in its own transaction.
    Result<void> atomically(std::string_view name, const std::function<Result<void>()>& work);

    Result<std::vector<IspRecord>> selectIsps(std::string_view where, std::string_view value);
    Result<std::vector<PartnerRecord>> selectPartners(std::string_view where, std::string_view value);
    Result<void> visitHosts(const SqlFilter& select, const HostVisitor& visit);
    Result<std::vector<InfectedHostRecord>> selectHosts(const SqlFilter& select);

    std::unique_ptr<PgConnection> connection_;
    bool writable_ = false;
    std::string copy_buffer_; ///< event rows not yet sent, COPY text format
    size_t buffered_rows_ = 0;
    int64_t changes_ = 0; ///< rows this connection wrote (changeStamp's second half)
    RollupBatch rollups_; ///< what the open transaction's events add to the rollups
};

} // namespace kansoku::store
