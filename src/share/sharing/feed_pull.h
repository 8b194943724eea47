#pragma once

/// One pull of one [[sharing.feeds]] entry, whatever its kind (TAXII 2.1 collection or MISP feed), into
/// the partner-intel tables: `kansoku sharing pull` and the sharing scheduler of `kansoku run` both call it.

#include <functional>

#include "common/result.h"
#include "common/time.h"
#include "share/sharing/feed_config.h"
#include "share/sharing/taxii_client.h"

namespace kansoku::store {
class PartnerIntelStore;
}

namespace kansoku::share {

/// Pulls `feed`; `cancelled` is polled during HTTP transfers.
Result<PullCounts> pullFeed(const FeedConfig& feed, store::PartnerIntelStore& store, Timestamp now,
                            std::function<bool()> cancelled = {});

} // namespace kansoku::share
