#pragma once

/// Publishing (issue 12 items 2 and 3): what kansoku knows, as STIX 2.1 from share/stix's producer
/// under the community's subscriber policy, into each community's `kansoku` TAXII collection. Every run
/// produces the whole picture again and keeps only what is new: an object whose version (`modified`)
/// is already in the collection is skipped by the store, so a re-run adds nothing and a C2 seen again
/// becomes a new version. Runs from `kansoku run` every [sharing] publish_interval and from
/// `kansoku sharing publish`.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time.h"
#include "share/sharing/sharing_config.h"

namespace kansoku::store {
class Database;
}

namespace kansoku::share {

struct PublishCounts {
    uint64_t produced = 0;                   ///< objects the producer made
    uint64_t added = 0;                      ///< of those, new in the collection (new objects or versions)
    uint64_t sightings = 0;                  ///< sightings of partners' indicators among the produced
    std::map<std::string, uint64_t> by_type; ///< produced, per STIX type
};

class StixPublisher {
public:
    /// `store` and `config` must outlive the publisher.
    StixPublisher(store::Database& store, const SharingConfig& config);

    /// Publishes into `community`'s collection; objects are added in batches, each batch in one
    /// transaction with one date_added, so a partner polling meanwhile sees whole batches.
    Result<PublishCounts> publish(std::string_view community, Timestamp now);

private:
    store::Database& store_;
    const SharingConfig& config_;
};

} // namespace kansoku::share
