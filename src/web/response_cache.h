#pragma once

/// Rendered response bodies kept for re-use while the data under them has not changed: the ISP
/// API answers a page of 1,000 hosts many times between two changes of the store, and building it
/// costs milliseconds on the server's one thread (issue 11 "Speed"). An entry is valid while the
/// store's change stamp (SqliteStore::changeStamp) is the one it was built under, until the expiry
/// its maker gave (an answer that depends on "now", such as since=24h or a notice link that
/// expires, says when it goes stale) and never longer than `max_age`. Bounded in entries and
/// bytes; used from one thread.

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/duration.h"
#include "common/time.h"

namespace kansoku::web {

class ResponseCache {
public:
    using Stamp = std::pair<int64_t, int64_t>;

    ResponseCache(size_t max_entries, size_t max_bytes, Duration max_age)
        : max_entries_(max_entries), max_bytes_(max_bytes), max_age_(max_age) {}

    /// The body kept for `key` if it was built under `stamp` and has not expired at `now`.
    std::shared_ptr<const std::string> find(const std::string& key, const Stamp& stamp, Timestamp now);
    /// Keeps `body`, built at `now` under `stamp`, for `key` until `expires` at the latest (the least
    /// recently used entries make room).
    void put(const std::string& key, const Stamp& stamp, Timestamp now, Timestamp expires,
             std::shared_ptr<const std::string> body);

    size_t size() const { return entries_.size(); }
    uint64_t hits() const { return hits_; }
    uint64_t misses() const { return misses_; }

private:
    struct Entry {
        Stamp stamp;
        Timestamp built = 0;
        Timestamp expires = 0;
        std::shared_ptr<const std::string> body;
        std::list<std::string>::iterator use; ///< its place in uses_
    };
    void erase(std::unordered_map<std::string, Entry>::iterator it);

    size_t max_entries_;
    size_t max_bytes_;
    Duration max_age_;
    size_t bytes_ = 0;
    uint64_t hits_ = 0;
    uint64_t misses_ = 0;
    std::unordered_map<std::string, Entry> entries_;
    std::list<std::string> uses_; ///< keys, most recently used first
};

} // namespace kansoku::web
