#pragma once

/// kansoku's knowledge as MISP events (issue 12 item 5, docs/sharing.md "MISP feeds"):
///
/// - one event per malware family: its stored samples (sha256, md5, sha1) and its C2 endpoints
///   (ip-dst|port, ip-dst, domain), tagged with the family's malpedia galaxy cluster where known;
/// - one event per UTC day for what has no family yet: samples and C2 endpoints first seen that day;
/// - one event per darknet outbreak alert: the port, the figures;
/// - one event per UTC day of infected hosts, only as the subscriber policy lets them out (Crypto-PAn
///   pseudonyms or /24s, never real addresses; never for IDS use).
///
/// Event and attribute uuids are UUIDv5 over stable names in the producer's namespace (the one its
/// STIX ids use), so a re-export updates events instead of duplicating them; an event's timestamp
/// is the newest `last seen` of what it holds, so it moves only when its content does. Each event
/// has one TLP ([sharing.stix] tlp_* keys); events above the scope's ceiling are left out, and
/// amber+strict ones are made only for a named community.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "share/misp/misp_event.h"
#include "share/stix/stix_config.h"
#include "share/stix/subscriber_policy.h"

namespace kansoku::store {
class Database;
}

namespace kansoku::share::misp {

/// Who the events are for and what of kansoku's data they cover.
struct MispScope {
    std::string community; ///< the sharing community; "" : none (then no amber+strict event)
    stix::SubscriberPolicy subscribers = stix::SubscriberPolicy::Withhold;
    std::string pseudonym_key; ///< Crypto-PAn secret (Pseudonymise only)
    Timestamp since = 0;       ///< only what was last seen at or after this (µs)
    stix::Tlp ceiling = stix::Tlp::Green;
};

/// What one produce() made and left out.
struct MispCounts {
    std::map<std::string, uint64_t> events_by_kind; ///< "family", "unattributed", "outbreak", "hosts"
    uint64_t attributes = 0;
    uint64_t above_ceiling = 0;  ///< events left out by the TLP ceiling (or amber+strict without a community)
    uint64_t c2_refused = 0;     ///< C2 records not shareable (private, sandbox fake network, bad domain)
    uint64_t hosts_withheld = 0; ///< infected hosts left out by the subscriber policy
};

class MispFeedProducer {
public:
    /// Reads events and intel tables from `store`, which must outlive the producer. `config` gives the
    /// identity (Orgc, id namespace), the TLP of each kind of data.
    MispFeedProducer(store::Database& store, stix::StixConfig config);

    const MispOrg& org() const { return org_; }
    const stix::StixConfig& config() const { return config_; }
    /// The events, ordered by uuid.
    Result<std::vector<MispEvent>> produce(const MispScope& scope);
    const MispCounts& counts() const { return counts_; }

private:
    store::Database& store_;
    stix::StixConfig config_;
    MispOrg org_;
    MispCounts counts_;
};

} // namespace kansoku::share::misp
