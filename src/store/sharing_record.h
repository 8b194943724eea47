#pragma once

/// What the store keeps for international sharing (issue 12; tables of migration 0004): partners,
/// the STIX objects a community's TAXII collections hold, the status of partners' contributions
/// and the log of what was shared with whom. The store knows nothing of STIX or TLP rules: objects
/// are JSON text with the few columns TAXII filters on, TLP is a name the caller filters by.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/time.h"

namespace kansoku::store {

/// One organisation of one sharing community.
struct PartnerRecord {
    std::string name;
    std::string community;
    std::string tlp;         ///< its ceiling: "clear", "green", "amber" or "amber+strict"
    std::string secret_hash; ///< SHA-256 of its secret, 64 hex digits
    Timestamp created = 0;
    Timestamp rotated = 0;
};

/// One version of one STIX object in one collection.
struct SharedObjectRecord {
    int64_t seq = 0;        ///< set by the store
    std::string collection; ///< the collection's id
    std::string id;         ///< "type--uuid"
    std::string type;
    std::string version;      ///< `modified`, else `created`, else the date added, as written
    Timestamp version_us = 0; ///< the same as a time, for ordering
    std::string spec_version = "2.1";
    std::string tlp;          ///< the TLP name of its marking
    Timestamp date_added = 0; ///< set by the store (never before the previous object's)
    std::string source;       ///< "kansoku" or the contributing partner's name
    std::string json;         ///< the object, one line
};

/// Which objects of a collection to read, in the order they were added. Unset or empty members do
/// not filter.
struct SharedObjectQuery {
    std::string collection;
    std::optional<Timestamp> added_after; ///< date_added strictly after
    int64_t after_seq = 0;                ///< paging: objects after this seq
    std::vector<std::string> ids;
    std::vector<std::string> types;
    std::vector<std::string> spec_versions;
    std::vector<std::string> tlps; ///< only these TLP names; empty: none at all (fail closed)
    /// Which versions of each object (TAXII match[version]): all of them, or any of the first, the
    /// last and those at exact times (`version_us`). Default: the last.
    bool all_versions = false;
    bool first_version = false;
    bool last_version = true;
    std::vector<Timestamp> versions;
    int64_t limit = 0; ///< 0: no limit
};

/// The status of one partner POST (TAXII 2.1 section 4.3.1), its JSON as served.
struct SharingStatusRecord {
    std::string id;
    std::string community;
    std::string partner;
    Timestamp created = 0;
    std::string json;
};

/// One hand-over of objects: a TAXII answer, an export, a feed page.
struct SharingLogRecord {
    Timestamp ts = 0;
    std::string recipient; ///< partner name, "admin", or the export's file
    std::string community;
    std::string channel; ///< "taxii", "stix-export", "misp-export", "misp-feed"
    int64_t objects = 0;
    std::string detail; ///< e.g. the request target
};

} // namespace kansoku::store
