#pragma once

/// Login attempts per source address across connections, so a credential policy like "accept
/// after N tries" sees a brute forcer's Nth attempt even when each connection makes one (sshpass,
/// hydra with one try per connection). Bounded: when full it starts over (counted).

#include <cstdint>
#include <string>
#include <unordered_map>

namespace kansoku::honeypot {

class SourceAttempts {
public:
    explicit SourceAttempts(size_t max_sources = 65536) : max_sources_(max_sources) {}

    /// Attempts `src` made in connections that have ended.
    uint32_t prior(const std::string& src) const {
        auto it = attempts_.find(src);
        return it == attempts_.end() ? 0 : it->second;
    }

    /// A connection of `src` ended after `attempts` attempts.
    void add(const std::string& src, uint32_t attempts) {
        if (attempts == 0) {
            return;
        }
        if (attempts_.size() >= max_sources_ && !attempts_.contains(src)) {
            attempts_.clear();
            ++resets_;
        }
        attempts_[src] += attempts;
    }

    uint64_t resets() const { return resets_; }

private:
    size_t max_sources_;
    std::unordered_map<std::string, uint32_t> attempts_;
    uint64_t resets_ = 0;
};

} // namespace kansoku::honeypot
