// PostgresStore as a PartnerIntelStore: partners' objects and indicator values, kansoku's sightings of
// them, and where each feed's pulls stand.

#include <algorithm>

#include "store/postgres_connection.h"
#include "store/postgres_store.h"

namespace kansoku::store {

Result<int64_t> PostgresStore::putPartnerObjects(std::string_view feed, const std::vector<PartnerObjectRecord>& objects,
                                                 const std::vector<PartnerIndicatorRecord>& values) {
    if (objects.empty()) {
        return int64_t{0};
    }
    int64_t kept = 0;
    auto done = atomically("partner_objects", [&]() -> Result<void> {
        std::vector<std::string_view> kept_ids;
        for (const auto& o : objects) {
            // Newer or new only: the WHERE of the upsert leaves a newer version kept alone.
            auto changed = connection_->query(
                "INSERT INTO partner_objects AS p (feed, id, type, version_us, tlp, fetched, body) "
                "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (feed, id) DO UPDATE SET type = excluded.type, "
                "version_us = excluded.version_us, tlp = excluded.tlp, fetched = excluded.fetched, "
                "body = excluded.body WHERE excluded.version_us > p.version_us",
                PgParams()
                    .text(feed)
                    .text(o.id)
                    .text(o.type)
                    .integer(o.version_us)
                    .text(o.tlp)
                    .integer(o.fetched)
                    .text(o.json),
                "partner object");
            KANSOKU_TRY(changed);
            if (changed->changed() == 0) {
                continue;
            }
            ++kept;
            kept_ids.push_back(o.id);
            KANSOKU_TRY(connection_->query("DELETE FROM partner_indicators WHERE feed = $1 AND indicator_id = $2",
                                           PgParams().text(feed).text(o.id), "partner indicator values"));
        }
        std::sort(kept_ids.begin(), kept_ids.end());
        for (const auto& v : values) {
            if (!std::binary_search(kept_ids.begin(), kept_ids.end(), std::string_view(v.indicator_id))) {
                continue; // its object was not newer than the one kept
            }
            KANSOKU_TRY(connection_->query(
                "INSERT INTO partner_indicators (feed, indicator_id, kind, value, name, tlp, valid_from, valid_until, "
                "modified) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (feed, indicator_id, kind, value) "
                "DO UPDATE SET name = excluded.name, tlp = excluded.tlp, valid_from = excluded.valid_from, "
                "valid_until = excluded.valid_until, modified = excluded.modified",
                PgParams()
                    .text(feed)
                    .text(v.indicator_id)
                    .text(v.kind)
                    .text(v.value)
                    .text(v.name)
                    .text(v.tlp)
                    .integer(v.valid_from)
                    .integer(v.valid_until)
                    .integer(v.modified),
                "partner indicator value"));
        }
        return {};
    });
    KANSOKU_TRY(done);
    return kept;
}

Result<std::vector<PartnerIndicatorRecord>> PostgresStore::partnerIndicators(Timestamp at) {
    auto rows = connection_->query("SELECT feed, indicator_id, kind, value, name, tlp, valid_from, valid_until, "
                                   "modified FROM partner_indicators WHERE valid_until = 0 OR valid_until > $1 "
                                   "ORDER BY feed, indicator_id, kind, value",
                                   PgParams().integer(at), "partner indicators");
    KANSOKU_TRY(rows);
    std::vector<PartnerIndicatorRecord> out;
    for (int r = 0; r < rows->size(); ++r) {
        out.push_back({std::string(rows->text(r, 0)), std::string(rows->text(r, 1)), std::string(rows->text(r, 2)),
                       std::string(rows->text(r, 3)), std::string(rows->text(r, 4)), std::string(rows->text(r, 5)),
                       rows->integer(r, 6), rows->integer(r, 7), rows->integer(r, 8)});
    }
    return out;
}

Result<std::vector<PartnerObjectRecord>> PostgresStore::partnerObjects(std::string_view feed, std::string_view type) {
    SqlFilter select("SELECT feed, id, type, version_us, tlp, fetched, body FROM partner_objects");
    if (!feed.empty()) {
        select.where("feed = ?", {std::string(feed)});
    }
    if (!type.empty()) {
        select.where("type = ?", {std::string(type)});
    }
    select.append(" ORDER BY feed, id");
    auto rows = connection_->query(select, "partner objects");
    KANSOKU_TRY(rows);
    std::vector<PartnerObjectRecord> out;
    for (int r = 0; r < rows->size(); ++r) {
        out.push_back({std::string(rows->text(r, 0)), std::string(rows->text(r, 1)), std::string(rows->text(r, 2)),
                       rows->integer(r, 3), std::string(rows->text(r, 4)), rows->integer(r, 5),
                       std::string(rows->text(r, 6))});
    }
    return out;
}

Result<void> PostgresStore::addPartnerSightings(const std::vector<PartnerSightingRecord>& sightings) {
    if (sightings.empty()) {
        return {};
    }
    return atomically("partner_sightings", [&]() -> Result<void> {
        for (const auto& s : sightings) {
            KANSOKU_TRY(connection_->query(
                "INSERT INTO partner_sightings AS p (feed, indicator_id, observed_as, count, first_seen, last_seen, "
                "tlp) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (feed, indicator_id, observed_as) DO UPDATE "
                "SET count = p.count + excluded.count, first_seen = LEAST(p.first_seen, excluded.first_seen), "
                "last_seen = GREATEST(p.last_seen, excluded.last_seen), tlp = excluded.tlp",
                PgParams()
                    .text(s.feed)
                    .text(s.indicator_id)
                    .text(s.observed_as)
                    .integer(s.count)
                    .integer(s.first_seen)
                    .integer(s.last_seen)
                    .text(s.tlp),
                "partner sighting"));
        }
        return {};
    });
}

Result<std::vector<PartnerSightingRecord>> PostgresStore::partnerSightings() {
    auto rows = connection_->query("SELECT feed, indicator_id, observed_as, count, first_seen, last_seen, tlp "
                                   "FROM partner_sightings ORDER BY feed, indicator_id, observed_as",
                                   {}, "partner sightings");
    KANSOKU_TRY(rows);
    std::vector<PartnerSightingRecord> out;
    for (int r = 0; r < rows->size(); ++r) {
        out.push_back({std::string(rows->text(r, 0)), std::string(rows->text(r, 1)), std::string(rows->text(r, 2)),
                       rows->integer(r, 3), rows->integer(r, 4), rows->integer(r, 5), std::string(rows->text(r, 6))});
    }
    return out;
}

Result<void> PostgresStore::putFeedState(const FeedStateRecord& state) {
    KANSOKU_TRY(connection_->query(
        "INSERT INTO sharing_feeds (name, added_after, last_attempt, last_success, objects, refused, last_error) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO UPDATE SET added_after = excluded.added_after, "
        "last_attempt = excluded.last_attempt, last_success = excluded.last_success, objects = excluded.objects, "
        "refused = excluded.refused, last_error = excluded.last_error",
        PgParams()
            .text(state.name)
            .text(state.added_after)
            .integer(state.last_attempt)
            .integer(state.last_success)
            .integer(state.objects)
            .integer(state.refused)
            .text(state.last_error),
        "feed state"));
    ++changes_;
    return {};
}

Result<std::optional<FeedStateRecord>> PostgresStore::feedState(std::string_view name) {
    auto rows = connection_->query("SELECT name, added_after, last_attempt, last_success, objects, refused, "
                                   "last_error FROM sharing_feeds WHERE name = $1",
                                   PgParams().text(name), "feed state");
    KANSOKU_TRY(rows);
    if (rows->size() == 0) {
        return std::optional<FeedStateRecord>{};
    }
    return std::optional<FeedStateRecord>{FeedStateRecord{std::string(rows->text(0, 0)), std::string(rows->text(0, 1)),
                                                          rows->integer(0, 2), rows->integer(0, 3), rows->integer(0, 4),
                                                          rows->integer(0, 5), std::string(rows->text(0, 6))}};
}

} // namespace kansoku::store
