#pragma once

/// IP address -> autonomous system (number and name), in memory, from the ip-location-db CSVs
/// (asn-ipv4.csv and asn-ipv6.csv of `@ip-location-db/asn`, see docs/enrichment.md).
///
/// Rows must come in ascending order of their first address (the published files do). Where a
/// row starts inside the previous one, the later row wins over the part it covers (the published
/// IPv4 file has one such pair: 214.95.0.0-215.0.255.255 AS749 and 215.0.0.0-215.1.3.255 AS721);
/// such overlaps are counted. Each distinct (number, name) is stored once.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/ip_address.h"
#include "common/result.h"
#include "intel/asn_csv_reader.h"
#include "intel/range_index.h"

namespace kansoku::intel {

/// Files larger than this are refused before they are read (the published ones are 9 and 24 MB).
inline constexpr std::size_t kMaxAsnCsvBytes = std::size_t{512} << 20;

/// An autonomous system as the data names it. asn 0 means "no AS known" (AS 0 is reserved and
/// never announced, RFC 7607).
struct AsInfo {
    uint32_t asn = 0;
    std::string_view name; ///< lives as long as the table
};

/// An address range an AS announces: [first, last], both in the same family.
struct AnnouncedRange {
    IpAddress first;
    IpAddress last;
};

class AsnTable {
public:
    AsnTable() = default; ///< knows no address

    /// Parses the text of an IPv4 CSV and an IPv6 CSV (either may be empty text, which adds no
    /// ranges); the origins name them in errors.
    static Result<AsnTable> parse(std::string_view v4_csv, std::string_view v6_csv, std::string_view v4_origin,
                                  std::string_view v6_origin);
    /// Reads and parses the two files. A missing, unreadable or oversized file, a malformed or
    /// unsorted row, or an empty file is a one-line error naming the file.
    static Result<AsnTable> load(const std::string& v4_path, const std::string& v6_path);

    /// The AS whose range covers `address`; asn 0 when none does.
    AsInfo lookup(const IpAddress& address) const {
        return address.isV4() ? lookupV4(address.v4()) : lookupV6(addressKey(address));
    }
    /// IPv4 lookup by host-order address.
    AsInfo lookupV4(uint32_t address) const { return infoOf(v4_.find(address)); }
    /// IPv6 lookup by big-endian 128-bit value (addressKey()).
    AsInfo lookupV6(Uint128 address) const { return infoOf(v6_.find(address)); }

    /// The ranges `asn` announces (the reverse of lookup()): IPv4 first, then IPv6, each ascending,
    /// adjacent ranges joined. At most `limit` ranges; `complete` is false when there were more.
    std::vector<AnnouncedRange> announced(uint32_t asn, std::size_t limit, bool& complete) const;

    const Ipv4RangeIndex& v4() const { return v4_; }
    const Ipv6RangeIndex& v6() const { return v6_; }
    /// Rows read from both files.
    std::size_t rowCount() const { return rows_; }
    /// Rows cut short or hidden by a later overlapping row.
    std::size_t overlapCount() const { return overlaps_; }
    /// Distinct (number, name) pairs.
    std::size_t asCount() const { return systems_.size(); }
    /// Bytes held (ranges, AS records, names, the index by AS).
    std::size_t memoryBytes() const {
        return v4_.memoryBytes() + v6_.memoryBytes() + systems_.capacity() * sizeof(System) + names_.capacity() +
               (v4_by_asn_.capacity() + v6_by_asn_.capacity()) * sizeof(AsEntry);
    }

    /// The AS stored under a range value (what v4()/v6() return).
    AsInfo infoOf(uint32_t value) const {
        if (value == Ipv4RangeIndex::kNoValue) {
            return {};
        }
        const System& system = systems_[value];
        return {system.asn, std::string_view(names_).substr(system.name_offset, system.name_size)};
    }

private:
    struct System {
        uint32_t asn;
        uint32_t name_offset; ///< into names_
        uint32_t name_size;
    };
    /// One range of an AS: the index's entry number, sorted by (asn, entry).
    struct AsEntry {
        uint32_t asn;
        uint32_t entry;
    };
    class Loader;

    /// The entries of every range with a value, sorted by AS (the reverse index of announced()).
    template <typename Index>
    std::vector<AsEntry> byAsn(const Index& index) const;

    Ipv4RangeIndex v4_;
    Ipv6RangeIndex v6_;
    std::vector<System> systems_;
    std::string names_;
    std::vector<AsEntry> v4_by_asn_;
    std::vector<AsEntry> v6_by_asn_;
    std::size_t rows_ = 0;
    std::size_t overlaps_ = 0;
};

} // namespace kansoku::intel
