#pragma once

/// A hash map with a hard cap on entries that forgets the least recently used ones in bulk: two
/// generations, the current one taking inserts and the entries found in the older one. When the
/// current generation reaches half the cap, the older generation is dropped (its entries counted
/// as evicted) and the current one becomes the older. Every entry used within the last half-cap
/// insertions survives; memory never exceeds the cap; each operation is O(1) amortised.
///
/// Most lookups are for keys that are absent (most scan sources are not infected hosts): a bit
/// array of 16 bits per entry of capacity, one bit per key hash, answers those without touching
/// the hash tables (a cache miss saved per table); it is rebuilt when a generation is dropped.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <unordered_map>
#include <utility>
#include <vector>

namespace kansoku::intel {

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class BoundedMap {
public:
    explicit BoundedMap(size_t capacity) : half_(capacity < 2 ? 1 : capacity / 2) {
        size_t bits = 64;
        while (bits < half_ * 32) {
            bits <<= 1;
        }
        maybe_.assign(bits / 64, 0);
        mask_ = bits - 1;
    }

    /// The entry for `key`, or nullptr. Finding an entry of the older generation moves it into the
    /// current one (it was used).
    Value* find(const Key& key) {
        if (!mayHold(key)) {
            return nullptr;
        }
        if (auto it = current_.find(key); it != current_.end()) {
            return &it->second;
        }
        auto old = previous_.find(key);
        if (old == previous_.end()) {
            return nullptr;
        }
        Value value = std::move(old->second);
        previous_.erase(old);
        return &insertCurrent(key, std::move(value));
    }

    /// The entry for `key`, created from `Value{}` when absent; `created` says which.
    Value& findOrCreate(const Key& key, bool* created = nullptr) {
        if (Value* found = find(key)) {
            if (created != nullptr) {
                *created = false;
            }
            return *found;
        }
        if (created != nullptr) {
            *created = true;
        }
        return insertCurrent(key, Value{});
    }

    bool erase(const Key& key) { return current_.erase(key) > 0 || previous_.erase(key) > 0; }

    /// Calls `fn(key, value)` for every entry (older generation first); `fn` must not insert or erase.
    template <typename Fn>
    void forEach(Fn&& fn) {
        for (auto& [key, value] : previous_) {
            fn(key, value);
        }
        for (auto& [key, value] : current_) {
            fn(key, value);
        }
    }

    size_t size() const { return current_.size() + previous_.size(); }
    uint64_t evicted() const { return evicted_; }
    size_t capacity() const { return half_ * 2; }

private:
    Value& insertCurrent(const Key& key, Value value) {
        if (current_.size() >= half_) {
            evicted_ += previous_.size();
            previous_ = std::move(current_);
            current_ = {};
            current_.reserve(std::min<size_t>(half_, 1 << 16));
            std::fill(maybe_.begin(), maybe_.end(), 0);
            for (const auto& entry : previous_) {
                mark(entry.first);
            }
        }
        mark(key);
        return current_.emplace(key, std::move(value)).first->second;
    }
    size_t bit(const Key& key) const { return Hash()(key) & mask_; }
    bool mayHold(const Key& key) const {
        const size_t b = bit(key);
        return (maybe_[b >> 6] >> (b & 63)) & 1U;
    }
    void mark(const Key& key) {
        const size_t b = bit(key);
        maybe_[b >> 6] |= uint64_t{1} << (b & 63);
    }

    size_t half_;
    std::unordered_map<Key, Value, Hash> current_;
    std::unordered_map<Key, Value, Hash> previous_;
    uint64_t evicted_ = 0;
    std::vector<uint64_t> maybe_; ///< a bit per key hash of every entry held (and of some gone since)
    size_t mask_ = 0;
};

} // namespace kansoku::intel
