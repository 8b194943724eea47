#pragma once

/// An immutable set of IPv4 and IPv6 CIDR prefixes, each tagged with the list it came from, that
/// answers "which lists cover this address?" in O(log n).
///
/// Prefixes are flattened into sorted, non-overlapping address ranges; each range carries the tags
/// of every prefix that covers it, the most specific (longest) prefix first. Adjacent ranges with
/// the same tags are merged, so 1,800 consecutive /32s of one list become one range. IPv4 ranges
/// are uint32 pairs, IPv6 ranges 128-bit pairs; the two families never match each other: an IPv4
/// address (including one written ::ffff:a.b.c.d, which IpAddress stores identically) is only
/// looked up among IPv4 prefixes, so an IPv6 prefix such as ::/0 does not cover IPv4 addresses.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "common/ip_address.h"
#include "common/prefix.h"
#include "common/result.h"

namespace kansoku::intel {

/// A warning-list address entry: a plain address (a host prefix) or address/length.
struct CidrEntry {
    Prefix prefix;
    bool host_bits_masked = false; ///< the entry had host bits set ("192.0.2.7/24"); they were cleared
};

/// Parses "a.b.c.d", "a.b.c.d/len", "v6" or "v6/len" with Prefix::parse; unlike Prefix::parse, an
/// entry with host bits set is masked to its network (and flagged) instead of refused, since
/// third-party lists are not ours to correct.
Result<CidrEntry> parseCidrEntry(std::string_view text);

class AddressMatcher {
public:
    /// Caller-chosen identifier of the list a prefix came from (an index into the caller's lists).
    using Tag = uint32_t;

    /// Collects prefixes; build() flattens them. Duplicates and overlaps are fine.
    class Builder {
    public:
        void add(const Prefix& prefix, Tag tag);
        /// Prefixes added so far.
        std::size_t size() const { return v4_.size() + v6_.size(); }
        AddressMatcher build() const;

    private:
        struct Entry {
            Prefix prefix;
            Tag tag;
        };
        std::vector<Entry> v4_;
        std::vector<Entry> v6_;
    };

    AddressMatcher() = default; ///< matches nothing

    /// Tags of the lists whose prefixes cover `address`, most specific prefix first (ties by tag);
    /// empty if none. The span lives as long as the matcher.
    std::span<const Tag> lookup(const IpAddress& address) const {
        if (address.isV4()) {
            return lookupV4(address.v4());
        }
        return lookupV6(address);
    }
    bool contains(const IpAddress& address) const { return !lookup(address).empty(); }

    /// IPv4 lookup by host-order address: a branch-free binary search over the range starts.
    std::span<const Tag> lookupV4(uint32_t address) const {
        const std::size_t n_ranges = v4_starts_.size();
        if (n_ranges == 0 || address < v4_starts_[0]) {
            return {};
        }
        const uint32_t* base = v4_starts_.data();
        std::size_t n = n_ranges;
        while (n > 1) {
            const std::size_t half = n / 2;
            base = base[half] <= address ? base + half : base;
            n -= half;
        }
        const auto index = static_cast<std::size_t>(base - v4_starts_.data());
        const V4Range& range = v4_ranges_[index];
        if (address > range.last) {
            return {};
        }
        return tagsOf(range.label);
    }

    /// Disjoint ranges after merging, per family and in all.
    std::size_t v4RangeCount() const { return v4_starts_.size(); }
    std::size_t v6RangeCount() const { return v6_ranges_.size(); }
    std::size_t rangeCount() const { return v4RangeCount() + v6RangeCount(); }
    /// Distinct tag sets (ranges covered by the same lists share one).
    std::size_t labelCount() const { return labels_.size(); }

private:
    __extension__ typedef unsigned __int128 U128;

    struct Label {
        uint32_t offset; ///< into tags_
        uint32_t count;
    };
    struct V4Range {
        uint32_t last;  ///< inclusive
        uint32_t label; ///< into labels_
    };
    struct V6Range {
        U128 first;
        U128 last; ///< inclusive
        uint32_t label;
    };

    std::span<const Tag> tagsOf(uint32_t label) const {
        const Label& l = labels_[label];
        return {tags_.data() + l.offset, l.count};
    }
    std::span<const Tag> lookupV6(const IpAddress& address) const;

    std::vector<uint32_t> v4_starts_; ///< first address of each range, ascending (searched alone: dense)
    std::vector<V4Range> v4_ranges_;  ///< parallel to v4_starts_
    std::vector<V6Range> v6_ranges_;  ///< ascending by first
    std::vector<Label> labels_;
    std::vector<Tag> tags_;
};

} // namespace kansoku::intel
