#pragma once

/// An open-addressing hash table for the darknet trackers' per-packet lookups. Linear probing
/// over a separate array of one-byte tags (0 = empty, else 0x80 | 7 bits of the hash), so a probe
/// reads tags, not the large slots, and a lookup can be prefetched exactly: prefetch() loads the
/// tag and every cache line of the key's home slot, which is where it almost always is. Erase is
/// by backward shift (no tombstones). Capacity is a power of two, load at most 7/8.
///
/// References to values stay valid until the next insert that grows the table (reserve() first)
/// or the next erase.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

#include "common/prefetch.h"
#include "darknet/huge_array.h"

namespace kansoku::darknet {

template <typename Key, typename Value, typename Hash>
class FlatTable {
public:
    struct Slot {
        Key key{};
        Value value{};
    };

    FlatTable() { allocate(kMinCapacity); }

    size_t size() const { return size_; }
    size_t capacity() const { return capacity_; }
    /// Bytes held by the table itself (slots and tags).
    size_t tableBytes() const { return capacity_ * (sizeof(Slot) + 1); }

    /// Batched lookups prefetch in two steps, a few packets apart each: prefetchTags() loads the
    /// tags around the key's home slot; prefetchSlot() then walks those tags to the slot the key
    /// most likely occupies (the first with its tag, or the empty one it would take) and loads it.
    uint64_t hashOf(const Key& key) const { return hash_(key); }
    void prefetchTags(uint64_t h) const { prefetchLine(&tags_[home(h)]); }
    void prefetchSlot(uint64_t h) const {
        const uint8_t t = tagOf(h);
        size_t i = home(h);
        while (tags_[i] != 0 && tags_[i] != t) {
            i = (i + 1) & mask_;
        }
        const auto* p = reinterpret_cast<const char*>(&slots_[i]);
        // Every cache line the slot spans (slots are not line-aligned).
        for (size_t offset = 0; offset < sizeof(Slot) + 63; offset += 64) {
            prefetchLine(p + offset);
        }
    }

    bool canInsertWithoutGrowing(size_t n) const { return (size_ + n) * 8 <= capacity_ * 7; }

    /// Grows now if needed so that `n` more inserts cannot move values.
    void reserve(size_t n) {
        while ((size_ + n) * 8 > capacity_ * 7) {
            rehash(capacity_ * 2);
        }
    }

    Value& findOrInsert(const Key& key, bool& inserted) { return findOrInsert(key, hash_(key), inserted); }

    /// The same with the key's hash already computed (hashOf()).
    Value& findOrInsert(const Key& key, uint64_t h, bool& inserted) {
        const uint8_t t = tagOf(h);
        size_t i = home(h);
        for (; tags_[i] != 0; i = (i + 1) & mask_) {
            if (tags_[i] == t && slots_[i].key == key) {
                inserted = false;
                return slots_[i].value;
            }
        }
        if ((size_ + 1) * 8 > capacity_ * 7) {
            rehash(capacity_ * 2);
            return findOrInsert(key, h, inserted);
        }
        tags_[i] = t;
        slots_[i].key = key;
        ++size_;
        inserted = true;
        return slots_[i].value;
    }

    Value* find(const Key& key) {
        const uint64_t h = hash_(key);
        const uint8_t t = tagOf(h);
        for (size_t i = home(h); tags_[i] != 0; i = (i + 1) & mask_) {
            if (tags_[i] == t && slots_[i].key == key) {
                return &slots_[i].value;
            }
        }
        return nullptr;
    }

    /// Removes `key`, moving its value out into `out`. Returns false if absent.
    bool extract(const Key& key, Value& out) {
        const uint64_t h = hash_(key);
        const uint8_t t = tagOf(h);
        size_t i = home(h);
        for (; tags_[i] != 0; i = (i + 1) & mask_) {
            if (tags_[i] == t && slots_[i].key == key) {
                break;
            }
        }
        if (tags_[i] == 0) {
            return false;
        }
        out = std::move(slots_[i].value);
        eraseAt(i);
        return true;
    }

    template <typename Fn>
    void forEach(Fn&& fn) const {
        for (size_t i = 0; i < capacity_; ++i) {
            if (tags_[i] != 0) {
                fn(slots_[i].key, slots_[i].value);
            }
        }
    }

    template <typename Fn>
    void forEachMutable(Fn&& fn) {
        for (size_t i = 0; i < capacity_; ++i) {
            if (tags_[i] != 0) {
                fn(slots_[i].key, slots_[i].value);
            }
        }
    }

    /// Shrinks the slot array when it is mostly empty (after evictions), so the memory the table
    /// reports and holds follows its contents. Moves values.
    void shrinkToFit() {
        size_t capacity = capacity_;
        while (capacity > kMinCapacity && size_ * 8 <= (capacity / 2) * 7 / 2) {
            capacity /= 2;
        }
        if (capacity != capacity_) {
            rehash(capacity);
        }
    }

    /// Empties the table and gives its memory back.
    void clear() {
        allocate(kMinCapacity);
        size_ = 0;
    }

private:
    static constexpr size_t kMinCapacity = 16;

    static uint8_t tagOf(uint64_t h) { return static_cast<uint8_t>(0x80U | (h >> 57)); }
    size_t home(uint64_t h) const { return static_cast<size_t>(h) & mask_; }

    void allocate(size_t capacity) {
        capacity_ = capacity;
        mask_ = capacity - 1;
        tags_ = HugeArray<uint8_t>(capacity);
        slots_ = HugeArray<Slot>(capacity);
    }

    void rehash(size_t capacity) {
        auto old_tags = std::move(tags_);
        auto old_slots = std::move(slots_);
        const size_t old_capacity = capacity_;
        allocate(capacity);
        for (size_t i = 0; i < old_capacity; ++i) {
            if (old_tags[i] == 0) {
                continue;
            }
            const uint64_t h = hash_(old_slots[i].key);
            size_t j = home(h);
            while (tags_[j] != 0) {
                j = (j + 1) & mask_;
            }
            tags_[j] = old_tags[i];
            slots_[j] = std::move(old_slots[i]);
        }
    }

    /// Backward-shift deletion (Knuth 6.4, algorithm R).
    void eraseAt(size_t i) {
        slots_[i] = Slot{};
        tags_[i] = 0;
        --size_;
        for (size_t j = (i + 1) & mask_; tags_[j] != 0; j = (j + 1) & mask_) {
            const size_t h = home(hash_(slots_[j].key));
            // Move slot j back to the hole at i unless its home lies cyclically in (i, j].
            const bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
            if (stays) {
                continue;
            }
            slots_[i] = std::move(slots_[j]);
            tags_[i] = tags_[j];
            slots_[j] = Slot{};
            tags_[j] = 0;
            i = j;
        }
    }

    Hash hash_{};
    size_t capacity_ = 0;
    size_t mask_ = 0;
    size_t size_ = 0;
    HugeArray<uint8_t> tags_;
    HugeArray<Slot> slots_;
};

} // namespace kansoku::darknet
