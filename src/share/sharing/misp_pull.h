#pragma once

/// Pulling a partner's MISP feed ([[sharing.feeds]] kind "misp", issue 12 items 4-5): the feed's
/// manifest.json and its changed events, from an HTTP(S) URL or a directory, through share/misp's reader,
/// into the partner-intel tables. Each attribute kansoku can match is kept as an object of its own
/// (type "misp-attribute", id = the attribute's uuid) with its value, so a newer version of the attribute
/// replaces it. The watermark is the reader's next_since (the newest manifest timestamp read).

#include <functional>

#include "common/result.h"
#include "common/time.h"
#include "share/sharing/feed_config.h"
#include "share/sharing/taxii_client.h"

namespace kansoku::store {
class PartnerIntelStore;
}

namespace kansoku::share {

Result<PullCounts> pullMispFeed(const FeedConfig& feed, store::PartnerIntelStore& store, Timestamp now,
                                std::function<bool()> cancelled);

} // namespace kansoku::share
