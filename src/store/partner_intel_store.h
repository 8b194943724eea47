#pragma once

/// Where partners' intelligence is kept (issue 12 item 4; tables of migration 0006): the objects pulled
/// from each feed, the indicator values kansoku matches against, kansoku's sightings of them, and where
/// each feed's pulls stand. SqliteStore implements it (sqlite_store_partner_intel.cpp).

#include <optional>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/partner_intel_record.h"

namespace kansoku::store {

class PartnerIntelStore {
public:
    virtual ~PartnerIntelStore() = default;

    /// Keeps one page of `feed` in one transaction: an object only when it is new or newer than the
    /// version kept; the values of each object kept replace those of its older version (so a revoked
    /// or rewritten indicator loses its old values). `values` may name only objects in `objects`.
    /// Returns how many objects were kept.
    virtual Result<int64_t> putPartnerObjects(std::string_view feed, const std::vector<PartnerObjectRecord>& objects,
                                              const std::vector<PartnerIndicatorRecord>& values) = 0;
    /// Every value still valid at `at` (valid_until 0 or later), every feed.
    virtual Result<std::vector<PartnerIndicatorRecord>> partnerIndicators(Timestamp at) = 0;
    /// The objects kept of `type` ("" any) from `feed` ("" any), by feed and id.
    virtual Result<std::vector<PartnerObjectRecord>> partnerObjects(std::string_view feed, std::string_view type) = 0;

    /// Adds counts to kansoku's sightings (first_seen the earliest, last_seen the latest).
    virtual Result<void> addPartnerSightings(const std::vector<PartnerSightingRecord>& sightings) = 0;
    virtual Result<std::vector<PartnerSightingRecord>> partnerSightings() = 0;

    virtual Result<void> putFeedState(const FeedStateRecord& state) = 0;
    virtual Result<std::optional<FeedStateRecord>> feedState(std::string_view name) = 0;
};

} // namespace kansoku::store
