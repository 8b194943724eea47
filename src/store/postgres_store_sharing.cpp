// PostgresStore as a SharingStore: partners, TAXII collections and objects, statuses, the sharing log.

#include <algorithm>

#include "common/uuid.h"
#include "store/postgres_connection.h"
#include "store/postgres_store.h"
#include "store/shared_object_select.h"

namespace kansoku::store {
namespace {

Result<std::optional<PartnerRecord>> first(Result<std::vector<PartnerRecord>> partners) {
    KANSOKU_TRY(partners);
    if (partners->empty()) {
        return std::optional<PartnerRecord>{};
    }
    return std::optional<PartnerRecord>{std::move(partners->front())};
}

} // namespace

Result<std::vector<PartnerRecord>> PostgresStore::selectPartners(std::string_view where, std::string_view value) {
    SqlFilter select("SELECT name, community, tlp, secret_hash, created, rotated FROM partners");
    if (!where.empty()) {
        select.where(where, {std::string(value)});
    }
    select.append(" ORDER BY name");
    auto rows = connection_->query(select, "partners");
    KANSOKU_TRY(rows);
    std::vector<PartnerRecord> partners;
    for (int r = 0; r < rows->size(); ++r) {
        partners.push_back({std::string(rows->text(r, 0)), std::string(rows->text(r, 1)), std::string(rows->text(r, 2)),
                            std::string(rows->text(r, 3)), rows->integer(r, 4), rows->integer(r, 5)});
    }
    return partners;
}

Result<void> PostgresStore::addPartner(const PartnerRecord& partner) {
    auto taken = this->partner(partner.name);
    KANSOKU_TRY(taken);
    if (taken->has_value()) {
        return fail("partner {} exists already", partner.name);
    }
    KANSOKU_TRY(connection_->query(
        "INSERT INTO partners (name, community, tlp, secret_hash, created, rotated) VALUES ($1, $2, $3, $4, $5, $6)",
        PgParams()
            .text(partner.name)
            .text(partner.community)
            .text(partner.tlp)
            .text(partner.secret_hash)
            .integer(partner.created)
            .integer(partner.rotated),
        "add partner"));
    ++changes_;
    return {};
}

Result<std::vector<PartnerRecord>> PostgresStore::partners() {
    return selectPartners({}, {});
}

Result<std::optional<PartnerRecord>> PostgresStore::partner(std::string_view name) {
    return first(selectPartners("name = ?", name));
}

Result<std::optional<PartnerRecord>> PostgresStore::partnerBySecretHash(std::string_view secret_hash) {
    return first(selectPartners("secret_hash = ?", secret_hash));
}

Result<bool> PostgresStore::removePartner(std::string_view name) {
    auto removed = connection_->query("DELETE FROM partners WHERE name = $1", PgParams().text(name), "remove partner");
    KANSOKU_TRY(removed);
    changes_ += removed->changed();
    return removed->changed() > 0;
}

Result<bool> PostgresStore::setPartnerSecretHash(std::string_view name, std::string_view secret_hash, Timestamp when) {
    auto updated = connection_->query("UPDATE partners SET secret_hash = $1, rotated = $2 WHERE name = $3",
                                      PgParams().text(secret_hash).integer(when).text(name), "rotate partner secret");
    KANSOKU_TRY(updated);
    changes_ += updated->changed();
    return updated->changed() > 0;
}

Result<std::string> PostgresStore::collectionId(std::string_view community, std::string_view name) {
    KANSOKU_TRY(connection_->query("INSERT INTO sharing_collections (community, name, id) VALUES ($1, $2, $3) "
                                   "ON CONFLICT DO NOTHING",
                                   PgParams().text(community).text(name).text(randomUuid()), "collection id"));
    auto rows = connection_->query("SELECT id FROM sharing_collections WHERE community = $1 AND name = $2",
                                   PgParams().text(community).text(name), "collection id");
    KANSOKU_TRY(rows);
    if (rows->size() == 0) {
        return fail("database {}: collection id: not found after insert", path());
    }
    return std::string(rows->text(0, 0));
}

Result<int64_t> PostgresStore::addSharedObjects(std::vector<SharedObjectRecord>& objects, Timestamp now) {
    if (objects.empty()) {
        return int64_t{0};
    }
    int64_t added = 0;
    auto done = atomically("add_objects", [&]() -> Result<void> {
        // One writer at a time picks date_added, so batches never share one (see SharingStore).
        KANSOKU_TRY(connection_->exec("LOCK TABLE sharing_objects IN SHARE ROW EXCLUSIVE MODE", "add shared objects"));
        auto last =
            connection_->query("SELECT COALESCE(MAX(date_added), 0) FROM sharing_objects", {}, "add shared objects");
        KANSOKU_TRY(last);
        const Timestamp date_added = std::max<Timestamp>(now, last->integer(0, 0) + 1);
        for (auto& o : objects) {
            auto inserted = connection_->query(
                "INSERT INTO sharing_objects (collection, id, type, version, version_us, spec_version, tlp, "
                "date_added, source, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING "
                "RETURNING seq",
                PgParams()
                    .text(o.collection)
                    .text(o.id)
                    .text(o.type)
                    .text(o.version)
                    .integer(o.version_us)
                    .text(o.spec_version)
                    .text(o.tlp)
                    .integer(date_added)
                    .text(o.source)
                    .text(o.json),
                "add shared object");
            KANSOKU_TRY(inserted);
            if (inserted->size() == 0) {
                continue;
            }
            o.seq = inserted->integer(0, 0);
            o.date_added = date_added;
            ++added;
            // A new version marks the older ones superseded; a version older than one already held is superseded
            // itself.
            KANSOKU_TRY(connection_->query(
                "UPDATE sharing_objects SET superseded = 1 WHERE collection = $1 AND id = $2 AND superseded = 0 AND "
                "(version_us < $3 OR (seq = $4 AND EXISTS (SELECT 1 FROM sharing_objects n WHERE n.collection = $1 "
                "AND n.id = $2 AND n.version_us > $3)))",
                PgParams().text(o.collection).text(o.id).integer(o.version_us).integer(o.seq),
                "supersede older versions"));
        }
        return {};
    });
    KANSOKU_TRY(done);
    return added;
}

Result<std::vector<SharedObjectRecord>> PostgresStore::sharedObjects(const SharedObjectQuery& query) {
    int64_t after_seq = query.after_seq;
    if (query.added_after) {
        auto bound = connection_->query(numberedParameters(kLastSeqAddedBy), PgParams().integer(*query.added_after),
                                        "shared objects");
        KANSOKU_TRY(bound);
        if (bound->size() > 0) {
            after_seq = std::max<int64_t>(after_seq, bound->integer(0, 0));
        }
    }
    auto rows = connection_->query(sharedObjectSelect(query, after_seq), "shared objects");
    KANSOKU_TRY(rows);
    std::vector<SharedObjectRecord> objects;
    objects.reserve(rows->size());
    for (int r = 0; r < rows->size(); ++r) {
        SharedObjectRecord o;
        o.seq = rows->integer(r, 0);
        o.collection = rows->text(r, 1);
        o.id = rows->text(r, 2);
        o.type = rows->text(r, 3);
        o.version = rows->text(r, 4);
        o.version_us = rows->integer(r, 5);
        o.spec_version = rows->text(r, 6);
        o.tlp = rows->text(r, 7);
        o.date_added = rows->integer(r, 8);
        o.source = rows->text(r, 9);
        o.json = rows->text(r, 10);
        objects.push_back(std::move(o));
    }
    return objects;
}

Result<void> PostgresStore::putSharingStatus(const SharingStatusRecord& status) {
    KANSOKU_TRY(connection_->query(
        "INSERT INTO sharing_status (id, community, partner, created, body) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (id) DO UPDATE SET community = excluded.community, partner = excluded.partner, "
        "created = excluded.created, body = excluded.body",
        PgParams()
            .text(status.id)
            .text(status.community)
            .text(status.partner)
            .integer(status.created)
            .text(status.json),
        "sharing status"));
    ++changes_;
    return {};
}

Result<std::optional<SharingStatusRecord>> PostgresStore::sharingStatus(std::string_view id) {
    auto rows = connection_->query("SELECT id, community, partner, created, body FROM sharing_status WHERE id = $1",
                                   PgParams().text(id), "sharing status");
    KANSOKU_TRY(rows);
    if (rows->size() == 0) {
        return std::optional<SharingStatusRecord>{};
    }
    return std::optional<SharingStatusRecord>{
        SharingStatusRecord{std::string(rows->text(0, 0)), std::string(rows->text(0, 1)), std::string(rows->text(0, 2)),
                            rows->integer(0, 3), std::string(rows->text(0, 4))}};
}

Result<void> PostgresStore::logSharing(const SharingLogRecord& record) {
    KANSOKU_TRY(connection_->query(
        "INSERT INTO sharing_log (ts, recipient, community, channel, objects, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        PgParams()
            .integer(record.ts)
            .text(record.recipient)
            .text(record.community)
            .text(record.channel)
            .integer(record.objects)
            .text(record.detail),
        "sharing log"));
    ++changes_;
    return {};
}

Result<std::vector<SharingLogRecord>> PostgresStore::sharingLog(Timestamp since, int64_t limit) {
    SqlFilter select{"SELECT ts, recipient, community, channel, objects, detail FROM sharing_log"};
    select.where("ts >= ?", {since});
    select.append(" ORDER BY seq");
    if (limit > 0) {
        select.append(" LIMIT ?", {limit});
    }
    auto rows = connection_->query(select, "sharing log");
    KANSOKU_TRY(rows);
    std::vector<SharingLogRecord> log;
    for (int r = 0; r < rows->size(); ++r) {
        log.push_back({rows->integer(r, 0), std::string(rows->text(r, 1)), std::string(rows->text(r, 2)),
                       std::string(rows->text(r, 3)), rows->integer(r, 4), std::string(rows->text(r, 5))});
    }
    return log;
}

} // namespace kansoku::store
