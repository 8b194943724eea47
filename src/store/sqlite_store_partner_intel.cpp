// SqliteStore as a PartnerIntelStore: partners' objects and indicator values, kansoku's sightings of
// them, and where each feed's pulls stand.

#include <algorithm>

#include "store/sqlite_statement.h"
#include "store/sqlite_store.h"

namespace kansoku::store {

Result<int64_t> SqliteStore::putPartnerObjects(std::string_view feed, const std::vector<PartnerObjectRecord>& objects,
                                               const std::vector<PartnerIndicatorRecord>& values) {
    if (objects.empty()) {
        return int64_t{0};
    }
    KANSOKU_TRY(exec("SAVEPOINT partner_objects", "partner objects"));
    auto kept = insertPartnerObjects(feed, objects, values);
    if (!kept) {
        exec("ROLLBACK TO partner_objects", {});
        exec("RELEASE partner_objects", {});
        return kept;
    }
    KANSOKU_TRY(exec("RELEASE partner_objects", "partner objects"));
    return kept;
}

Result<int64_t> SqliteStore::insertPartnerObjects(std::string_view feed,
                                                  const std::vector<PartnerObjectRecord>& objects,
                                                  const std::vector<PartnerIndicatorRecord>& values) {
    // Newer or new only: the WHERE of the upsert leaves a newer version kept alone.
    auto upsert = prepare("INSERT INTO partner_objects (feed, id, type, version_us, tlp, fetched, body) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed, id) DO UPDATE SET type = excluded.type, "
                          "version_us = excluded.version_us, tlp = excluded.tlp, fetched = excluded.fetched, "
                          "body = excluded.body WHERE excluded.version_us > partner_objects.version_us");
    auto forget = prepare("DELETE FROM partner_indicators WHERE feed = ? AND indicator_id = ?");
    auto insert = prepare("INSERT OR REPLACE INTO partner_indicators (feed, indicator_id, kind, value, name, tlp, "
                          "valid_from, valid_until, modified) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!upsert || !forget || !insert) {
        return fail(!upsert ? upsert.error() : !forget ? forget.error() : insert.error());
    }
    int64_t kept = 0;
    std::vector<std::string_view> kept_ids;
    for (const auto& o : objects) {
        sqlite3_stmt* s = upsert->get();
        sqlite3_reset(s);
        bindText(s, 1, feed);
        bindText(s, 2, o.id);
        bindText(s, 3, o.type);
        sqlite3_bind_int64(s, 4, o.version_us);
        bindText(s, 5, o.tlp);
        sqlite3_bind_int64(s, 6, o.fetched);
        bindText(s, 7, o.json);
        auto changed = change(s, "partner object");
        KANSOKU_TRY(changed);
        if (*changed == 0) {
            continue;
        }
        ++kept;
        kept_ids.push_back(o.id);
        sqlite3_stmt* f = forget->get();
        sqlite3_reset(f);
        bindText(f, 1, feed);
        bindText(f, 2, o.id);
        KANSOKU_TRY(stepDone(f, "partner indicator values"));
    }
    std::sort(kept_ids.begin(), kept_ids.end());
    for (const auto& v : values) {
        if (!std::binary_search(kept_ids.begin(), kept_ids.end(), std::string_view(v.indicator_id))) {
            continue; // its object was not newer than the one kept
        }
        sqlite3_stmt* s = insert->get();
        sqlite3_reset(s);
        bindText(s, 1, feed);
        bindText(s, 2, v.indicator_id);
        bindText(s, 3, v.kind);
        bindText(s, 4, v.value);
        bindText(s, 5, v.name);
        bindText(s, 6, v.tlp);
        sqlite3_bind_int64(s, 7, v.valid_from);
        sqlite3_bind_int64(s, 8, v.valid_until);
        sqlite3_bind_int64(s, 9, v.modified);
        KANSOKU_TRY(stepDone(s, "partner indicator value"));
    }
    return kept;
}

Result<std::vector<PartnerIndicatorRecord>> SqliteStore::partnerIndicators(Timestamp at) {
    auto statement = prepare("SELECT feed, indicator_id, kind, value, name, tlp, valid_from, valid_until, modified "
                             "FROM partner_indicators WHERE valid_until = 0 OR valid_until > ? "
                             "ORDER BY feed, indicator_id, kind, value");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    sqlite3_bind_int64(s, 1, at);
    std::vector<PartnerIndicatorRecord> out;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        out.push_back({std::string(columnText(s, 0)), std::string(columnText(s, 1)), std::string(columnText(s, 2)),
                       std::string(columnText(s, 3)), std::string(columnText(s, 4)), std::string(columnText(s, 5)),
                       sqlite3_column_int64(s, 6), sqlite3_column_int64(s, 7), sqlite3_column_int64(s, 8)});
    }
    if (rc != SQLITE_DONE) {
        return fail(error("partner indicators"));
    }
    return out;
}

Result<std::vector<PartnerObjectRecord>> SqliteStore::partnerObjects(std::string_view feed, std::string_view type) {
    SqlFilter select("SELECT feed, id, type, version_us, tlp, fetched, body FROM partner_objects");
    if (!feed.empty()) {
        select.where("feed = ?", {std::string(feed)});
    }
    if (!type.empty()) {
        select.where("type = ?", {std::string(type)});
    }
    select.append(" ORDER BY feed, id");
    auto statement = prepare(select.sql());
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    if (!select.bind(s)) {
        return fail(error("partner objects"));
    }
    std::vector<PartnerObjectRecord> out;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        out.push_back({std::string(columnText(s, 0)), std::string(columnText(s, 1)), std::string(columnText(s, 2)),
                       sqlite3_column_int64(s, 3), std::string(columnText(s, 4)), sqlite3_column_int64(s, 5),
                       std::string(columnText(s, 6))});
    }
    if (rc != SQLITE_DONE) {
        return fail(error("partner objects"));
    }
    return out;
}

Result<void> SqliteStore::addPartnerSightings(const std::vector<PartnerSightingRecord>& sightings) {
    if (sightings.empty()) {
        return {};
    }
    auto statement =
        prepare("INSERT INTO partner_sightings (feed, indicator_id, observed_as, count, first_seen, last_seen, tlp) "
                "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (feed, indicator_id, observed_as) DO UPDATE SET "
                "count = count + excluded.count, first_seen = MIN(first_seen, excluded.first_seen), "
                "last_seen = MAX(last_seen, excluded.last_seen), tlp = excluded.tlp");
    if (!statement) {
        return fail(statement.error());
    }
    KANSOKU_TRY(exec("SAVEPOINT partner_sightings", "partner sightings"));
    sqlite3_stmt* s = statement->get();
    for (const auto& r : sightings) {
        sqlite3_reset(s);
        bindText(s, 1, r.feed);
        bindText(s, 2, r.indicator_id);
        bindText(s, 3, r.observed_as);
        sqlite3_bind_int64(s, 4, r.count);
        sqlite3_bind_int64(s, 5, r.first_seen);
        sqlite3_bind_int64(s, 6, r.last_seen);
        bindText(s, 7, r.tlp);
        if (auto done = stepDone(s, "partner sighting"); !done) {
            exec("ROLLBACK TO partner_sightings", {});
            exec("RELEASE partner_sightings", {});
            return done;
        }
    }
    return exec("RELEASE partner_sightings", "partner sightings");
}

Result<std::vector<PartnerSightingRecord>> SqliteStore::partnerSightings() {
    auto statement = prepare("SELECT feed, indicator_id, observed_as, count, first_seen, last_seen, tlp "
                             "FROM partner_sightings ORDER BY feed, indicator_id, observed_as");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    std::vector<PartnerSightingRecord> out;
    int rc = SQLITE_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        out.push_back({std::string(columnText(s, 0)), std::string(columnText(s, 1)), std::string(columnText(s, 2)),
                       sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5),
                       std::string(columnText(s, 6))});
    }
    if (rc != SQLITE_DONE) {
        return fail(error("partner sightings"));
    }
    return out;
}

Result<void> SqliteStore::putFeedState(const FeedStateRecord& state) {
    auto statement = prepare("INSERT OR REPLACE INTO sharing_feeds (name, added_after, last_attempt, last_success, "
                             "objects, refused, last_error) VALUES (?, ?, ?, ?, ?, ?, ?)");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    bindText(s, 1, state.name);
    bindText(s, 2, state.added_after);
    sqlite3_bind_int64(s, 3, state.last_attempt);
    sqlite3_bind_int64(s, 4, state.last_success);
    sqlite3_bind_int64(s, 5, state.objects);
    sqlite3_bind_int64(s, 6, state.refused);
    bindText(s, 7, state.last_error);
    return stepDone(s, "feed state");
}

Result<std::optional<FeedStateRecord>> SqliteStore::feedState(std::string_view name) {
    auto statement = prepare("SELECT name, added_after, last_attempt, last_success, objects, refused, last_error "
                             "FROM sharing_feeds WHERE name = ?");
    if (!statement) {
        return fail(statement.error());
    }
    sqlite3_stmt* s = statement->get();
    bindText(s, 1, name);
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) {
        return std::optional<FeedStateRecord>{};
    }
    if (rc != SQLITE_ROW) {
        return fail(error("feed state"));
    }
    return std::optional<FeedStateRecord>{FeedStateRecord{std::string(columnText(s, 0)), std::string(columnText(s, 1)),
                                                          sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 3),
                                                          sqlite3_column_int64(s, 4), sqlite3_column_int64(s, 5),
                                                          std::string(columnText(s, 6))}};
}

} // namespace kansoku::store
