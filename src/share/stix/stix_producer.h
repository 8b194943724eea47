#pragma once

/// kansoku's knowledge as STIX 2.1 objects (issue 12 item 1, docs/stix.md): the producer identity,
/// the TLP 2.0 marking definitions, malware families and samples with hash indicators and
/// sightings, ATT&CK attack patterns from sandbox reports, C2 addresses and domains as indicators
/// and infrastructure, infected hosts as the subscriber policy allows, per-port-per-day darknet
/// statistics as observed-data, and a report per outbreak alert, tied together by relationships.
/// Objects are handed to a sink one at a time (a bundle file, the TAXII object table), never
/// collected: an export of millions of indicators holds only the store's rows it reads.

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "common/result.h"
#include "common/time.h"
#include "share/stix/producer_identity.h"
#include "share/stix/stix_config.h"
#include "share/stix/stix_object.h"
#include "share/stix/subscriber_policy.h"

namespace kansoku::store {
class Database;
}

namespace kansoku::share::stix {

/// Who the objects are for and what of kansoku's data they cover.
struct ProduceScope {
    std::string community;                                     ///< the sharing community (informational here)
    SubscriberPolicy subscribers = SubscriberPolicy::Withhold; ///< how infected-host addresses leave
    std::string pseudonymKey;                                  ///< secret for Crypto-PAn (Pseudonymise only)
    Timestamp since = 0;                                       ///< only what was seen at or after this (µs)
};

/// What one produce() call emitted, per STIX type, and what it left out.
struct ProduceCounts {
    std::map<std::string, uint64_t> by_type;
    uint64_t objects = 0;
    uint64_t c2_refused = 0;     ///< C2 records not shareable (private, sandbox fake network, bad domain)
    uint64_t hosts_withheld = 0; ///< infected hosts left out by the subscriber policy
};

class StixProducer {
public:
    using Sink = std::function<Result<void>(StixObject&&)>;

    /// Reads events and intel tables (C2 endpoints, infected hosts) from `store`, which must outlive the producer.
    explicit StixProducer(store::Database& store, ProducerIdentity identity);
    StixProducer(store::Database& store, ProducerIdentity identity, StixConfig config);

    /// Calls sink once per object (each object once, markings/identity first), stops on the first error
    /// (the sink's, the store's, or a pseudonym key that cannot be used).
    Result<void> produce(const ProduceScope& scope, const Sink& sink);

    /// The counts of the last produce().
    const ProduceCounts& counts() const { return counts_; }

private:
    store::Database& store_;
    ProducerIdentity identity_;
    StixConfig config_;
    ProduceCounts counts_;
};

} // namespace kansoku::share::stix
