#pragma once

/// What kansoku keeps of partners' intelligence (issue 12 item 4): the indicators a partner shared
/// (a TAXII feed's STIX indicators, a MISP feed's attributes), each reduced to the one value kansoku
/// matches its own observations against, and kansoku's sightings of them.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace kansoku::store {

/// One value of one partner indicator. An indicator whose pattern names several values (`[a] OR [b]`)
/// is several records with the same indicator_id.
struct PartnerIndicatorRecord {
    std::string feed;         ///< the [[sharing.feeds]] name it came from
    std::string indicator_id; ///< the STIX id ("indicator--<uuid>") or the MISP attribute's uuid
    std::string kind;         ///< "ipv4", "ipv4-net" (CIDR), "domain" or "sha256"
    std::string value;        ///< normalised: dotted quad, a.b.c.d/len, lower-case domain, lower-case hex
    std::string name;         ///< what the partner called it (indicator name, MISP event info)
    std::string tlp; ///< TLP 2.0 name of the partner's marking ("clear", "green", "amber", "amber+strict", "red")
    Timestamp valid_from = 0;
    Timestamp valid_until = 0; ///< 0: no end given
    Timestamp modified = 0;    ///< the partner's version stamp
};

/// A partner's indicator that named something kansoku saw: `partner_intel` of events, infected hosts
/// and C2 records.
struct PartnerLabel {
    std::string feed;
    std::string indicator_id;
    std::string name;
    std::string tlp;
    bool operator==(const PartnerLabel&) const = default;
};

/// `labels` as the JSON array the store and events carry ("" for none: most rows have none).
std::string partnerLabelsJson(const std::vector<PartnerLabel>& labels);
/// The inverse of partnerLabelsJson; malformed entries are skipped.
std::vector<PartnerLabel> parsePartnerLabels(std::string_view json);

/// One version of one object pulled from a partner's feed, as the partner wrote it.
struct PartnerObjectRecord {
    std::string feed;
    std::string id; ///< STIX id (a MISP attribute: "misp-attribute--<uuid>")
    std::string type;
    Timestamp version_us = 0;
    std::string tlp;
    Timestamp fetched = 0;
    std::string json;
};

/// kansoku's own sightings of one partner indicator: what saw it, how often, when.
struct PartnerSightingRecord {
    std::string feed;
    std::string indicator_id;
    std::string observed_as; ///< the kind of kansoku record: "darknet.scan", "honeypot", "sandbox.c2", "sample"
    int64_t count = 0;
    Timestamp first_seen = 0;
    Timestamp last_seen = 0;
    std::string tlp; ///< the indicator's TLP, which the sighting keeps
};

/// Where a feed's pulls stand.
struct FeedStateRecord {
    std::string name;
    std::string added_after; ///< the next pull asks for objects added after this (X-TAXII-Date-Added-Last)
    Timestamp last_attempt = 0;
    Timestamp last_success = 0;
    int64_t objects = 0; ///< objects kept over all pulls
    int64_t refused = 0; ///< objects refused over all pulls (invalid)
    std::string last_error;
};

} // namespace kansoku::store
