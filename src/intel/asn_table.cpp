#include "intel/asn_table.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <limits>
#include <unordered_map>
#include <utility>

#include "common/file_reader.h"

namespace kansoku::intel {

/// Reads rows into the two range builders and the AS directory.
class AsnTable::Loader {
public:
    Result<void> read(std::string_view text, AddressFamily family, std::string_view origin) {
        AsnCsvReader reader(text, family, std::string(origin));
        AsnCsvRow row;
        std::size_t rows = 0;
        Uint128 previous_first = 0;
        while (true) {
            auto more = reader.next(row);
            if (!more) {
                return fail(std::move(more).error());
            }
            if (!*more) {
                break;
            }
            const Uint128 first = addressKey(row.first);
            if (rows > 0 && first < previous_first) {
                return fail("asn csv {}: line {}: range starts below the previous one (the file must be sorted)",
                            origin, row.line);
            }
            previous_first = first;
            const uint32_t value = systemOf(row.asn, row.name);
            if (family == AddressFamily::Ipv4) {
                v4_.add(row.first.v4(), row.last.v4(), value);
            } else {
                v6_.add(first, addressKey(row.last), value);
            }
            ++rows;
        }
        table_.rows_ += rows;
        return {};
    }

    AsnTable finish() && {
        table_.overlaps_ = v4_.overlaps() + v6_.overlaps();
        table_.v4_ = v4_.build();
        table_.v6_ = v6_.build();
        table_.v4_by_asn_ = table_.byAsn(table_.v4_);
        table_.v6_by_asn_ = table_.byAsn(table_.v6_);
        table_.systems_.shrink_to_fit();
        table_.names_.shrink_to_fit();
        return std::move(table_);
    }

private:
    uint32_t systemOf(uint32_t asn, const std::string& name) {
        key_.assign(reinterpret_cast<const char*>(&asn), sizeof asn);
        key_ += name;
        const auto [it, inserted] = known_.try_emplace(key_, static_cast<uint32_t>(table_.systems_.size()));
        if (inserted) {
            table_.systems_.push_back(
                {asn, static_cast<uint32_t>(table_.names_.size()), static_cast<uint32_t>(name.size())});
            table_.names_ += name;
        }
        return it->second;
    }

    AsnTable table_;
    Ipv4RangeIndex::Builder v4_;
    Ipv6RangeIndex::Builder v6_;
    std::unordered_map<std::string, uint32_t> known_; ///< asn bytes + name -> index into systems_
    std::string key_;
};

template <typename Index>
std::vector<AsnTable::AsEntry> AsnTable::byAsn(const Index& index) const {
    std::vector<AsEntry> entries;
    entries.reserve(index.rangeCount());
    for (std::size_t i = 0; i < index.entryCount(); ++i) {
        if (const uint32_t value = index.entryValue(i); value != Index::kNoValue) {
            entries.push_back({systems_[value].asn, static_cast<uint32_t>(i)});
        }
    }
    std::sort(entries.begin(), entries.end(),
              [](const AsEntry& a, const AsEntry& b) { return a.asn != b.asn ? a.asn < b.asn : a.entry < b.entry; });
    return entries;
}

namespace {

IpAddress v6Address(Uint128 key) {
    std::array<uint8_t, 16> bytes{};
    for (int i = 15; i >= 0; --i) {
        bytes[static_cast<std::size_t>(i)] = static_cast<uint8_t>(key);
        key >>= 8;
    }
    return IpAddress::fromV6(bytes.data());
}

IpAddress addressOf(uint32_t key) {
    return IpAddress::fromV4(key);
}

IpAddress addressOf(Uint128 key) {
    return v6Address(key);
}

/// Appends the ranges of `asn` in `index` (entries of one AS that follow each other joined).
template <typename Index, typename Entry>
void appendAnnounced(const Index& index, const std::vector<Entry>& by_asn, uint32_t asn, std::size_t limit,
                     std::vector<AnnouncedRange>& out, bool& complete) {
    auto it = std::lower_bound(by_asn.begin(), by_asn.end(), asn,
                               [](const Entry& entry, uint32_t wanted) { return entry.asn < wanted; });
    for (; it != by_asn.end() && it->asn == asn; ++it) {
        auto last = index.entryLast(it->entry);
        const auto first = index.entryFirst(it->entry);
        while (std::next(it) != by_asn.end() && std::next(it)->asn == asn && std::next(it)->entry == it->entry + 1) {
            ++it;
            last = index.entryLast(it->entry);
        }
        if (out.size() == limit) {
            complete = false;
            return;
        }
        out.push_back({addressOf(first), addressOf(last)});
    }
}

} // namespace

std::vector<AnnouncedRange> AsnTable::announced(uint32_t asn, std::size_t limit, bool& complete) const {
    std::vector<AnnouncedRange> ranges;
    complete = true;
    appendAnnounced(v4_, v4_by_asn_, asn, limit, ranges, complete);
    if (complete) {
        appendAnnounced(v6_, v6_by_asn_, asn, limit, ranges, complete);
    }
    return ranges;
}

Result<AsnTable> AsnTable::parse(std::string_view v4_csv, std::string_view v6_csv, std::string_view v4_origin,
                                 std::string_view v6_origin) {
    // Range values and name offsets are 32-bit; the file size limit keeps both far below that.
    static_assert(kMaxAsnCsvBytes < std::numeric_limits<uint32_t>::max() / 2);
    if (v4_csv.size() > kMaxAsnCsvBytes || v6_csv.size() > kMaxAsnCsvBytes) {
        return fail("asn csv {}: over the {} byte limit", v4_csv.size() > kMaxAsnCsvBytes ? v4_origin : v6_origin,
                    kMaxAsnCsvBytes);
    }
    Loader loader;
    KANSOKU_TRY(loader.read(v4_csv, AddressFamily::Ipv4, v4_origin));
    KANSOKU_TRY(loader.read(v6_csv, AddressFamily::Ipv6, v6_origin));
    return std::move(loader).finish();
}

Result<AsnTable> AsnTable::load(const std::string& v4_path, const std::string& v6_path) {
    auto v4 = readFileBounded(v4_path, kMaxAsnCsvBytes);
    if (!v4) {
        return fail("asn csv {}", v4.error().message);
    }
    auto v6 = readFileBounded(v6_path, kMaxAsnCsvBytes);
    if (!v6) {
        return fail("asn csv {}", v6.error().message);
    }
    if (v4->empty() || v6->empty()) {
        return fail("asn csv {}: empty file", v4->empty() ? v4_path : v6_path);
    }
    return parse(*v4, *v6, v4_path, v6_path);
}

} // namespace kansoku::intel
