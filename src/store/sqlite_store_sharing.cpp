// SqliteStore as a SharingStore: partners, TAXII collections and objects, statuses, the sharing log.

#include <fmt/format.h>

#include "common/uuid.h"
#include "store/shared_object_select.h"
#include "store/sqlite_statement.h"
#include "store/sqlite_store.h"

namespace kansoku::store {
namespace {

constexpr std::string_view kPartnerColumns = "SELECT name, community, tlp, secret_hash, created, rotated FROM partners";

PartnerRecord partnerFromRow(sqlite3_stmt* s) {
    return {std::string(columnText(s, 0)), std::string(columnText(s, 1)), std::string(columnText(s, 2)),
            std::string(columnText(s, 3)), sqlite3_column_int64(s, 4),    sqlite3_column_int64(s, 5)};
}

SharedObjectRecord objectFromRow(sqlite3_stmt* s) {
    SharedObjectRecord o;
    o.seq = sqlite3_column_int64(s, 0);
    o.collection = columnText(s, 1);
    o.id = columnText(s, 2);
    o.type = columnText(s, 3);
    o.version = columnText(s, 4);
    o.version_us = sqlite3_column_int64(s, 5);
    o.spec_version = columnText(s, 6);
    o.tlp = columnText(s, 7);
    o.date_added = sqlite3_column_int64(s, 8);
    o.source = columnText(s, 9);
    o.json = columnText(s, 10);
    return o;
}

} // namespace

Result<std::vector<PartnerRecord>> SqliteStore::selectPartners(std::string_view where, std::string_view value) {
    auto statement = prepare(fmt::format("{}{} ORDER BY name", kPartnerColumns, where));
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    if (!where.empty()) {
        bindText(s, 1, value);
    }
    std::vector<PartnerRecord> partners;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        partners.push_back(partnerFromRow(s));
    }
    if (rc != SQLITE_DONE) {
        return fail(error("partners"));
    }
    return partners;
}

Result<void> SqliteStore::addPartner(const PartnerRecord& partner) {
    auto taken = this->partner(partner.name);
    KANSOKU_TRY(taken);
    if (taken->has_value()) {
        return fail("partner {} exists already", partner.name);
    }
    auto insert =
        prepare("INSERT INTO partners (name, community, tlp, secret_hash, created, rotated) VALUES (?, ?, ?, ?, ?, ?)");
    if (!insert) {
        return fail(insert.error());
    }
    sqlite3_stmt* s = insert->get();
    bindText(s, 1, partner.name);
    bindText(s, 2, partner.community);
    bindText(s, 3, partner.tlp);
    bindText(s, 4, partner.secret_hash);
    sqlite3_bind_int64(s, 5, partner.created);
    sqlite3_bind_int64(s, 6, partner.rotated);
    return stepDone(s, "add partner");
}

Result<std::vector<PartnerRecord>> SqliteStore::partners() {
    return selectPartners({}, {});
}

Result<std::optional<PartnerRecord>> SqliteStore::partner(std::string_view name) {
    auto found = selectPartners(" WHERE name = ?", name);
    KANSOKU_TRY(found);
    if (found->empty()) {
        return std::optional<PartnerRecord>{};
    }
    return std::optional<PartnerRecord>{std::move(found->front())};
}

Result<std::optional<PartnerRecord>> SqliteStore::partnerBySecretHash(std::string_view secret_hash) {
    auto found = selectPartners(" WHERE secret_hash = ?", secret_hash);
    KANSOKU_TRY(found);
    if (found->empty()) {
        return std::optional<PartnerRecord>{};
    }
    return std::optional<PartnerRecord>{std::move(found->front())};
}

Result<bool> SqliteStore::removePartner(std::string_view name) {
    auto statement = prepare("DELETE FROM partners WHERE name = ?");
    if (!statement) {
        return fail(statement.error());
    }
    bindText(statement->get(), 1, name);
    KANSOKU_TRY(stepDone(statement->get(), "remove partner"));
    return sqlite3_changes(db_.get()) > 0;
}

Result<bool> SqliteStore::setPartnerSecretHash(std::string_view name, std::string_view secret_hash, Timestamp when) {
    auto statement = prepare("UPDATE partners SET secret_hash = ?, rotated = ? WHERE name = ?");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    bindText(s, 1, secret_hash);
    sqlite3_bind_int64(s, 2, when);
    bindText(s, 3, name);
    KANSOKU_TRY(stepDone(s, "rotate partner secret"));
    return sqlite3_changes(db_.get()) > 0;
}

Result<std::string> SqliteStore::collectionId(std::string_view community, std::string_view name) {
    auto insert = prepare("INSERT OR IGNORE INTO sharing_collections (community, name, id) VALUES (?, ?, ?)");
    if (!insert) {
        return fail(insert.error());
    }
    const std::string fresh = randomUuid();
    sqlite3_stmt* s = insert->get();
    bindText(s, 1, community);
    bindText(s, 2, name);
    bindText(s, 3, fresh);
    KANSOKU_TRY(stepDone(s, "collection id"));
    auto select = prepare("SELECT id FROM sharing_collections WHERE community = ? AND name = ?");
    if (!select) {
        return fail(select.error());
    }
    bindText(select->get(), 1, community);
    bindText(select->get(), 2, name);
    if (sqlite3_step(select->get()) != SQLITE_ROW) {
        return fail(error("collection id"));
    }
    return std::string(columnText(select->get(), 0));
}

Result<int64_t> SqliteStore::addSharedObjects(std::vector<SharedObjectRecord>& objects, Timestamp now) {
    if (objects.empty()) {
        return int64_t{0};
    }
    KANSOKU_TRY(exec("SAVEPOINT add_objects", "add shared objects"));
    auto added = insertSharedObjects(objects, now);
    if (!added) {
        exec("ROLLBACK TO add_objects", {});
        exec("RELEASE add_objects", {});
        return added;
    }
    KANSOKU_TRY(exec("RELEASE add_objects", "add shared objects"));
    return added;
}

Result<int64_t> SqliteStore::insertSharedObjects(std::vector<SharedObjectRecord>& objects, Timestamp now) {
    auto last = prepare("SELECT COALESCE(MAX(date_added), 0) FROM sharing_objects");
    if (!last || sqlite3_step(last->get()) != SQLITE_ROW) {
        return fail(error("add shared objects"));
    }
    // Strictly after every earlier batch: a partner resuming with added_after = the last date it saw
    // must not skip a batch added in the same microsecond (or after the clock stepped back).
    const Timestamp date_added = std::max<Timestamp>(now, sqlite3_column_int64(last->get(), 0) + 1);
    auto insert =
        prepare("INSERT OR IGNORE INTO sharing_objects (collection, id, type, version, version_us, spec_version, tlp, "
                "date_added, source, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!insert) {
        return fail(insert.error());
    }
    // A new version marks the older ones superseded; a version older than one already held is superseded itself.
    auto supersede = prepare("UPDATE sharing_objects SET superseded = 1 WHERE collection = ? AND id = ? AND "
                             "superseded = 0 AND (version_us < ? OR (seq = ? AND EXISTS (SELECT 1 FROM "
                             "sharing_objects n WHERE n.collection = ? AND n.id = ? AND n.version_us > ?)))");
    if (!supersede) {
        return fail(supersede.error());
    }
    sqlite3_stmt* s = insert->get();
    int64_t added = 0;
    for (auto& o : objects) {
        sqlite3_reset(s);
        bindText(s, 1, o.collection);
        bindText(s, 2, o.id);
        bindText(s, 3, o.type);
        bindText(s, 4, o.version);
        sqlite3_bind_int64(s, 5, o.version_us);
        bindText(s, 6, o.spec_version);
        bindText(s, 7, o.tlp);
        sqlite3_bind_int64(s, 8, date_added);
        bindText(s, 9, o.source);
        bindText(s, 10, o.json);
        KANSOKU_TRY(stepDone(s, "add shared object"));
        if (sqlite3_changes(db_.get()) > 0) {
            o.seq = sqlite3_last_insert_rowid(db_.get());
            o.date_added = date_added;
            ++added;
            sqlite3_stmt* u = supersede->get();
            sqlite3_reset(u);
            bindText(u, 1, o.collection);
            bindText(u, 2, o.id);
            sqlite3_bind_int64(u, 3, o.version_us);
            sqlite3_bind_int64(u, 4, o.seq);
            bindText(u, 5, o.collection);
            bindText(u, 6, o.id);
            sqlite3_bind_int64(u, 7, o.version_us);
            KANSOKU_TRY(stepDone(u, "supersede older versions"));
        }
    }
    return added;
}

Result<std::vector<SharedObjectRecord>> SqliteStore::sharedObjects(const SharedObjectQuery& query) {
    int64_t after_seq = query.after_seq;
    if (query.added_after) {
        // date_added grows with seq (insertSharedObjects), so "added after T" starts after the last seq added
        // at or before T: the page then walks the (collection, seq) index from there.
        auto bound = prepare(kLastSeqAddedBy);
        if (!bound) {
            return fail(bound.error());
        }
        sqlite3_bind_int64(bound->get(), 1, *query.added_after);
        if (sqlite3_step(bound->get()) == SQLITE_ROW) {
            after_seq = std::max<int64_t>(after_seq, sqlite3_column_int64(bound->get(), 0));
        }
    }
    const SqlFilter select = sharedObjectSelect(query, after_seq);
    auto statement = prepare(select.sql());
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    if (!select.bind(s)) {
        return fail(error("shared objects"));
    }
    std::vector<SharedObjectRecord> objects;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        objects.push_back(objectFromRow(s));
    }
    if (rc != SQLITE_DONE) {
        return fail(error("shared objects"));
    }
    return objects;
}

Result<void> SqliteStore::putSharingStatus(const SharingStatusRecord& status) {
    auto statement =
        prepare("INSERT OR REPLACE INTO sharing_status (id, community, partner, created, body) VALUES (?, ?, ?, ?, ?)");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    bindText(s, 1, status.id);
    bindText(s, 2, status.community);
    bindText(s, 3, status.partner);
    sqlite3_bind_int64(s, 4, status.created);
    bindText(s, 5, status.json);
    return stepDone(s, "sharing status");
}

Result<std::optional<SharingStatusRecord>> SqliteStore::sharingStatus(std::string_view id) {
    auto statement = prepare("SELECT id, community, partner, created, body FROM sharing_status WHERE id = ?");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    bindText(s, 1, id);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        return std::optional<SharingStatusRecord>{};
    }
    if (rc != SQLITE_ROW) {
        return fail(error("sharing status"));
    }
    return std::optional<SharingStatusRecord>{
        SharingStatusRecord{std::string(columnText(s, 0)), std::string(columnText(s, 1)), std::string(columnText(s, 2)),
                            sqlite3_column_int64(s, 3), std::string(columnText(s, 4))}};
}

Result<void> SqliteStore::logSharing(const SharingLogRecord& record) {
    auto statement = prepare(
        "INSERT INTO sharing_log (ts, recipient, community, channel, objects, detail) VALUES (?, ?, ?, ?, ?, ?)");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    sqlite3_bind_int64(s, 1, record.ts);
    bindText(s, 2, record.recipient);
    bindText(s, 3, record.community);
    bindText(s, 4, record.channel);
    sqlite3_bind_int64(s, 5, record.objects);
    bindText(s, 6, record.detail);
    return stepDone(s, "sharing log");
}

Result<std::vector<SharingLogRecord>> SqliteStore::sharingLog(Timestamp since, int64_t limit) {
    SqlFilter select{"SELECT ts, recipient, community, channel, objects, detail FROM sharing_log"};
    select.where("ts >= ?", {since});
    select.append(" ORDER BY seq");
    if (limit > 0) {
        select.append(" LIMIT ?", {limit});
    }
    auto statement = prepare(select.sql());
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    if (!select.bind(s)) {
        return fail(error("sharing log"));
    }
    std::vector<SharingLogRecord> rows;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        rows.push_back({sqlite3_column_int64(s, 0), std::string(columnText(s, 1)), std::string(columnText(s, 2)),
                        std::string(columnText(s, 3)), sqlite3_column_int64(s, 4), std::string(columnText(s, 5))});
    }
    if (rc != SQLITE_DONE) {
        return fail(error("sharing log"));
    }
    return rows;
}

} // namespace kansoku::store
