#include "web/response_cache.h"

#include <algorithm>

namespace kansoku::web {

void ResponseCache::erase(std::unordered_map<std::string, Entry>::iterator it) {
    bytes_ -= it->second.body->size();
    uses_.erase(it->second.use);
    entries_.erase(it);
}

std::shared_ptr<const std::string> ResponseCache::find(const std::string& key, const Stamp& stamp, Timestamp now) {
    const auto it = entries_.find(key);
    if (it == entries_.end()) {
        ++misses_;
        return nullptr;
    }
    if (it->second.stamp != stamp || now >= it->second.expires || now < it->second.built) {
        erase(it);
        ++misses_;
        return nullptr;
    }
    uses_.splice(uses_.begin(), uses_, it->second.use);
    ++hits_;
    return it->second.body;
}

void ResponseCache::put(const std::string& key, const Stamp& stamp, Timestamp now, Timestamp expires,
                        std::shared_ptr<const std::string> body) {
    if (body->size() > max_bytes_ || max_entries_ == 0) {
        return;
    }
    if (const auto it = entries_.find(key); it != entries_.end()) {
        erase(it);
    }
    while (!entries_.empty() && (entries_.size() >= max_entries_ || bytes_ + body->size() > max_bytes_)) {
        erase(entries_.find(uses_.back()));
    }
    uses_.push_front(key);
    bytes_ += body->size();
    entries_.emplace(key,
                     Entry{stamp, now, std::min(expires, now + max_age_.micros()), std::move(body), uses_.begin()});
}

} // namespace kansoku::web
