#include "share/sharing/feed_pull.h"

#include "share/sharing/misp_pull.h"
#include "store/partner_intel_store.h"

namespace kansoku::share {

Result<PullCounts> pullFeed(const FeedConfig& feed, store::PartnerIntelStore& store, Timestamp now,
                            std::function<bool()> cancelled) {
    if (feed.kind == "taxii") {
        auto get = feedGet(feed, std::move(cancelled));
        KANSOKU_TRY(get);
        TaxiiClient client(feed, std::move(*get), store);
        return client.pull(now);
    }
    if (feed.kind == "misp") {
        return pullMispFeed(feed, store, now, std::move(cancelled));
    }
    return fail("feed {}: unknown kind {}", feed.name, feed.kind);
}

} // namespace kansoku::share
