#pragma once

/// Pulling a partner's TAXII 2.1 collection (issue 12 item 4): the client half of `[[sharing.feeds]]`
/// with kind "taxii". Each pull asks for the objects added after the last complete pull
/// (X-TAXII-Date-Added-Last of its last page) and walks the pages with `next`, keeping the same filters
/// on every page. Every page is bounded (body size, objects), the walk too (max_pages, max_objects, a
/// `next` that repeats or `more` without progress ends it with an error). Each object is checked before
/// anything of it is kept; invalid ones are counted with the first reasons, never stored. A pull that
/// fails half-way keeps the pages it took and the old watermark, so the next pull asks again (what was
/// kept is not duplicated: the store keeps a version once).

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/time.h"
#include "share/sharing/feed_config.h"

namespace kansoku::store {
class PartnerIntelStore;
}

namespace kansoku::share {

struct PullCounts {
    int64_t pages = 0;
    int64_t received = 0;              ///< objects in the answers
    int64_t kept = 0;                  ///< new objects or newer versions
    int64_t refused = 0;               ///< invalid objects
    int64_t values = 0;                ///< indicator values read from patterns
    int64_t unmatched = 0;             ///< indicators whose pattern names nothing kansoku matches
    std::vector<std::string> refusals; ///< the first reasons ("<id>: <why>")
    std::string added_after;           ///< the watermark after the pull
};

/// One HTTP answer as the client needs it (a seam for tests and other transports).
struct FeedAnswer {
    long status = 0;
    std::string content_type;
    std::string date_added_last;
    std::string body;
};
using FeedGet = std::function<Result<FeedAnswer>(const std::string& url)>;

class TaxiiClient {
public:
    /// `get` fetches a URL with the feed's credentials and limits (feedGet() makes the real one).
    TaxiiClient(const FeedConfig& feed, FeedGet get, store::PartnerIntelStore& store);

    /// One pull; the feed's state (watermark, counts, last error) is kept in the store either way.
    Result<PullCounts> pull(Timestamp now);

    /// The collection's URL (…/collections/<id>/) after resolving a title; fails when the API root has
    /// no readable collection by that id or title.
    Result<std::string> collectionUrl();

private:
    Result<void> walk(std::string_view collection_url, PullCounts& counts, Timestamp now);

    const FeedConfig& feed_;
    FeedGet get_;
    store::PartnerIntelStore& store_;
};

/// The real transport: HTTP(S) GET with `accept` (TAXII 2.1's media type by default), the feed's Basic
/// credentials or API key (secrets resolved here: a missing one fails), timeout, CA file, and a 64 MiB cap
/// per answer.
Result<FeedGet> feedGet(const FeedConfig& feed, std::function<bool()> cancelled,
                        std::string_view accept = "application/taxii+json;version=2.1");

} // namespace kansoku::share
