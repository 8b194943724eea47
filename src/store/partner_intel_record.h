#pragma once

/// What kansoku keeps of partners' intelligence (issue 12 item 4): the indicators a partner shared
/// (a TAXII feed's STIX indicators, a MISP feed's attributes), each reduced to the one value kansoku
/// matches its own observations against, and kansoku's sightings of them.

#include <string>

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

} // namespace kansoku::store
