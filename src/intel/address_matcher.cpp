#include "intel/address_matcher.h"

#include <algorithm>
#include <charconv>
#include <map>

namespace kansoku::intel {
namespace {

__extension__ typedef unsigned __int128 U128;

/// A prefix as an inclusive range of integer addresses in its own family.
template <typename Key>
struct Interval {
    Key first;
    Key last;
    int length; ///< prefix length: longer is more specific
    AddressMatcher::Tag tag;
};

/// A run of addresses covered by the same tags (most specific first).
template <typename Key>
struct Segment {
    Key first;
    Key last;
    std::vector<AddressMatcher::Tag> tags;
};

U128 toU128(const IpAddress& address) {
    U128 value = 0;
    for (const uint8_t byte : address.bytes()) {
        value = (value << 8) | byte;
    }
    return value;
}

// std::numeric_limits knows unsigned __int128 only in GNU mode, so the top and width are spelled out.
template <typename Key>
constexpr Key kTop = static_cast<Key>(~Key{0});

template <typename Key>
Key hostMask(int length) {
    constexpr int kBits = static_cast<int>(sizeof(Key)) * 8;
    return length >= kBits ? Key{0} : static_cast<Key>(kTop<Key> >> length);
}

/// Flattens intervals into disjoint segments. A new segment can start only at some interval's first
/// address or one past some interval's last address (never past the family's top, so nothing
/// overflows); sweeping over those cut points with the set of intervals open at each gives every
/// segment its covering tags. Adjacent segments with equal tags are merged.
template <typename Key>
std::vector<Segment<Key>> flatten(std::vector<Interval<Key>> intervals) {
    std::vector<Segment<Key>> segments;
    if (intervals.empty()) {
        return segments;
    }
    std::vector<Key> cuts;
    cuts.reserve(intervals.size() * 2);
    for (const auto& interval : intervals) {
        cuts.push_back(interval.first);
        if (interval.last != kTop<Key>) {
            cuts.push_back(interval.last + 1);
        }
    }
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());

    auto by_first = intervals;
    std::sort(by_first.begin(), by_first.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    auto by_last = std::move(intervals);
    std::sort(by_last.begin(), by_last.end(), [](const auto& a, const auto& b) { return a.last < b.last; });

    // Open intervals (CIDR prefixes nest, so this holds at most one per length and tag).
    std::vector<Interval<Key>> open;
    std::size_t next_first = 0;
    std::size_t next_last = 0;
    std::vector<AddressMatcher::Tag> tags;
    for (std::size_t i = 0; i < cuts.size(); ++i) {
        const Key cut = cuts[i];
        while (next_last < by_last.size() && by_last[next_last].last < cut) {
            const auto& closing = by_last[next_last++];
            const auto it = std::find_if(open.begin(), open.end(), [&](const auto& o) {
                return o.first == closing.first && o.last == closing.last && o.tag == closing.tag;
            });
            if (it != open.end()) {
                open.erase(it);
            }
        }
        while (next_first < by_first.size() && by_first[next_first].first == cut) {
            open.push_back(by_first[next_first++]);
        }
        if (open.empty()) {
            continue;
        }
        auto ordered = open;
        std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
            return a.length != b.length ? a.length > b.length : a.tag < b.tag;
        });
        tags.clear();
        for (const auto& o : ordered) {
            if (std::find(tags.begin(), tags.end(), o.tag) == tags.end()) {
                tags.push_back(o.tag);
            }
        }
        const Key last = i + 1 < cuts.size() ? cuts[i + 1] - 1 : kTop<Key>;
        if (!segments.empty() && segments.back().last != kTop<Key> && segments.back().last + 1 == cut &&
            segments.back().tags == tags) {
            segments.back().last = last;
        } else {
            segments.push_back({cut, last, tags});
        }
    }
    return segments;
}

/// Interns tag lists so ranges covered by the same lists share one label.
class LabelTable {
public:
    LabelTable(std::vector<AddressMatcher::Tag>& tags, std::vector<std::pair<uint32_t, uint32_t>>& labels)
        : tags_(tags), labels_(labels) {}

    uint32_t intern(const std::vector<AddressMatcher::Tag>& tags) {
        const auto [it, inserted] = index_.try_emplace(tags, static_cast<uint32_t>(labels_.size()));
        if (inserted) {
            labels_.emplace_back(static_cast<uint32_t>(tags_.size()), static_cast<uint32_t>(tags.size()));
            tags_.insert(tags_.end(), tags.begin(), tags.end());
        }
        return it->second;
    }

private:
    std::vector<AddressMatcher::Tag>& tags_;
    std::vector<std::pair<uint32_t, uint32_t>>& labels_;
    std::map<std::vector<AddressMatcher::Tag>, uint32_t> index_;
};

} // namespace

Result<CidrEntry> parseCidrEntry(std::string_view text) {
    auto strict = Prefix::parse(text);
    if (strict) {
        return CidrEntry{*strict, false};
    }
    // Prefix::parse refuses host bits; accept them here, masked, when the rest is well formed.
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        return fail(std::move(strict).error());
    }
    const auto address = IpAddress::parse(text.substr(0, slash));
    const auto digits = text.substr(slash + 1);
    int length = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (!address || digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || length < 0 ||
        length > (address->isV4() ? 32 : 128)) {
        return fail(std::move(strict).error());
    }
    return CidrEntry{Prefix(*address, length), true};
}

void AddressMatcher::Builder::add(const Prefix& prefix, Tag tag) {
    (prefix.isV4() ? v4_ : v6_).push_back({prefix, tag});
}

AddressMatcher AddressMatcher::Builder::build() const {
    AddressMatcher matcher;
    std::vector<std::pair<uint32_t, uint32_t>> labels;
    LabelTable table(matcher.tags_, labels);

    std::vector<Interval<uint32_t>> v4;
    v4.reserve(v4_.size());
    for (const auto& [prefix, tag] : v4_) {
        const uint32_t first = prefix.network().v4();
        v4.push_back({first, first | hostMask<uint32_t>(prefix.length()), prefix.length(), tag});
    }
    const auto v4_segments = flatten(std::move(v4));
    matcher.v4_starts_.reserve(v4_segments.size());
    matcher.v4_ranges_.reserve(v4_segments.size());
    for (const auto& segment : v4_segments) {
        matcher.v4_starts_.push_back(segment.first);
        matcher.v4_ranges_.push_back({segment.last, table.intern(segment.tags)});
    }

    std::vector<Interval<U128>> v6;
    v6.reserve(v6_.size());
    for (const auto& [prefix, tag] : v6_) {
        const U128 first = toU128(prefix.network());
        v6.push_back({first, first | hostMask<U128>(prefix.length()), prefix.length(), tag});
    }
    const auto v6_segments = flatten(std::move(v6));
    matcher.v6_ranges_.reserve(v6_segments.size());
    for (const auto& segment : v6_segments) {
        matcher.v6_ranges_.push_back({segment.first, segment.last, table.intern(segment.tags)});
    }

    matcher.labels_.reserve(labels.size());
    for (const auto& [offset, count] : labels) {
        matcher.labels_.push_back({offset, count});
    }
    return matcher;
}

std::span<const AddressMatcher::Tag> AddressMatcher::lookupV6(const IpAddress& address) const {
    const U128 key = toU128(address);
    // The last range whose first address is <= key.
    const auto it = std::upper_bound(v6_ranges_.begin(), v6_ranges_.end(), key,
                                     [](const U128 k, const V6Range& r) { return k < r.first; });
    if (it == v6_ranges_.begin()) {
        return {};
    }
    const V6Range& range = *std::prev(it);
    if (key > range.last) {
        return {};
    }
    return tagsOf(range.label);
}

} // namespace kansoku::intel
